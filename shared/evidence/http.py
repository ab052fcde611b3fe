"""The download of an evidence file: streamed chunk by chunk, with its stored type and name."""

from __future__ import annotations

from typing import Iterable

from flask import Response

from ..web.files import content_disposition


def download_response(stored: dict, chunks: Iterable[bytes]) -> Response:
    response = Response(chunks, mimetype=stored["content_type"], direct_passthrough=True)
    response.headers["Content-Length"] = str(stored["size"])
    response.headers["Content-Disposition"] = content_disposition(stored["filename"])
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["ETag"] = f'"{stored["sha256"]}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
