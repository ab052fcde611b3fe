"""No `Server` header from gunicorn.

gunicorn writes `Server: gunicorn` before the app's own headers on every answer (`Response.default_headers`),
and no setting turns it off. Naming the server and its make helps only whoever looks for a known weakness,
so gunicorn.conf.py installs this (before the fork, so every worker has it): the line is dropped. gunicorn's
own error answers (infra/gunicorn_errors.py) never carried one.
"""
from __future__ import annotations

from gunicorn.http import wsgi

_ORIGINAL = wsgi.Response.default_headers


def _without_server(self) -> list[str]:
    return [line for line in _ORIGINAL(self) if not line.lower().startswith("server:")]


def install() -> None:
    wsgi.Response.default_headers = _without_server
