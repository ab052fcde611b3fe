"""Headers every answer carries for the browser's and the caches' sake.

`X-Content-Type-Options: nosniff` on every response: a browser never guesses a JSON or CSV answer to be HTML.
`Cache-Control: no-store` on every answer of a route that needs a token (shared.web.security.guarded), its
401 and 403 included: those are the answers that carry personal data (people, registrations, participants,
data-subject and audit answers), and no proxy or browser cache may keep any of them. Public answers (API docs,
health, metrics) keep their own caching.
"""

from __future__ import annotations

from flask import Flask, g


def init_app(app: Flask) -> None:
    @app.after_request
    def _security_headers(response):
        response.headers["X-Content-Type-Options"] = "nosniff"
        if g.get("guarded"):
            response.headers["Cache-Control"] = "no-store"
        return response
