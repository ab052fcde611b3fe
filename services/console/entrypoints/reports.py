"""`/reports`: the period reports (a list, and a draft made for a period and kind) and `/reports/<id>`: the
draft's content as a preview (indicators, financial summary), its narrative (a form on a draft, with the
If-Match of the version shown), its approval block and versions, its downloads (PDF, XLSX, CSV and the
package ZIP, fetched with the user's token and passed through), and its lifecycle: submit (behind a
confirmation, which then shows the frozen SHA-256), recompute and delete while it is a draft, and on the
latest submitted version "create a revision" (a reason, behind a confirmation)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from .. import periods
from ..access import may, roles_that_may
from ..adapters.api import DOWNLOAD_TIMEOUT_S, ApiError
from ..labels import REPORT_KINDS, REPORT_STATUSES
from ..pages import page_params, pagination
from ..web import NavEntry, api, page_language, render_form_errors

blp = Blueprint("reports", __name__)
LIST_ROUTE = "/api/v1/reports"
REPORT_ROUTE = "/api/v1/reports/{report_id}"
NAV = [NavEntry("reports.index", _l("Reports"), roles_that_may("reporting", "GET", LIST_ROUTE))]

FILTERS = ("status", "kind", "period", "sort")
# The API's `sort` values, the first its default.
SORTS = {"-created_at": _l("Newest first"), "created_at": _l("Oldest first"),
         "-period": _l("Latest period first"), "period": _l("Earliest period first")}
# The lifecycle actions of a draft: the API's method and route (its access table's spelling) for each.
ACTIONS = {
    "submit": ("POST", REPORT_ROUTE + "/submit"),
    "recompute": ("POST", REPORT_ROUTE + "/recompute"),
    "delete": ("DELETE", REPORT_ROUTE),
}
ACTION_NAMES = {"submit": _l("Submit"), "recompute": _l("Recompute"), "delete": _l("Delete"),
                "revise": _l("Create a revision")}
# The action of a submitted report: a revision (a new draft version correcting it).
REVISE = ("POST", REPORT_ROUTE + "/revisions")
PACKAGE_ROUTE = REPORT_ROUTE + "/package.zip"
NARRATIVE_SECTIONS = {"summary": _l("Summary"), "activities": _l("Activities"), "challenges": _l("Challenges"),
                      "next_steps": _l("Next steps")}
NARRATIVE_LANGUAGES = {"tr": _l("Turkish"), "en": _l("English")}
DOWNLOADS = {"pdf": "PDF", "xlsx": "XLSX", "csv": "CSV"}
DOWNLOAD_LANGUAGES = ("bi", "tr", "en")
# What a download passes on from the API's answer: the file's type and name, nothing of the API's own.
PASSED_HEADERS = ("Content-Type", "Content-Disposition", "Content-Length")
DOWNLOAD_CHUNK = 64 * 1024


@blp.get("/reports")
def index():
    return _list_page()


@blp.post("/reports")
def create():
    body = {"period": request.form.get("period", ""), "kind": request.form.get("kind", "")}
    try:
        report = api().post("reporting", LIST_ROUTE, json=body,
                            idempotency_key=request.form.get("idempotency_key")).data
    except ApiError as error:
        if error.status >= 500:
            raise
        return _list_page(error=error, values=request.form)
    flash(gettext("Draft report made for %(period)s.", period=report["period"]), "success")
    return redirect(url_for("reports.show", report_id=report["id"]))


@blp.get("/reports/<report_id>")
def show(report_id: str):
    shown = api().get("reporting", _path(REPORT_ROUTE, report_id))
    return render_template("reports/show.html", **_report_context(shown.data, shown.etag))


@blp.post("/reports/<report_id>/narrative")
def narrative(report_id: str):
    """The draft's narrative, sent whole with the If-Match of the version the form was shown with."""
    if not may("reporting", "PUT", REPORT_ROUTE):
        abort(403)
    body = {"narrative": {section: {lang: request.form.get(f"narrative.{section}.{lang}", "")
                                    for lang in NARRATIVE_LANGUAGES} for section in NARRATIVE_SECTIONS}}
    try:
        api().put("reporting", _path(REPORT_ROUTE, report_id), json=body, if_match=request.form.get("etag") or None,
                  idempotency_key=request.form.get("idempotency_key"))
    except ApiError as error:
        if error.status >= 500 or error.status == 404:
            raise
        shown = api().get("reporting", _path(REPORT_ROUTE, report_id))
        # what was typed stays in the form; the version is the one just read, so a retry can go through
        context = {**_report_context(shown.data, shown.etag), "typed": body["narrative"]}
        return render_form_errors("reports/show.html", error, **context)
    flash(gettext("Narrative saved."), "success")
    return redirect(url_for("reports.show", report_id=report_id))


@blp.post("/reports/<report_id>/revisions")
def revise(report_id: str):
    """A revision of a submitted report: the first POST asks for the reason; `confirm=yes` creates it."""
    if not may("reporting", *REVISE):
        abort(403)
    report = api().get("reporting", _path(REPORT_ROUTE, report_id)).data
    reason = request.form.get("reason", "")
    if request.form.get("confirm") != "yes":
        return render_template("reports/confirm.html", report=report, action="revise",
                               action_name=ACTION_NAMES["revise"], reason=reason)
    try:
        created = api().post("reporting", _path(REVISE[1], report_id), json={"reason": reason},
                             idempotency_key=request.form.get("idempotency_key")).data
    except ApiError as error:
        if error.status >= 500 or error.status == 404:
            raise
        return render_form_errors("reports/confirm.html", error, report=report, action="revise",
                                  action_name=ACTION_NAMES["revise"], reason=reason)
    flash(gettext("Revision %(revision)s made as a draft: correct it, then submit it.",
                  revision=created["revision"]), "success")
    return redirect(url_for("reports.show", report_id=created["id"]))


