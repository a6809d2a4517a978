"""A threaded fake HTTP server on 127.0.0.1 with scripted failures and recorded requests."""

from __future__ import annotations

import json
import threading
from collections import deque
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Self

from werkzeug.serving import BaseWSGIServer, make_server
from werkzeug.wrappers import Request, Response

POLL_INTERVAL = 0.02  # seconds; shutdown() waits up to one poll, and every test stops a server


@dataclass(frozen=True)
class Scripted:
    """One scripted answer: a status (429 with `retry_after`, 500, …) or a hang of `hang` seconds.

    With `process=True` the request takes effect first and only the response is delayed: a lost response.
    """

    status: int = 500
    retry_after: float | None = None
    hang: float = 0.0
    process: bool = False


@dataclass(frozen=True)
class Recorded:
    """One request as the fake saw it."""

    method: str
    path: str
    args: dict[str, str]
    headers: dict[str, str]
    body: bytes
    json: Any = field(default=None)


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """A JSON answer, as both platforms send them."""
    return Response(json.dumps(body), status=status, headers=headers, mimetype="application/json")


class FakeServer:
    """Base of the platform fakes: subclasses implement `handle(request)`; state changes run under `lock`."""

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.lock = threading.RLock()
        self._script: deque[Scripted] = deque()
        self._stopping = threading.Event()
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None
        self.tls = False  # set before starting: HTTPS with a throw-away self-signed certificate

    @property
    def url(self) -> str:
        """`http://127.0.0.1:<port>` (`https://` with `tls`) of the running server."""
        assert self._server is not None, "start the fake first (use it as a context manager)"
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self._server.server_port}"

    def script(self, step: Scripted, times: int = 1) -> None:
        """Make the next `times` requests answer with `step` instead of the normal behaviour."""
        with self.lock:
            self._script.extend([step] * times)

    def throttle(self, retry_after: float, times: int = 1) -> None:
        """The next requests answer 429 with `Retry-After`."""
        self.script(Scripted(status=429, retry_after=retry_after), times)

    def fail(self, status: int = 500, times: int = 1) -> None:
        """The next requests answer a server error."""
        self.script(Scripted(status=status), times)

    def hang(self, seconds: float, times: int = 1, process: bool = False) -> None:
        """The next requests answer only after `seconds` (after taking effect, when `process`)."""
        self.script(Scripted(status=503, hang=seconds, process=process), times)

    def recover(self) -> None:
        """Drop the scripted answers not given yet: the next requests get the normal behaviour."""
        with self.lock:
            self._script.clear()

    def requests_to(self, path_part: str) -> list[Recorded]:
        """The recorded requests whose path contains `path_part`."""
        return [r for r in self.requests if path_part in r.path]

    def handle(self, request: Request) -> Response:
        """The platform's normal behaviour; subclasses override."""
        raise NotImplementedError

    def __enter__(self) -> Self:
        self._stopping.clear()
        self._server = make_server("127.0.0.1", 0, self._wsgi, threaded=True, ssl_context="adhoc" if self.tls else None)
        self._thread = threading.Thread(target=self._server.serve_forever, args=(POLL_INTERVAL,), daemon=True)
        self._thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._stopping.set()  # releases hanging handlers at once
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _wsgi(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        response = self._dispatch(request)
        return response(environ, start_response)

    def _dispatch(self, request: Request) -> Response:
        body = request.get_data()
        with self.lock:
            self.requests.append(_record(request, body))
            step = self._script.popleft() if self._script else None
        if step is None:
            return self._handle_locked(request)
        if step.process:
            response = self._handle_locked(request)
            self._stopping.wait(step.hang)
            return response
        self._stopping.wait(step.hang)
        headers = {"Retry-After": str(step.retry_after)} if step.retry_after is not None else {}
        return json_response({"errors": "scripted failure"}, step.status, headers)

    def _handle_locked(self, request: Request) -> Response:
        with self.lock:
            return self.handle(request)


def _record(request: Request, body: bytes) -> Recorded:
    try:
        parsed = json.loads(body) if body else None
    except ValueError:
        parsed = None
    return Recorded(
        method=request.method,
        path=request.path,
        args=dict(request.args),
        headers=dict(request.headers),
        body=body,
        json=parsed,
    )
