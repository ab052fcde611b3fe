"""HTTP plumbing of the members API beyond shared/web/http.py: If-Match preconditions and ETag headers."""
from __future__ import annotations

from flask import request

from ..domain.versioning import Precondition, etag, parse_if_match


def precondition() -> Precondition | None:
    return parse_if_match(request.headers.get("If-Match"))


def with_etag(document: dict):
    """A view's return value: the document and its ETag header."""
    return document, {"ETag": etag(document["version"])}
