"""OpenAPI response descriptions for views that answer with a page or a file instead of JSON."""

from __future__ import annotations

from typing import Any


def html(description: str) -> dict[str, Any]:
    """A response documented as an HTML page."""
    return {"description": description, "content": {"text/html": {"schema": {"type": "string"}}}}


def text_file(description: str, media_type: str) -> dict[str, Any]:
    """A response documented as a downloaded file (CSV, JavaScript, ...)."""
    return {"description": description, "content": {media_type: {"schema": {"type": "string"}}}}
