"""Meetings: the list and the month calendar, scheduling one, a meeting's page (registrations, waiting list,
invitations, attendance, quorum, decisions, evidence files and its lifecycle) and the check-in page for a
tablet at the door.

Every page reads the events API as the signed-in user (the members API too where a form lists people), its
calls at once; what a page offers comes from the services' access tables (console/access.py) and the API's
answer is the final word. Every form posts to the page that shows it; lifecycle actions ask for a
confirmation first and send the If-Match of the meeting the confirmation showed.
"""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from shared.config import PLATFORM_ZONE
from shared.contracts.events import GOVERNANCE_KINDS, MEETING_KINDS, MEETING_STATUSES, THEMES
from shared.contracts.members import GENDERS, ORGANISATION_KINDS, SIZE_CLASSES
from shared.provinces import PROVINCES, fold

from .. import evidence, meeting_forms
from ..access import may
from ..adapters.api import ApiError
from ..formats import parse_when
from ..labels import label
from ..month import month_grid, parse_month
from ..web import NavEntry, api, current_user, gather, page_language, public, render_form_errors

blp = Blueprint("meetings", __name__)
NAV = [NavEntry("meetings.index", _l("Meetings"))]

EVENTS = "events"
MEETINGS = "/api/v1/meetings"
MEETING = MEETINGS + "/{meeting_id}"
ORGANISATIONS = "/api/v1/member-organisations"
PEOPLE = "/api/v1/people"
NOTIFICATIONS = "/api/v1/notifications"
LIST_FILTERS = ("q", "kind", "host", "theme", "status", "from", "to", "sort")
SORTS = {  # the events API's `sort`
    "starts_at": _l("Earliest first"),
    "-starts_at": _l("Latest first"),
    "title": _l("Title, A to Z"),
    "-title": _l("Title, Z to A"),
}
CALENDAR_FILTERS = ("kind", "host", "theme", "status")
BADGE = "/api/v1/registrations/{registration_id}/badge.pdf"
DECISION_BOOK = "/api/v1/decisions.pdf"
PUBLIC_CALENDAR = "/api/v1/public/calendar.ics"
PASSED_HEADERS = ("Content-Type", "Content-Disposition", "Content-Length", "Cache-Control")
DOWNLOAD_CHUNK = 64 * 1024
PAGE_SIZES = (20, 50, 100)
API_PAGE = 100  # the API's largest page
MOST_PAGES = 20  # a calendar month or a meeting's registrations beyond 2,000 would not be read whole
LIFECYCLE = {  # the page's action: the API route it calls after the confirmation
    "reschedule": ("POST", MEETING + "/reschedule"),
    "cancel": ("POST", MEETING + "/cancel"),
    "close": ("POST", MEETING + "/close"),
    "cancel_registration": ("DELETE", MEETING + "/registrations/{registration_id}"),
}


@blp.app_template_global()
def meeting_name(meeting: dict) -> str:
    """A governance meeting by its number ("4. Danışma Kurulu toplantısı", "4th Advisory Board Meeting"), any other
    by its title. The API numbers titles in English only; a Turkish page says the number the Turkish way."""
    if not meeting.get("sequence") or meeting["kind"] not in GOVERNANCE_KINDS:
        return meeting["title"]
    if page_language() == "tr":
        return f"{meeting['sequence']}. {label('meeting_kind', meeting['kind'])}"
    return meeting.get("numbered_title") or meeting["title"]


# --- reading ----------------------------------------------------------------------------------------------

def every_page(caller, service: str, path: str, params: dict | None = None) -> list[dict]:
    """All items of a list endpoint, page by page (most lists here fit in one page)."""
    items: list[dict] = []
    for page in range(1, MOST_PAGES + 1):
        body = caller.get(service, path, params={**(params or {}), "page": page, "page_size": API_PAGE}).data
        items.extend(body["items"])
        if len(items) >= body["total"] or not body["items"]:
            break
    return items


def _int_arg(name: str, default: int, allowed=None) -> int:
    try:
        value = int(request.args.get(name, default))
    except ValueError:
        return default
    if allowed is not None:
        return value if value in allowed else default
    return max(value, 1)


def _or_abort(result):
    """A page's main API answer, or the page's own 404/403/502 when there is none."""
    if isinstance(result, ApiError):
        abort(result.status if result.status in (403, 404) else 502, description=result.detail)
    return result


def _organisations(result) -> list[dict]:
    return [] if isinstance(result, ApiError) else sorted(result, key=lambda o: fold(o.get("name") or o["id"]))


def _filter_choices() -> dict:
    return {"kinds": MEETING_KINDS, "themes": THEMES, "statuses": MEETING_STATUSES}


