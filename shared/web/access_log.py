"""One JSON access-log line per request, written by the app (gunicorn's own access log is off).

The route is the URL rule's template (`/api/v1/organisations/<organisation_id>`), not the
path, so lines group by endpoint and carry no ids of people; `sub` is the token's subject,
or null when the request was not authenticated.
"""

from __future__ import annotations

import logging
import time

from flask import Flask, g, request

log = logging.getLogger("tvp.access")


def init_app(app: Flask) -> None:
    @app.before_request
    def _start_clock():
        g.access_started = time.perf_counter()

    @app.after_request
    def _log_request(response):
        started = g.get("access_started")
        principal = g.get("principal")
        log.info(
            "request",
            extra={
                "method": request.method,
                "route": request.url_rule.rule if request.url_rule else None,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 2) if started else None,
                "sub": getattr(principal, "subject", None),
            },
        )
        return response
