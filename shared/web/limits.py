"""The contract's request limits, answered in its JSON error body before any view runs.

1 MiB of body (413; a view class may allow more with `max_body_bytes`: the organisation import, the
evidence uploads), JSON nested 32 levels deep (422: deeper would reach the JSON parser's
recursion limit and end as a 500), 8 KiB of URL (414), 16 KiB of headers (431). gunicorn's
own limits sit above these (infra/gunicorn.conf.py), so under gunicorn it is these that answer.
"""

from __future__ import annotations

import json
import re

from flask import Flask, current_app, request
from flask_smorest import abort

MAX_BODY_BYTES = 1024 * 1024
MAX_JSON_DEPTH = 32
MAX_URL_BYTES = 8 * 1024
MAX_HEADER_BYTES = 16 * 1024

_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(rb"[\[\]{}]")


def json_depth(body: bytes) -> int:
    """How deeply the arrays and objects of a JSON text nest (brackets inside strings do not count)."""
    depth = deepest = 0
    for bracket in _BRACKETS.findall(_STRING.sub(b'""', body)):
        if bracket in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def _url_bytes() -> int:
    raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI")
    if raw:
        return len(raw)
    query = request.environ.get("QUERY_STRING", "")
    return len(request.environ.get("PATH_INFO", "")) + (len(query) + 1 if query else 0)


def _header_bytes() -> int:
    return sum(len(name) + len(value) + 4 for name, value in request.headers.items())


def body_limit() -> int:
    """The request's body limit: MAX_BODY_BYTES, or the `max_body_bytes` of its view's class (an upload)."""
    view = current_app.view_functions.get(request.endpoint or "")
    return int(getattr(getattr(view, "view_class", view), "max_body_bytes", MAX_BODY_BYTES))


def check_request() -> None:
    if _url_bytes() > MAX_URL_BYTES:
        abort(414, message=f"the URL is longer than {MAX_URL_BYTES} bytes")
    if _header_bytes() > MAX_HEADER_BYTES:
        abort(431, message=f"the request's headers are larger than {MAX_HEADER_BYTES} bytes")
    limit = body_limit()
    if limit != MAX_BODY_BYTES:
        request.max_content_length = limit  # werkzeug cuts a chunked upload at the view's own limit too
    if request.content_length is not None and request.content_length > limit:
        abort(413, message=f"the body is larger than {limit} bytes")
    if request.mimetype and request.is_json and request.method in ("POST", "PUT", "PATCH", "DELETE"):
        body = request.get_data(cache=True)  # at most MAX_CONTENT_LENGTH (a chunked body included)
        if json_depth(body) > MAX_JSON_DEPTH:
            abort(
                422,
                message=f"the JSON body is nested deeper than {MAX_JSON_DEPTH} levels",
                messages={"json": [f"nested deeper than {MAX_JSON_DEPTH} levels"]},
            )
        if _number_too_long(body):
            abort(
                422,
                message="the JSON body holds a number too long to read",
                messages={"json": ["a number has too many digits"]},
            )


def _number_too_long(body: bytes) -> bool:
    """Python's JSON parser refuses integers of more than 4,300 digits with a ValueError that is not a
    JSONDecodeError, which the views' parser does not expect (it would be a 500)."""
    try:
        json.loads(body)
    except json.JSONDecodeError:
        return False  # the view's parser answers 422 "Invalid JSON body." as before
    except ValueError:
        return True
    return False


def init_app(app: Flask) -> None:
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES  # a body without Content-Length is cut here too
    app.before_request(check_request)