# --- the list and the calendar -----------------------------------------------------------------------------

@blp.get("/meetings")
def index():
    if request.args.get("view") == "calendar":
        return calendar()
    filters = {name: request.args[name] for name in LIST_FILTERS if request.args.get(name)}
    page, page_size = _int_arg("page", 1), _int_arg("page_size", PAGE_SIZES[0], PAGE_SIZES)
    caller = api()
    results = gather({
        "meetings": lambda: caller.get(EVENTS, MEETINGS, params={**filters, "page": page, "page_size": page_size}),
        "organisations": lambda: every_page(caller, EVENTS, ORGANISATIONS),
    })
    context = {"filters": filters, "page": page, "page_size": page_size, "page_sizes": PAGE_SIZES,
               "organisations": _organisations(results["organisations"]), "may_schedule": _may_schedule(),
               "sorts": SORTS, **_filter_choices()}
    meetings = results["meetings"]
    if isinstance(meetings, ApiError):
        if meetings.status == 422:  # a filter the API refused (a malformed date): next to that filter
            return render_form_errors("meetings/index.html", meeting_forms.translated(meetings), status=400,
                                      meetings=None, **context)
        _or_abort(meetings)
    body = meetings.data
    pages = max(1, -(-body["total"] // page_size))
    return render_template("meetings/index.html", meetings=body, pages=pages, **context)


def calendar():
    today = datetime.now(PLATFORM_ZONE).date()
    first = parse_month(request.args.get("month"), today)
    filters = {name: request.args[name] for name in CALENDAR_FILTERS if request.args.get(name)}
    caller = api()
    grid_first = month_grid(first, [])
    window = {"from": grid_first.first.isoformat(), "to": grid_first.last.isoformat()}
    results = gather({
        "meetings": lambda: every_page(caller, EVENTS, MEETINGS, params={**filters, **window}),
        "organisations": lambda: every_page(caller, EVENTS, ORGANISATIONS),
    })
    meetings = _or_abort(results["meetings"])
    return render_template("meetings/calendar.html", grid=month_grid(first, meetings), today=today,
                           filters=filters, organisations=_organisations(results["organisations"]),
                           may_schedule=_may_schedule(), **_filter_choices())


# --- scheduling --------------------------------------------------------------------------------------------

def _may_schedule() -> bool:
    return may(EVENTS, "POST", MEETINGS)


def _hosts(organisations: list[dict]) -> list[dict]:
    """The organisations the user may choose as host: active members; a chamber admin only its own."""
    return [o for o in organisations if o.get("may_host") and may(EVENTS, "POST", MEETINGS, owner=o["id"])]


def _new_page(values, error: ApiError | None = None):
    try:
        organisations = _organisations(every_page(api(), EVENTS, ORGANISATIONS))
    except ApiError:
        organisations = []  # the host field then says there is none to choose; the API would refuse anyway
    context = {"values": values, "hosts": _hosts(organisations), "kinds": MEETING_KINDS, "themes": THEMES,
               "provinces": PROVINCES}
    if error is not None:
        return render_form_errors("meetings/new.html", meeting_forms.translated(error), **context)
    return render_template("meetings/new.html", **context)


@blp.get("/meetings/new")
def new():
    if not _may_schedule():
        abort(403)
    return _new_page({})


@blp.post("/meetings/new")
def create():
    if not _may_schedule():
        abort(403)
    try:
        created = api().post(EVENTS, MEETINGS, json=meeting_forms.meeting_body(request.form),
                             idempotency_key=request.form.get("idempotency_key"))
    except ApiError as error:
        return _new_page(request.form, error=error)
    meeting = created.data
    flash(_("The meeting “%(title)s” is scheduled.", title=meeting_name(meeting)))
    return redirect(url_for("meetings.detail", meeting_id=meeting["id"]))


# --- a meeting ---------------------------------------------------------------------------------------------

def _offers(meeting: dict) -> dict:
    """What the page offers on this meeting, by the events service's access table and the meeting's status."""
    host, scheduled = meeting["host_organisation_id"], meeting["status"] == "scheduled"
    started = parse_when(meeting["starts_at"]) <= datetime.now(PLATFORM_ZONE)

    def allowed(method: str, path: str, owner=None) -> bool:
        return may(EVENTS, method, MEETING + path, owner=owner)

    return {
        "reschedule": scheduled and allowed("POST", "/reschedule", host),
        "cancel": scheduled and allowed("POST", "/cancel", host),
        "close": scheduled and started and allowed("POST", "/close", host),  # the API closes only what began
        # A chamber admin registers its own organisation's people anywhere (the rule beyond the door is the
        # API's), outside participants only where it hosts.
        "register_person": scheduled and may(EVENTS, "POST", MEETING + "/registrations"),
        "register_participant": scheduled and allowed("POST", "/registrations", host),
        "attendance": scheduled and allowed("POST", "/attendance", host),
        "decide": (meeting["status"] == "held" or scheduled and started) and allowed("POST", "/decisions", host),
        "cancel_registration": scheduled and may(EVENTS, "DELETE", MEETING + "/registrations/{registration_id}"),
        "attendance_sheet": meeting["status"] != "cancelled" and allowed("GET", "/attendance-sheet.pdf", host),
        "evidence": meeting["status"] != "cancelled" and allowed("POST", "/evidence", host),
    }


@blp.app_template_global()
def may_print_badge(registration: dict) -> bool:
    """A confirmed registration's badge: platform admins and the registrant's own chamber admin."""
    owner = (registration.get("organisation") or {}).get("id")
    return registration["status"] == "confirmed" and may(EVENTS, "GET", BADGE, owner=owner)


def _registrations_by_kind(registrations: list[dict]) -> dict:
    live = [r for r in registrations if r["status"] != "cancelled"]
    return {
        "invitations": [r for r in live if r["source"] == "invitation"],
        "registrations": [r for r in live if r["source"] == "registration" and r["status"] == "confirmed"],
        "waitlist": sorted((r for r in live if r["status"] == "waitlisted"),
                           key=lambda r: r.get("waitlist_position") or 0),
        "cancelled": [r for r in registrations if r["status"] == "cancelled"],
    }


def _detail_context(meeting_id: str) -> dict:
    caller, user = api(), current_user()
    path = MEETING.format(meeting_id=meeting_id)
    people_params = {"organisation_id": user.organisation_id} if user.role == "chamber_admin" else {}
    jobs = {
        "meeting": lambda: caller.get(EVENTS, path),
        "registrations": lambda: every_page(caller, EVENTS, path + "/registrations"),
        "decisions": lambda: caller.get(EVENTS, path + "/decisions"),
        "evidence": lambda: every_page(caller, EVENTS, path + "/evidence"),
    }
    if may(EVENTS, "GET", NOTIFICATIONS):  # platform admins: the mails of the meeting, who and which
        jobs["notifications"] = lambda: every_page(caller, EVENTS, NOTIFICATIONS, params={"meeting": meeting_id})
    if may(EVENTS, "POST", MEETING + "/registrations"):
        jobs["people"] = lambda: every_page(caller, "members", PEOPLE, params=people_params)
        jobs["organisations"] = lambda: every_page(caller, EVENTS, ORGANISATIONS)
    results = gather(jobs)
    meeting = _or_abort(results["meeting"]).data
    registrations = results["registrations"]
    offers = _offers(meeting)
    people = results.get("people")
    return {
        "meeting": meeting,
        "etag": results["meeting"].etag,
        "offers": offers,
        "groups": None if isinstance(registrations, ApiError) else _registrations_by_kind(registrations),
        "registrations_error": registrations if isinstance(registrations, ApiError) and registrations.status != 403
        else None,
        "decisions": None if isinstance(results["decisions"], ApiError) else results["decisions"].data,
        # A 403 (another chamber: sheets carry names and signatures) leaves the panel out.
        "evidence": None if isinstance(results["evidence"], ApiError) else results["evidence"],
        "evidence_kinds": evidence.KINDS,
        "notifications": _notifications(results.get("notifications")),
        "people": [] if people is None or isinstance(people, ApiError) else people,
        "organisations": _organisations(results.get("organisations", [])),
        "governance": meeting["kind"] in GOVERNANCE_KINDS,
        "decision_book_year": parse_when(meeting["starts_at"]).astimezone(PLATFORM_ZONE).year,
        "genders": GENDERS, "organisation_kinds": ORGANISATION_KINDS, "size_classes": SIZE_CLASSES,
        "provinces": PROVINCES, "local_input": meeting_forms.local_input,
    }


def _notifications(found) -> list[dict] | None:
    """The meeting's mails, or None where the role may not see them (or the API did not answer: the rest of the
    page still shows)."""
    if found is None or isinstance(found, ApiError):
        return None
    return found


@blp.get("/meetings/<meeting_id>")
def detail(meeting_id: str):
    return render_template("meetings/detail.html", values={}, failed=None, **_detail_context(meeting_id))


@blp.post("/meetings/<meeting_id>")
def act(meeting_id: str):
    """Every form of a meeting's page: register, record a decision, or a lifecycle action (confirmed first)."""
    action = request.form.get("action", "")
    if action == "register":
        return _register(meeting_id)
    if action == "decide":
        return _decide(meeting_id)
    if action == "evidence":
        return _add_evidence(meeting_id)
    if action not in LIFECYCLE:
        abort(400)
    if request.form.get("confirm") != "yes":
        return _confirmation(meeting_id, action)
    method, route = LIFECYCLE[action]
    path = route.format(meeting_id=meeting_id, registration_id=request.form.get("registration_id", ""))
    body = {"reschedule": meeting_forms.reschedule_body, "cancel": meeting_forms.cancel_body}.get(action)
    try:
        api().request(method, EVENTS, path, json=body(request.form) if body else None,
                      if_match=request.form.get("if_match") or None,
                      idempotency_key=request.form.get("idempotency_key"))
    except ApiError as error:
        return _refused(meeting_id, action, error)
    flash({"reschedule": _("The meeting is rescheduled."), "cancel": _("The meeting is cancelled."),
           "close": _("The meeting is closed: its attendance is final."),
           "cancel_registration": _("The registration is cancelled.")}[action])
    return redirect(url_for("meetings.detail", meeting_id=meeting_id))


def _confirmation(meeting_id: str, action: str):
    context = _detail_context(meeting_id)
    registration = None
    if action == "cancel_registration":
        wanted = request.form.get("registration_id")
        everyone = [r for group in (context["groups"] or {}).values() for r in group]
        registration = next((r for r in everyone if r["id"] == wanted), None)
        if registration is None:
            abort(404)
    return render_template("meetings/confirm.html", action=action, values=request.form, registration=registration,
                           new_starts=_istanbul(request.form.get("starts_at")),
                           new_ends=_istanbul(request.form.get("ends_at")), **context)


def _istanbul(value: str | None):
    """A `datetime-local` input's value: Istanbul wall-clock time (the formatters would take a naive time as UTC)."""
    moment = parse_when(value)
    return moment.replace(tzinfo=PLATFORM_ZONE) if isinstance(moment, datetime) and moment.tzinfo is None else moment


def _refused(meeting_id: str, action: str, error: ApiError):
    context = _detail_context(meeting_id)
    return render_form_errors("meetings/detail.html", meeting_forms.translated(error), values=request.form,
                              failed=action, **context)


def _register(meeting_id: str):
    path = MEETING.format(meeting_id=meeting_id) + "/registrations"
    try:
        answer = api().post(EVENTS, path, json=meeting_forms.registration_body(request.form),
                            idempotency_key=request.form.get("idempotency_key"))
    except ApiError as error:
        return _refused(meeting_id, "register", error)
    registration = answer.data
    name = registration.get("full_name") or ""
    if registration["status"] == "waitlisted":
        flash(_("%(name)s is on the waiting list (position %(position)s).", name=name,
                position=registration.get("waitlist_position")))
    else:
        flash(_("%(name)s is registered.", name=name))
    return redirect(url_for("meetings.detail", meeting_id=meeting_id, _anchor="registrations"))


def _decide(meeting_id: str):
    path = MEETING.format(meeting_id=meeting_id) + "/decisions"
    try:
        answer = api().post(EVENTS, path, json=meeting_forms.decision_body(request.form),
                            idempotency_key=request.form.get("idempotency_key"))
    except ApiError as error:
        return _refused(meeting_id, "decide", error)
    flash(_("Decision %(number)s is recorded.", number=answer.data["number"]))
    return redirect(url_for("meetings.detail", meeting_id=meeting_id, _anchor="decisions"))


def _add_evidence(meeting_id: str):
    try:
        answer = evidence.upload(EVENTS, MEETING.format(meeting_id=evidence.plain_id(meeting_id)) + "/evidence")
    except ApiError as error:
        if error.status >= 500:
            raise
        return _refused(meeting_id, "evidence", error)
    flash(_("%(filename)s is added to the meeting's evidence.", filename=answer.data["filename"]))
    return redirect(url_for("meetings.detail", meeting_id=meeting_id, _anchor="evidence"))


@blp.get("/meetings/<meeting_id>/evidence/<evidence_id>")
def evidence_file(meeting_id: str, evidence_id: str):
    """A meeting's evidence file, from the events API with the user's token."""
    return evidence.download(EVENTS, evidence_id)


# --- check-in at the door ----------------------------------------------------------------------------------

def _check_in_context(meeting_id: str) -> dict:
    caller = api()
    path = MEETING.format(meeting_id=meeting_id)
    results = gather({
        "meeting": lambda: caller.get(EVENTS, path),
        "registrations": lambda: every_page(caller, EVENTS, path + "/registrations", params={"status": "confirmed"}),
    })
    meeting = _or_abort(results["meeting"]).data
    registrations = _or_abort(results["registrations"])
    query = (request.values.get("q") or "").strip()
    wanted = fold(query)
    shown = [r for r in registrations if not wanted or wanted in _searchable(r)]
    return {
        "meeting": meeting,
        "q": query,
        "people": sorted(shown, key=lambda r: fold(r.get("full_name") or "")),
        "total": len(registrations),
        "present": sum(1 for r in registrations if r["attended"]),
        "may_record": _offers(meeting)["attendance"],
    }


def _searchable(registration: dict) -> str:
    organisation = registration.get("organisation") or {}
    return fold(" ".join(filter(None, (registration.get("full_name"), organisation.get("name")))))


@blp.get("/meetings/<meeting_id>/check-in")
def check_in(meeting_id: str):
    return render_template("meetings/check_in.html", **_check_in_context(meeting_id))


@blp.get("/meetings/<meeting_id>/check-in/people")
def check_in_people(meeting_id: str):
    """The list of the check-in page alone, for the search box's request as one types."""
    return render_template("meetings/_check_in_people.html", **_check_in_context(meeting_id))


@blp.post("/meetings/<meeting_id>/check-in")
def record_attendance(meeting_id: str):
    """A tap on a person, or a badge's code typed or scanned (a scanner types the code and Enter)."""
    code = request.form.get("code")
    if code is not None:
        route, body = "/check-in", {"code": code.strip()}
    else:
        route, body = "/attendance", {"registration_id": request.form.get("registration_id", "")}
    message, failed = None, None
    try:
        answer = api().post(EVENTS, MEETING.format(meeting_id=meeting_id) + route, json=body,
                            idempotency_key=request.form.get("idempotency_key"))
        name = answer.data.get("full_name") or ""
        message = (_("%(name)s is checked in.", name=name) if answer.status != 200
                   else _("%(name)s was already checked in.", name=name))
    except ApiError as error:
        if code is not None and error.status == 422:  # the API's only 422 here: no such code in this meeting
            failed = _("No registration of this meeting has the code %(code)s.", code=code.strip())
        else:
            failed = meeting_forms.problem(error)
    if request.headers.get("HX-Request"):
        return render_template("meetings/_check_in_people.html", message=message, failed=failed,
                               **_check_in_context(meeting_id))
    flash(message or failed, "message" if message else "error")
    return redirect(url_for("meetings.check_in", meeting_id=meeting_id, q=request.form.get("q") or None))


# --- files: calendars and printouts ------------------------------------------------------------------------

def _plain_id(value: str) -> str:
    # An id goes into the API's path: one that is not a plain token cannot reach another route.
    if not value.replace("-", "").replace("_", "").isalnum():
        abort(404)
    return value


def _passed_on(service: str, path: str, params: dict | None = None) -> Response:
    """The API's file as it is, under the user's token (none on a public route), streamed through."""
    answer = api().download(service, path, params=params)
    headers = {name: answer.headers[name] for name in PASSED_HEADERS if name in answer.headers}
    streamed = Response(answer.iter_content(DOWNLOAD_CHUNK), status=200, headers=headers)
    streamed.call_on_close(answer.close)
    return streamed


def _printout_language() -> str:
    lang = request.args.get("lang") or page_language()
    return lang if lang in ("tr", "en") else "tr"


@blp.get("/meetings/<meeting_id>/calendar.ics")
def meeting_calendar(meeting_id: str):
    return _passed_on(EVENTS, MEETING.format(meeting_id=_plain_id(meeting_id)) + "/calendar.ics")


@blp.get("/calendar.ics")
@public
def public_calendar():
    """The public feed from the console's own address: what a calendar app subscribes to."""
    return _passed_on(EVENTS, PUBLIC_CALENDAR)


@blp.get("/meetings/<meeting_id>/attendance-sheet.pdf")
def attendance_sheet(meeting_id: str):
    return _passed_on(EVENTS, MEETING.format(meeting_id=_plain_id(meeting_id)) + "/attendance-sheet.pdf",
                      params={"lang": _printout_language()})


@blp.get("/registrations/<registration_id>/badge.pdf")
def badge(registration_id: str):
    return _passed_on(EVENTS, BADGE.format(registration_id=_plain_id(registration_id)),
                      params={"lang": _printout_language()})


@blp.get("/decisions/<body>/<int:year>.pdf")
def decision_book(body: str, year: int):
    return _passed_on(EVENTS, DECISION_BOOK, params={"body": _plain_id(body), "year": year,
                                                      "lang": _printout_language()})
