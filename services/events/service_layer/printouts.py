"""The printouts' reads: what a badge, an attendance sheet and the decision book show, and who may print them.

Each read resolves names (membership view, outside participants' own) and the meeting's number, and
hands a plain dict to its renderer in adapters/printouts/.
"""
from __future__ import annotations

from datetime import datetime

from shared.auth import Principal
from shared.clock import as_utc
from shared.config import PLATFORM_ZONE
from shared.errors import Conflict, NotFound
from shared.permissions import require
from shared.provinces import fold

from ..adapters import printouts
from ..domain import check_in as codes
from ..domain import meeting as rules
from ..domain import permissions
from .views import Presenter, present_registrations


def _venue(meeting: dict) -> str | None:
    venue = meeting.get("venue") or {}
    parts = [venue.get("address"), venue.get("city"), meeting.get("province")]
    return ", ".join(dict.fromkeys(p for p in parts if p)) or None


def _meeting_facts(presenter: Presenter, meeting: dict) -> dict:
    return {"title": meeting["title"], "body": meeting.get("body"), "sequence": presenter.sequence(meeting),
            "starts_at": meeting["starts_at"], "ends_at": meeting["ends_at"], "status": meeting["status"],
            "host_name": presenter.host_name(meeting["host_organisation_id"]), "venue": _venue(meeting)}


def attendance_sheet(uow, query: dict, principal: Principal) -> bytes:
    """The sheet of the meeting's confirmed participants, by name: for the meeting's managers."""
    meeting = uow.meetings.get(query["meeting_id"])
    require(permissions.can_manage_meeting(principal, meeting),
            "only platform admins and the host organisation's admins print the attendance sheet")
    confirmed = [r for r in meeting.get("registrations") or [] if r["status"] == "confirmed"]
    shown = present_registrations(uow, confirmed, principal)
    rows = sorted(({"full_name": r["full_name"], "organisation": r["organisation"].get("name")} for r in shown),
                  key=lambda r: (fold(r["full_name"] or "~"), fold(r["organisation"] or "")))
    sheet = _meeting_facts(Presenter(uow), meeting) | {"rows": rows}
    return printouts.attendance_sheet(sheet, query["lang"])


def badge(uow, query: dict, principal: Principal) -> bytes:
    """A confirmed registration's badge with its check-in code: for platform admins and the chamber admin of
    the registrant's organisation (who hands it over), as for the registrant's e-mail."""
    registration_id = query["registration_id"]
    meeting = uow.meetings.with_registration(registration_id)
    registration = rules.registration_of(meeting, registration_id) if meeting else None
    if registration is None:
        raise NotFound(f"no registration {registration_id}")
    require(permissions.can_see_contact(principal, registration),
            "only platform admins and the registrant's own chamber admin print a badge")
    if registration["status"] != "confirmed":
        raise Conflict(f"the registration is {registration['status']}: only confirmed registrations have a badge")
    code = (meeting.get("check_in_codes") or {}).get(registration_id)
    if code is None:
        raise Conflict("this registration has no check-in code (its meeting was no longer scheduled when codes "
                       "were introduced)")
    [shown] = present_registrations(uow, [registration], principal)
    card = _meeting_facts(Presenter(uow), meeting) | {
        "full_name": shown["full_name"], "organisation": shown["organisation"].get("name"), "code": code,
        "shown_code": codes.shown(code)}
    return printouts.badge(card, query["lang"])


def decision_book(uow, query: dict, principal: Principal) -> bytes:
    """The numbered decisions of a body's meetings that started in the year (Istanbul time), in order."""
    year = query["year"]
    start = as_utc(datetime(year, 1, 1, tzinfo=PLATFORM_ZONE))
    end = as_utc(datetime(year + 1, 1, 1, tzinfo=PLATFORM_ZONE))
    presenter = Presenter(uow)
    meetings = [{"title": m["title"], "sequence": presenter.sequence(m), "starts_at": m["starts_at"],
                 "decisions": sorted(m["decisions"], key=lambda d: d["n"])}
                for m in uow.meetings.with_decisions_of_body(query["body"], start, end)]
    return printouts.decision_book({"body": query["body"], "year": year, "meetings": meetings}, query["lang"])
