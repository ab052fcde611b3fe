"""A file in an HTTP answer: its type and its name in `Content-Disposition`, the same way in every service."""

from __future__ import annotations

from typing import Iterable
from urllib.parse import quote

from flask import Response


def content_disposition(filename: str, disposition: str = "attachment") -> str:
    """The name in ASCII for old clients and in UTF-8 (RFC 6266/5987) for the others: evidence keeps Turkish names."""
    fallback = filename.encode("ascii", "replace").decode("ascii")
    fallback = fallback.replace("?", "_").replace('"', "_").replace("\\", "_") or "file"
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def file_response(
    body: bytes | Iterable[bytes], content_type: str, filename: str, disposition: str = "attachment"
) -> Response:
    return Response(
        body,
        status=200,
        content_type=content_type,
        headers={"Content-Disposition": content_disposition(filename, disposition)},
    )
