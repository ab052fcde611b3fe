"""A page whose API call failed: one message in the user's language, with the status the API gave (403 stays
403, an unknown id 404), instead of the server error an uncaught ApiError would become."""

from __future__ import annotations

from flask import render_template

from .adapters.api import ApiError
from .web import api_error_status


def api_error_page(error: ApiError):
    return render_template("api_error.html", error=error), api_error_status(error)


def install(blueprint) -> None:
    blueprint.register_error_handler(ApiError, api_error_page)
