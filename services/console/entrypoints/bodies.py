"""/bodies: the governance bodies (the Board, the Advisory Board, working groups). A body's page shows its
current seats and every seat it has had; who may manage seats gets the form to seat a person and, on each seat,
the action to end it (behind a confirmation, with If-Match from the seat's version)."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from shared.concurrency import etag
from shared.contracts.members import SEAT_ROLES

from .. import members_rules as rules
from ..adapters.api import ApiError
from ..listing import listing
from ..web import NavEntry, api, current_user, gather, render_form_errors
from .people import organisation_names

blp = Blueprint("bodies", __name__)
NAV = [NavEntry("bodies.index", _l("Bodies"))]

HISTORY_SHOWN = 100
PEOPLE_OFFERED = 100
SEAT_FIELDS = ("person_id", "role", "term_start", "term_end")


@blp.get("/bodies")
def index():
    wanted = listing(request.args, ())
    found = api().get("members", "/api/v1/bodies", params={"page": wanted.page, "page_size": wanted.page_size}).data
    return render_template("bodies/index.html", found=found, pages=wanted.pages(found["total"]))


@blp.get("/bodies/<code>")
def show(code: str):
    return render_template("bodies/show.html", values={"term_start": date.today().isoformat()}, **body_page(code))


def body_page(code: str) -> dict:
    """What the body's page shows: the body and its seats, its history, and the people the seat form offers."""
    caller = api()
    manage = rules.may_manage_seats(current_user())
    jobs = {
        "body": lambda: caller.get("members", f"/api/v1/bodies/{code}"),
        "history": lambda: caller.get("members", f"/api/v1/bodies/{code}/history",
                                      params={"page_size": HISTORY_SHOWN}),
    }
    if manage:
        jobs["people"] = lambda: caller.get("members", "/api/v1/people", params={"page_size": PEOPLE_OFFERED})
        jobs["organisations"] = lambda: organisation_names(caller, status="active")
    results = gather(jobs)
    if isinstance(results["body"], ApiError):
        raise results["body"]
    history = results["history"]
    people = results.get("people")
    return {"body": results["body"].data, "manage": manage, "roles": SEAT_ROLES,
            "history": None if isinstance(history, ApiError) else history.data,
            "people": [] if people is None or isinstance(people, ApiError) else people.data["items"],
            "organisations": _names(results.get("organisations"))}


def _names(result) -> dict:
    return result if isinstance(result, dict) else {}


@blp.post("/bodies/<code>")
def act(code: str):
    """Two forms post here: seating a person (the form's fields) and ending a seat (action=end, behind a
    confirmation)."""
    if not rules.may_manage_seats(current_user()):
        abort(403)
    if request.form.get("action") == "end":
        return end_seat(code, request.form.get("seat_id", ""))
    seat = {name: request.form.get(name, "").strip() for name in SEAT_FIELDS if request.form.get(name, "").strip()}
    try:
        created = api().post("members", f"/api/v1/bodies/{code}/seats", json=seat,
                             idempotency_key=request.form.get("idempotency_key"))
    except ApiError as error:
        if error.status >= 500 or (error.status == 404 and not error.field_errors):
            raise  # the console's error page: nothing the form could show next to a field
        # The body's page again, the API's messages next to the seat form's fields.
        return render_form_errors("bodies/show.html", error, values=request.form,
                                  **body_page(code))
    flash(_("%(name)s is seated.", name=created.data.get("person_name") or created.data["person_id"]))
    return redirect(url_for("bodies.show", code=code))


def end_seat(code: str, seat_id: str):
    seat = api().get("members", f"/api/v1/bodies/{code}/seats/{seat_id}")
    if request.form.get("confirm") != "yes":
        return render_template("bodies/confirm.html", code=code, seat=seat.data,
                               version=request.form.get("version") or str(seat.data["version"]))
    version_seen = request.form.get("version", "")
    body = {"reason": request.form.get("reason", "").strip() or None}
    if request.form.get("ended_on", "").strip():
        body["ended_on"] = request.form["ended_on"].strip()
    try:
        api().post("members", f"/api/v1/bodies/{code}/seats/{seat_id}/end", json=body,
                   if_match=etag(int(version_seen)) if version_seen.isdigit() else None,
                   idempotency_key=request.form.get("idempotency_key"))
    except ApiError as error:
        if error.status not in (403, 409, 412, 422):
            raise
        return render_form_errors("bodies/confirm.html", error, code=code,
                                  seat=seat.data, version=str(seat.data["version"]))
    flash(_("The seat of %(name)s has ended.", name=seat.data.get("person_name") or seat.data["person_id"]))
    return redirect(url_for("bodies.show", code=code))
