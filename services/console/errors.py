"""Error pages: every refusal and failure is a page of the console, in the page's language, never a bare
Werkzeug page nor a traceback.

A view may let an ApiError from `api()` go: a 404 of the API is the console's 404 page, a 403 its 403,
a 409 or 422 a page that says what the API said; a service that fails or does not answer is a 502/503
("try again") page. Forms catch their ApiError themselves to show it next to the fields
(web.render_form_errors).
"""

from __future__ import annotations

import logging

from flask import render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from .adapters.api import ApiError

log = logging.getLogger(__name__)

TITLES = {
    400: _l("The request could not be understood"),
    401: _l("Sign in again"),
    403: _l("Not allowed"),
    404: _l("Not found"),
    405: _l("Not allowed"),
    409: _l("Not possible now"),
    412: _l("Changed meanwhile"),
    413: _l("Too large"),
    415: _l("Not a PDF, JPEG or PNG file"),
    422: _l("Not accepted"),
    429: _l("Too many requests"),
    500: _l("Something went wrong"),
    502: _l("A service did not answer properly"),
    503: _l("A service is not available"),
}
EXPLANATIONS = {
    401: _l("The platform did not accept your session. Sign in again."),
    403: _l("Your role may not see or do this."),
    404: _l("There is no such page or record."),
    412: _l("Someone else changed this record while you were editing it. Open it again and repeat your change."),
    500: _l("The error was recorded. The correlation id below identifies it in the logs."),
    502: _l("Try again in a moment."),
    503: _l("Try again in a moment."),
}
CSRF_EXPLANATION = _l("The form had expired or did not come from this console. Reload the page and send it again.")


def status_message(status: int) -> str:
    """A refusal's status in the page's language, for the top of a form (_forms.html's form_errors)."""
    return str(EXPLANATIONS.get(status) or TITLES.get(status) or TITLES[500 if status >= 500 else 400])


def page(status: int, detail: str = ""):
    title = TITLES.get(status) or TITLES[500 if status >= 500 else 400]
    explanation = EXPLANATIONS.get(status, "")
    body = render_template("error.html", status=status, title=title, explanation=explanation, detail=detail)
    return body, status


def _console_status(error: ApiError) -> int:
    """The API's status as the console's: its own failures stay 5xx but say which service failed (502/503)."""
    if error.status >= 500:
        return 503 if error.status == 503 else 502
    return error.status


def init_app(app) -> None:
    @app.errorhandler(ApiError)
    def _api_error(error: ApiError):
        if error.status >= 500:
            log.warning("a service failed: %s", error)
        # The API's own words help on 409/422 (what was in the way); 401/403/404 need none.
        detail = error.detail if error.status in (409, 412, 413, 422, 429) or error.status >= 500 else ""
        return page(_console_status(error), detail)

    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError):
        return render_template("error.html", status=400, title=TITLES[400], explanation=CSRF_EXPLANATION,
                               detail=""), 400

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        if request.endpoint in ("static", "metrics") or request.path in ("/healthz", "/readyz"):
            return error  # plain answers for machines
        response = page(error.code or 500)
        if error.code == 405:
            return response[0], 405, {"Allow": ", ".join(error.valid_methods or [])}
        return response

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        log.exception("unhandled error")
        return page(500)