@blp.get("/reports/<report_id>/package.zip")
def package(report_id: str):
    """The report's package (PDF, XLSX, evidence, manifest.json) as the API streams it."""
    answer = api().download("reporting", _path(PACKAGE_ROUTE, report_id))
    return _passed_through(answer)


@blp.post("/reports/<report_id>")
def act(report_id: str):
    """A lifecycle action: the first POST shows the confirmation; only its `confirm=yes` calls the API."""
    action = request.form.get("action", "")
    if action not in ACTIONS or not may("reporting", *ACTIONS[action]):
        abort(400 if action not in ACTIONS else 403)
    method, route = ACTIONS[action]
    if request.form.get("confirm") != "yes":
        report = api().get("reporting", _path(REPORT_ROUTE, report_id)).data
        return render_template("reports/confirm.html", report=report, action=action,
                               action_name=ACTION_NAMES[action])
    try:
        # Submitting renders the PDF and XLSX it freezes: it may take as long as a download.
        answer = api().request(method, "reporting", _path(route, report_id),
                               idempotency_key=request.form.get("idempotency_key"),
                               timeout_s=DOWNLOAD_TIMEOUT_S if action == "submit" else None)
    except ApiError as error:
        if error.status >= 500 or error.status == 404:
            raise
        report = api().get("reporting", _path(REPORT_ROUTE, report_id)).data
        return render_form_errors("reports/show.html", error, **_report_context(report))
    if action == "delete":
        flash(gettext("Draft report deleted."), "success")
        return redirect(url_for("reports.index"))
    if action == "submit":
        # The confirmation names the digest the programme can check the files against from now on.
        flash(gettext("Report submitted. Its SHA-256 is %(sha256)s.", sha256=answer.data["sha256"]), "success")
    else:
        flash(gettext("Draft recomputed from the current figures."), "success")
    return redirect(url_for("reports.show", report_id=report_id))


@blp.get("/reports/<report_id>/download.<fmt>")
def download(report_id: str, fmt: str):
    """The API's file as it is, under the user's token: its bytes, type and file name, streamed through."""
    if fmt not in DOWNLOADS:
        abort(404)
    lang = request.args.get("lang", "bi")
    if lang not in DOWNLOAD_LANGUAGES:
        abort(404)
    answer = api().download("reporting", _path(REPORT_ROUTE, report_id) + "/export",
                            params={"format": fmt, "lang": lang})
    return _passed_through(answer)


def _passed_through(answer) -> Response:
    headers = {name: answer.headers[name] for name in PASSED_HEADERS if name in answer.headers}
    # The bytes go on as they arrive: a large export never sits whole in the console's memory.
    streamed = Response(answer.iter_content(DOWNLOAD_CHUNK), status=200, headers=headers)
    streamed.call_on_close(answer.close)
    return streamed


def _path(route: str, report_id: str) -> str:
    # The id goes into the API's path: an id that is not a plain token cannot reach another route.
    if not report_id.replace("-", "").isalnum():
        abort(404)
    return route.replace("{report_id}", report_id)


def _list_page(error: ApiError | None = None, values=None):
    filters = {name: request.args.get(name) for name in FILTERS if request.args.get(name)}
    listing = api().get("reporting", LIST_ROUTE, params={**filters, **page_params()}).data
    context = dict(listing=listing, pages=pagination(listing), filters=filters, kinds=REPORT_KINDS, sorts=SORTS,
                   statuses=REPORT_STATUSES, choices=periods.choices(), values=values or {},
                   default_period=(values or {}).get("period") or periods.current_quarter(),
                   can_create=may("reporting", "POST", LIST_ROUTE))
    if error is not None:
        return render_form_errors("reports/index.html", error, **context)
    return render_template("reports/index.html", **context)


def _report_context(report: dict, etag: str | None = None) -> dict:
    content = report["content"]
    turkish = page_language() == "tr"
    draft = report["status"] == "draft"
    versions = report.get("versions") or []
    latest = not versions or versions[-1]["id"] == report["id"]
    return {
        "etag": etag,
        "narrative_sections": NARRATIVE_SECTIONS,
        "narrative_languages": NARRATIVE_LANGUAGES,
        "typed": report.get("narrative") or {},
        "can_narrate": draft and may("reporting", "PUT", REPORT_ROUTE),
        "can_revise": report["status"] == "submitted" and latest and may("reporting", *REVISE),
        "can_package": may("reporting", "GET", PACKAGE_ROUTE),
        "versions": versions,
        "report": report,
        "content": content,
        "indicators": [{**i, "title": i["name_tr"] if turkish else i["name"],
                        "fraction": None if i.get("percent_of_target") is None else i["percent_of_target"] / 100}
                       for i in content.get("indicators", [])],
        "financial": content.get("financial") or {},
        "meetings": content.get("meetings") or [],
        "evidence": report.get("evidence") or [],  # the API's GET: the period's evidence as it stands
        "funding_statement": (content.get("funding_statement") or {}).get(page_language(), ""),
        "actions": [(name, ACTION_NAMES[name]) for name, (method, route) in ACTIONS.items()
                    if draft and may("reporting", method, route)],
        "downloads": DOWNLOADS,
        "can_download": may("reporting", "GET", REPORT_ROUTE + "/export"),
    }
