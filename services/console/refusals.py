"""The page shown when a view's API call fails outside a form (an unknown id, a role that may not look, a
service that does not answer): the status the API gave, its meaning in the page's language, and a way back.
A blueprint opts in with `blp.register_error_handler(ApiError, api_error_page)`."""

from __future__ import annotations

from flask import render_template

from .adapters.api import ApiError
from .i18n import api_status_message
from .web import api_error_status


def api_error_page(error: ApiError):
    status = api_error_status(error)
    return render_template("refusal.html", error=error, status=status,
                           message=api_status_message(status)), status
