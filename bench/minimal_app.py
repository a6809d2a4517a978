"""The framework ceiling: a minimal Flask app returning small JSON, served under the product's gunicorn settings."""

from __future__ import annotations

from flask import Flask, request

app = Flask(__name__)

BODY = {"points": 1240, "pending": 0, "tier": "Gold", "currency": "EUR"}


@app.get("/healthz")
def healthz() -> dict[str, str]:
    """Ready check for the harness."""
    return {"status": "ok"}


@app.get("/json")
def small_json() -> dict[str, object]:
    """Small JSON, as the widget answers; 304 when the client already holds it."""
    if request.headers.get("If-None-Match") == '"v1"':
        return app.response_class(status=304, headers={"ETag": '"v1"'})  # type: ignore[return-value]
    response = app.json.response(BODY)
    response.headers["ETag"] = '"v1"'
    return response  # type: ignore[return-value]
