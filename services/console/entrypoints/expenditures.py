"""`/expenditures`: the eligible expenditures, filtered by date and budget line, a page at a time; the form that
records one (budget line, amount, currency, the EUR rate for TRY, date, description, an optional meeting);
`/expenditures/<id>`: one expenditure with its evidence files (invoices …) and, for officers, the upload form."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from .. import evidence
from ..access import may, roles_that_may
from ..adapters.api import ApiError
from ..labels import BUDGET_LINES
from ..pages import page_params, pagination
from ..web import NavEntry, api, gather, render_form_errors

blp = Blueprint("expenditures", __name__)
LIST_ROUTE = "/api/v1/expenditures"
EXPENDITURE_ROUTE = LIST_ROUTE + "/{expenditure_id}"
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


# --- one expenditure and its evidence ---------------------------------------------------------------------

@blp.get("/expenditures/<expenditure_id>")
def show(expenditure_id: str):
    return _expenditure_page(expenditure_id)


@blp.post("/expenditures/<expenditure_id>")
def add_evidence(expenditure_id: str):
    path = EXPENDITURE_ROUTE.format(expenditure_id=evidence.plain_id(expenditure_id)) + "/evidence"
    try:
        answer = evidence.upload("reporting", path)
    except ApiError as error:
        if error.status >= 500:
            raise
        return _expenditure_page(expenditure_id, error)
    flash(gettext("%(filename)s is added to the expenditure's evidence.", filename=answer.data["filename"]),
          "success")
    return redirect(url_for("expenditures.show", expenditure_id=expenditure_id, _anchor="evidence"))


@blp.get("/expenditures/<expenditure_id>/evidence/<evidence_id>")
def evidence_file(expenditure_id: str, evidence_id: str):
    """An expenditure's evidence file, from the reporting API with the user's token."""
    return evidence.download("reporting", evidence_id)


def _expenditure_page(expenditure_id: str, error: ApiError | None = None):
    path = EXPENDITURE_ROUTE.format(expenditure_id=evidence.plain_id(expenditure_id))
    caller = api()
    results = gather({"expenditure": lambda: caller.get("reporting", path),
                      "evidence": lambda: caller.get("reporting", path + "/evidence", params={"page_size": 100})})
    for result in results.values():
        if isinstance(result, ApiError):
            raise result
    context = dict(expenditure=results["expenditure"].data, evidence=results["evidence"].data["items"],
                   evidence_kinds=evidence.KINDS, failed="evidence" if error is not None else None,
                   can_upload=may("reporting", "POST", EXPENDITURE_ROUTE + "/evidence"))
    if error is not None:
        return render_form_errors("expenditures/show.html", error, **context)
    return render_template("expenditures/show.html", **context)
