"""HTTP plumbing of the reporting API beyond shared/web/http.py: its roles and If-Match parsing."""
from __future__ import annotations

from flask import request

from shared.errors import PreconditionFailed

OFFICERS = ("platform_admin", "programme_officer")
READERS = ("platform_admin", "programme_officer", "auditor")


def if_match() -> int | None:
    header = request.headers.get("If-Match")
    if header is None or not header.strip() or header.strip() == "*":
        return None
    tag = header.strip()
    if tag.startswith("W/"):
        tag = tag[2:]
    tag = tag.strip('"')
    if not (tag.isascii() and tag.isdigit() and len(tag) < 12):
        raise PreconditionFailed(f"If-Match {header[:40]!r} is not an ETag of this resource")
    return int(tag)
