"""The request's correlation id, for the services and the console alike: the caller's `X-Correlation-Id` when it
is a sensible one, else a new one; set for every log line and every call or event the request causes, and
given back on the response."""

from __future__ import annotations

from flask import Flask, g, request

from .. import correlation

MAX_LENGTH = 128  # longer, or unprintable, is not an id a caller meant: a new one is made rather than logged


def init_app(app: Flask) -> None:
    @app.before_request
    def _take_correlation_id():
        given = request.headers.get("X-Correlation-Id", "")
        g.correlation_id = (
            given if 0 < len(given) <= MAX_LENGTH and given.isprintable() else correlation.new_correlation_id()
        )
        g.correlation_token = correlation.set(g.correlation_id)

    @app.after_request
    def _give_correlation_id(response):
        response.headers["X-Correlation-Id"] = g.get("correlation_id") or correlation.new_correlation_id()
        return response

    @app.teardown_request
    def _forget_correlation_id(_exc):
        token = g.pop("correlation_token", None)
        if token is not None:
            correlation.reset(token)
