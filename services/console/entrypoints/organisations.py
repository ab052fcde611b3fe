"""/organisations: the member organisations. A list with search, filters, order and pages; a details page with
the membership history as a timeline, the lifecycle actions (behind a confirmation) and the organisation's
people; forms to register one and to change its details (PATCH with the ETag read when the form was shown);
the import of a file (a dry run, then "Import N organisations") and the list's export as CSV or XLSX."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from shared.concurrency import etag
from shared.contracts.members import MEMBERSHIP_ACTIONS, MEMBERSHIP_STATUSES, ORGANISATION_KINDS, SIZE_CLASSES
from shared.provinces import PROVINCES

from .. import members_rules as rules
from ..access import may
from ..adapters.api import ApiError
from ..adapters.store import PendingUploads
from ..labels import label
from ..listing import listing
from ..web import NavEntry, api, console, current_user, gather, render_form_errors

blp = Blueprint("organisations", __name__)
NAV = [NavEntry("organisations.index", _l("Organisations"))]

FILTERS = ("q", "kind", "province", "status")
SORTS = ("name", "-name", "province", "-province", "status", "-status", "created_at", "-created_at")
SORT_NAMES = {"name": _l("Name (A–Z)"), "-name": _l("Name (Z–A)"), "province": _l("Province (A–Z)"),
              "-province": _l("Province (Z–A)"), "status": _l("Status"), "-status": _l("Status (reversed)"),
              "created_at": _l("Oldest first"), "-created_at": _l("Newest first")}
# The form's fields, in the API's names; the optional ones an edit may clear (sent as null when left empty).
TEXT_FIELDS = ("name", "short_name", "district", "tax_number", "nace_code", "email", "website")
REQUIRED = ("name", "kind", "province")
PEOPLE_SHOWN = 100


def choices() -> dict:
    return {"kinds": ORGANISATION_KINDS, "provinces": PROVINCES, "statuses": MEMBERSHIP_STATUSES,
            "size_classes": SIZE_CLASSES, "sorts": SORTS, "sort_names": SORT_NAMES}


@blp.get("/organisations")
def index():
    wanted = listing(request.args, FILTERS, SORTS)
    try:
        found = api().get("members", "/api/v1/organisations",
                          params={**wanted.params, "page": wanted.page, "page_size": wanted.page_size}).data
    except ApiError as error:
        if error.status != 422:
            raise
        # A filter the API refuses (an unknown province): the form again, its message next to the filter.
        return render_form_errors("organisations/index.html", error, wanted=wanted, found=None,
                                  may_register=rules.may_register_organisation(current_user()),
                                  may_import=may_import(), **choices())
    return render_template("organisations/index.html", wanted=wanted, found=found, pages=wanted.pages(found["total"]),
                           may_register=rules.may_register_organisation(current_user()), may_import=may_import(),
                           export_params=export_filters(request.args), **choices())


# -- register and edit ---------------------------------------------------------------------------------------

@blp.route("/organisations/new", methods=["GET", "POST"])
def new():
    if not rules.may_register_organisation(current_user()):
        abort(403)
    if request.method == "GET":
        own_kind = {"kind": "chamber"} if current_user().role == "chamber_admin" else {}
        return render_template("organisations/form.html", values=own_kind, organisation=None, **choices())
    try:
        created = api().post("members", "/api/v1/organisations", json=organisation_body(request.form, editing=False),
                             idempotency_key=request.form.get("idempotency_key"))
    except ApiError as error:
        if error.status >= 500:
            raise  # the console's error page: the service failed, the form was not refused
        return render_form_errors("organisations/form.html", error, values=request.form, organisation=None,
                                  **choices())
    flash(_("%(name)s is registered as an applicant.", name=created.data["name"]))
    return redirect(url_for("organisations.show", organisation_id=created.data["id"]))


@blp.route("/organisations/<organisation_id>/edit", methods=["GET", "POST"])
def edit(organisation_id: str):
    if request.method == "GET":
        found = api().get("members", f"/api/v1/organisations/{organisation_id}")
        if not rules.may_edit_organisation(current_user(), found.data):
            abort(403)
        values = {name: "" if value is None else value for name, value in found.data.items()}
        return render_template("organisations/form.html", values=values, organisation=found.data,
                               etag=found.etag, **choices())
    shown = {"id": organisation_id, "name": request.form.get("shown_name", "")}
    try:
        changed = api().patch("members", f"/api/v1/organisations/{organisation_id}",
                              json=organisation_body(request.form, editing=True),
                              if_match=request.form.get("etag") or None,
                              idempotency_key=request.form.get("idempotency_key"))
    except ApiError as error:
        if error.status >= 500:
            raise  # the console's error page: the service failed, the form was not refused
        return render_form_errors("organisations/form.html", error, values=request.form, organisation=shown,
                                  etag=request.form.get("etag"), **choices())
    flash(_("The details of %(name)s are saved.", name=changed.data["name"]))
    return redirect(url_for("organisations.show", organisation_id=organisation_id))


def organisation_body(form, editing: bool) -> dict:
    """The API's body from the form: a new organisation carries only what was filled in; an edit sends every
    field, an emptied optional one as null (it clears it). The API checks every value."""
    body: dict = {}
    for name in (*TEXT_FIELDS, "kind", "province", "size_class"):
        value = form.get(name, "").strip()
        if value:
            body[name] = value
        elif editing and name not in REQUIRED:
            body[name] = None
    employees = form.get("employees", "").strip()
    if employees:
        # A whole number goes as one; anything else goes as typed, for the API to refuse next to the field.
        body["employees"] = int(employees) if employees.isdigit() else employees
    elif editing:
        body["employees"] = None
    return body


# -- details and membership ----------------------------------------------------------------------------------

@blp.get("/organisations/<organisation_id>")
def show(organisation_id: str):
    caller = api()
    results = gather({
        "organisation": lambda: caller.get("members", f"/api/v1/organisations/{organisation_id}"),
        "membership": lambda: caller.get("members", f"/api/v1/organisations/{organisation_id}/membership"),
        "people": lambda: caller.get("members", "/api/v1/people",
                                     params={"organisation_id": organisation_id, "page_size": PEOPLE_SHOWN}),
    })
    organisation = results["organisation"]
    if isinstance(organisation, ApiError):
        raise organisation
    user = current_user()
    people = results["people"]
    membership = results["membership"]
    return render_template(
        "organisations/show.html", organisation=organisation.data, etag=organisation.etag,
        history=None if isinstance(membership, ApiError) else list(reversed(membership.data["history"])),
        # A chamber admin may not list another organisation's people (403): the panel is left out.
        people=None if isinstance(people, ApiError) else people.data,
        actions=rules.membership_actions(user, organisation.data),
        may_edit=rules.may_edit_organisation(user, organisation.data),
        may_register_people=rules.may_register_people(user, organisation_id),
    )


@blp.post("/organisations/<organisation_id>")
def change_membership(organisation_id: str):
    """A lifecycle action: the first POST shows the confirmation (with the reason to give), the second, with
    confirm=yes, asks the API; If-Match carries the version the details page showed."""
    action = request.form.get("action", "")
    if action not in MEMBERSHIP_ACTIONS:
        abort(400)
    organisation = api().get("members", f"/api/v1/organisations/{organisation_id}").data
    version_seen = request.form.get("version") or str(organisation["version"])
    if request.form.get("confirm") != "yes":
        return render_template("organisations/confirm.html", organisation=organisation, action=action,
                               version=version_seen, reason=request.form.get("reason", ""))
    reason = request.form.get("reason", "").strip() or None
    try:
        api().post("members", f"/api/v1/organisations/{organisation_id}/membership",
                   json={"action": action, "reason": reason},
                   if_match=etag(int(version_seen)) if version_seen.isdigit() else None,
                   idempotency_key=request.form.get("idempotency_key"))
    except ApiError as error:
        if error.status not in (403, 409, 412, 422):
            raise
        return render_form_errors("organisations/confirm.html", error,
                                  organisation=organisation, action=action, version=str(organisation["version"]),
                                  reason=request.form.get("reason", ""))
    flash(_("%(name)s: %(done)s.", name=organisation["name"], done=label("membership_event", action)))
    return redirect(url_for("organisations.show", organisation_id=organisation_id))


# -- import and export ---------------------------------------------------------------------------------------

IMPORTS_ROUTE = "/api/v1/organisations/imports"
EXPORT_ROUTE = "/api/v1/organisations/export"
EXPORT_FORMATS = ("csv", "xlsx")
MAX_UPLOAD_BYTES = 10 * 1024 * 1024  # the API's own limit: a larger file is refused here without sending it
PASSED_HEADERS = ("Content-Type", "Content-Disposition", "Content-Length")
DOWNLOAD_CHUNK = 64 * 1024


def may_import() -> bool:
    return may("members", "POST", IMPORTS_ROUTE)


@blp.route("/organisations/import", methods=["GET", "POST"])
def import_file():
    """Upload → the API's dry run (every row checked, nothing created) → its result with a confirmation."""
    if not may_import():
        abort(403)
    if request.method == "GET":
        return render_template("organisations/import.html", result=None)
    upload = request.files.get("file")
    content = upload.read(MAX_UPLOAD_BYTES + 1) if upload else b""
    if not upload or not upload.filename:
        return _import_refused(ApiError(422, "Unprocessable Entity", "", {"file": [_("Choose a file.")]}))
    if len(content) > MAX_UPLOAD_BYTES:
        return _import_refused(ApiError(413, "Content Too Large", "the file is larger than 10 MB"))
    try:
        result = _send_import(upload.filename, content, dry_run=True)
    except ApiError as error:
        return _import_refused(error)
    upload_id = PendingUploads(console().db).keep(current_user().subject, upload.filename, content)
    return render_template("organisations/import.html", result=result, upload_id=upload_id,
                           filename=upload.filename)


