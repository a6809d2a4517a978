"""A platform that answers every request with an HTML page and 200: a maintenance page, or a proxy in between."""

from __future__ import annotations

from werkzeug.wrappers import Request, Response

from tests.fakes.http_server import FakeServer


class MaintenancePage(FakeServer):
    """Every answer is `<html>…</html>` with status 200, whatever was asked."""

    def handle(self, request: Request) -> Response:
        return Response("<html><body>Wartungsarbeiten</body></html>", status=200, mimetype="text/html")
