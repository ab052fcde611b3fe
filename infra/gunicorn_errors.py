"""gunicorn's own error answers in the contract's JSON error body.

gunicorn rejects some requests before the app sees them (a request line over
`limit_request_line` → 414, a header over `limit_request_field_size` or too many
headers → 431, a malformed request → 400) and writes an HTML page for them through
`gunicorn.util.write_error`, the one function every worker calls for that. The
contract wants `{"code", "status", "message"}` whoever answers, so gunicorn.conf.py
replaces that function with `write_json_error` (before the fork, so every worker has it).
"""
from __future__ import annotations

import json
from http import HTTPStatus

from gunicorn import util


def json_error(status_int: int, reason: str, mesg: str) -> bytes:
    try:
        phrase = HTTPStatus(status_int).phrase
    except ValueError:
        phrase = reason
    body = json.dumps({"code": status_int, "status": phrase, "message": mesg or phrase}).encode()
    head = (f"HTTP/1.1 {status_int} {phrase}\r\nConnection: close\r\nContent-Type: application/json\r\n"
            f"X-Content-Type-Options: nosniff\r\nContent-Length: {len(body)}\r\n\r\n").encode("latin1")
    return head + body


def write_json_error(sock, status_int, reason, mesg) -> None:
    util.write_nonblock(sock, json_error(int(status_int), reason, mesg))


def install() -> None:
    util.write_error = write_json_error
