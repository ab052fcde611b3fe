"""`/expenditures`: the eligible expenditures, filtered by date and budget line, a page at a time; the form that
records one (budget line, amount, currency, the EUR rate for TRY, date, description, an optional meeting)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l


from ..access import may, roles_that_may
from ..adapters.api import ApiError
from ..errors import install as install_api_errors
from ..labels import BUDGET_LINES
from ..pages import page_params, pagination
from ..web import NavEntry, api, gather, render_form_errors

blp = Blueprint("expenditures", __name__)
install_api_errors(blp)
LIST_ROUTE = "/api/v1/expenditures"
NAV = [NavEntry("expenditures.index", _l("Expenditures"), roles_that_may("reporting", "GET", LIST_ROUTE))]

FILTERS = ("from", "to", "budget_line", "sort")
# The API's `sort` values, the first its default.
SORTS = {"date": _l("Oldest first"), "-date": _l("Newest first")}
FIELDS = ("date", "budget_line", "amount", "currency", "eur_rate", "description", "meeting_id")
CURRENCIES = ("EUR", "TRY")
MEETINGS_OFFERED = 100


@blp.get("/expenditures")
def index():
    return _page()


@blp.post("/expenditures")
def create():
    body = {name: request.form.get(name, "").strip() for name in FIELDS}
    # Left empty, an optional field is not sent: the API refuses an eur_rate on EUR and knows no "" meeting.
    body = {name: value for name, value in body.items() if value}
    try:
        api().post("reporting", LIST_ROUTE, json=body, idempotency_key=request.form.get("idempotency_key"))
    except ApiError as error:
        if error.status >= 500:
            raise
        return _page(error=error, values=request.form)
    flash(gettext("Expenditure recorded."), "success")
    return redirect(url_for("expenditures.index"))


def _page(error: ApiError | None = None, values=None):
    filters = {name: request.args.get(name) for name in FILTERS if request.args.get(name)}
    caller = api()
    can_create = may("reporting", "POST", LIST_ROUTE)
    params = {**filters, **page_params()}  # read here: the jobs run in threads without the request
    jobs = {"list": lambda: caller.get("reporting", LIST_ROUTE, params=params)}
    if can_create:
        jobs["meetings"] = lambda: caller.get("events", "/api/v1/meetings", params={"page_size": MEETINGS_OFFERED})
    results = gather(jobs)
    if isinstance(results["list"], ApiError):
        raise results["list"]
    listing = results["list"].data
    meetings = results.get("meetings")
    context = dict(
        listing=listing, pages=pagination(listing), filters=filters, budget_lines=BUDGET_LINES, sorts=SORTS,
        currencies=CURRENCIES, can_create=can_create, values=values or {},
        meetings=[] if meetings is None or isinstance(meetings, ApiError) else meetings.data["items"],
    )
    if error is not None:
        return render_form_errors("expenditures/index.html", error, **context)
    return render_template("expenditures/index.html", **context)
