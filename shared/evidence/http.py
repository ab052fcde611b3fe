"""The download of an evidence file: streamed chunk by chunk, with its stored type and name."""

from __future__ import annotations

from typing import Iterable
from urllib.parse import quote

from flask import Response


def content_disposition(filename: str) -> str:
    """`attachment` with the name in ASCII for old clients and in UTF-8 (RFC 6266/5987) for the others."""
    fallback = filename.encode("ascii", "replace").decode("ascii").replace("?", "_").replace('"', "_") or "evidence"
    fallback = fallback.replace("\\", "_")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def download_response(stored: dict, chunks: Iterable[bytes]) -> Response:
    response = Response(chunks, mimetype=stored["content_type"], direct_passthrough=True)
    response.headers["Content-Length"] = str(stored["size"])
    response.headers["Content-Disposition"] = content_disposition(stored["filename"])
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["ETag"] = f'"{stored["sha256"]}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