@blp.post("/organisations/import/<upload_id>")
def confirm_import(upload_id: str):
    """The confirmed import: the file the dry run checked, sent again with dry_run=false."""
    if not may_import():
        abort(403)
    uploads = PendingUploads(console().db)
    pending = uploads.find(upload_id, current_user().subject)
    if pending is None:
        flash(_("That upload has expired; choose the file again."), "error")
        return redirect(url_for("organisations.import_file"))
    filename, content = pending
    try:
        result = _send_import(filename, content, dry_run=False)
    except ApiError as error:
        return _import_refused(error)
    uploads.drop(upload_id)
    return render_template("organisations/import.html", result=result, filename=filename, committed=True)


def export_filters(args) -> dict:
    """What the list shows, without its pages: the filters and the order (an export holds every match)."""
    return {name: value for name, value in listing(args, FILTERS, SORTS).params.items() if name not in
            ("page", "page_size")}


def _send_import(filename: str, content: bytes, dry_run: bool) -> dict:
    return api().request("POST", "members", IMPORTS_ROUTE, files={"file": (filename, content)},
                         data={"dry_run": "true" if dry_run else "false"}).data


def _import_refused(error: ApiError):
    if error.status >= 500:
        raise error
    return render_form_errors("organisations/import.html", error, result=None)


@blp.get("/organisations/export.<fmt>")
def export(fmt: str):
    """The list's current filters and order as the API's file, streamed through under the user's token."""
    if fmt not in EXPORT_FORMATS:
        abort(404)
    answer = api().download("members", EXPORT_ROUTE, params={**export_filters(request.args), "format": fmt})
    headers = {name: answer.headers[name] for name in PASSED_HEADERS if name in answer.headers}
    streamed = Response(answer.iter_content(DOWNLOAD_CHUNK), status=200, headers=headers)
    streamed.call_on_close(answer.close)
    return streamed
