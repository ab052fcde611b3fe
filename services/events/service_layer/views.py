"""The reads of the events service: what the API shows of meetings and of the member organisations.

Every read is a function `(uow, query, principal)`: `query` is what the HTTP layer
parsed (the query string's fields and the path's ids), the unit of work hands out
the repositories, and permission checks are the domain predicates, as in the
commands. Reads do not go through the bus: they change nothing and never retry.
Names of people come only from the membership view.
"""
from __future__ import annotations

import re

from shared.auth import Principal
from shared.clock import local_date
from shared.errors import NotFound
from shared.permissions import require
from shared.service_layer.unit_of_work import UnitOfWork

from ..domain import meeting as rules
from ..domain import permissions
from ..domain.numbering import assign_sequences, ordinal
from ..domain.seats import seated_on
from .membership import names_of, organisation_names

BODY_TITLES = {"board": "Board Meeting", "advisory_board": "Advisory Board Meeting"}


class Presenter:
    """Presents meetings, caching per request what several meetings of a body share."""

    def __init__(self, uow: UnitOfWork):
        self.uow = uow
        self._sequences: dict[str, dict[str, int]] = {}
        self._seats: dict[str, list[dict]] = {}
        self._hosts: dict[str, str | None] = {}

    def sequence(self, meeting: dict) -> int | None:
        body = meeting.get("body")
        if not body or meeting["status"] == "cancelled":
            return None
        if meeting.get("final_sequence") is not None:
            return meeting["final_sequence"]
        if body not in self._sequences:
            self._sequences[body] = assign_sequences(self.uow.meetings.numbered_of_body(body))
        return self._sequences[body].get(meeting["_id"])

    def quorum(self, meeting: dict) -> dict | None:
        body = meeting.get("body")
        if not body or meeting["status"] == "cancelled":
            return None
        if meeting["status"] == "held" and meeting.get("quorum"):
            return meeting["quorum"]
        if body not in self._seats:
            self._seats[body] = self.uow.member_seats.of_body(body)
        seated = seated_on(self._seats[body], local_date(meeting["starts_at"]))
        return rules.live_quorum(meeting, set(seated)).to_dict()

    def host_name(self, organisation_id: str) -> str | None:
        if organisation_id not in self._hosts:
            self._hosts.update(organisation_names(self.uow, [organisation_id]))
            self._hosts.setdefault(organisation_id, None)
        return self._hosts[organisation_id]

    def meeting(self, meeting: dict) -> dict:
        registrations = meeting.get("registrations") or []
        sequence = self.sequence(meeting)
        body = meeting.get("body")
        numbered_title = None
        if sequence is not None:
            name = BODY_TITLES.get(body) or f"{body.replace('_', ' ').title()} Meeting"
            numbered_title = f"{ordinal(sequence)} {name}"
        return {
            "id": meeting["_id"], "kind": meeting["kind"], "title": meeting["title"],
            "description": meeting.get("description"), "body": body, "sequence": sequence,
            "sequence_final": meeting.get("final_sequence") is not None, "numbered_title": numbered_title,
            "host_organisation_id": meeting["host_organisation_id"],
            "host_name": self.host_name(meeting["host_organisation_id"]), "province": meeting.get("province"),
            "starts_at": meeting["starts_at"], "ends_at": meeting["ends_at"], "venue": meeting.get("venue"),
            "themes": meeting.get("themes") or [], "capacity": meeting.get("capacity"), "status": meeting["status"],
            "registrations_count": rules.confirmed_count(meeting),
            "waitlist_count": sum(1 for r in registrations if r["status"] == "waitlisted"),
            "invitations_count": sum(1 for r in registrations
                                     if r["source"] == "invitation" and r["status"] == "confirmed"),
            "attendance_count": sum(1 for r in registrations if r.get("attended")),
            "decisions_count": len(meeting.get("decisions") or []),
            "quorum": self.quorum(meeting), "cancellation": meeting.get("cancellation"),
            "held_at": meeting.get("held_at"), "attendance_summary": meeting.get("attendance_summary"),
            "created_at": meeting["created_at"], "updated_at": meeting["updated_at"], "version": meeting["version"],
        }


def present_registrations(uow: UnitOfWork, registrations: list[dict], principal: Principal,
                          codes: dict[str, str] | None = None) -> list[dict]:
    """Registrations as the principal may see them: a participant's e-mail and check-in code (from `codes`, the
    meeting's check_in_codes) only for platform admins and the participant's own chamber admin (null to others)."""
    people = names_of(uow, [r["person_id"] for r in registrations if r.get("person_id")])
    organisations = organisation_names(uow, [(r.get("organisation") or {}).get("id") for r in registrations])
    shown = []
    for r in registrations:
        organisation = r.get("organisation") or {}
        participant = r.get("participant") or {}
        erased = False
        if r.get("person_id"):
            found = people.get(r["person_id"]) or {}
            erased = bool(found.get("erased"))
            full_name, email = found.get("full_name"), found.get("email")
        else:
            full_name, email = participant.get("full_name"), participant.get("email")
        code = (codes or {}).get(r["id"]) if r["status"] == "confirmed" else None
        if not permissions.can_see_contact(principal, r):
            email = code = None
        shown.append({
            "id": r["id"], "status": r["status"], "source": r["source"], "registrant": r["registrant"],
            "person_id": r.get("person_id"), "seat_id": r.get("seat_id"), "role": r.get("role"),
            "full_name": full_name, "email": email, "erased": erased, "gender": r.get("gender"),
            "province": r.get("province"),
            "organisation": {**{k: organisation.get(k) for k in ("id", "key", "kind", "size_class", "province")},
                             "is_sme": bool(organisation.get("is_sme")), "member": bool(organisation.get("member")),
                             "name": organisations.get(organisation.get("id")) or participant.get("organisation_name")},
            "waitlist_position": r.get("waitlist_position"), "attended": bool(r.get("attended")),
            "attended_at": r.get("attended_at"), "created_at": r["created_at"], "cancelled_at": r.get("cancelled_at"),
            "cancel_reason": r.get("cancel_reason"), "check_in_code": code,
        })
    return shown


def list_meetings(uow: UnitOfWork, query: dict, principal: Principal) -> dict:
    criteria: dict = {}
    for name, field in (("kind", "kind"), ("host", "host_organisation_id"), ("status", "status"), ("body", "body")):
        if query.get(name):
            criteria[field] = query[name]
    if query.get("theme"):
        criteria["themes"] = query["theme"]
    window = {}
    if query.get("from") is not None:
        window["$gte"] = query["from"]
    if query.get("to") is not None:
        window["$lte"] = query["to"]
    if window:
        criteria["starts_at"] = window
    if query.get("q"):
        criteria["title"] = {"$regex": re.escape(query["q"]), "$options": "i"}
    found = uow.meetings.page(criteria, _meeting_order(query.get("sort") or "starts_at"), query["page"],
                              query["page_size"])
    presenter = Presenter(uow)
    return found | {"items": [presenter.meeting(m) for m in found["items"]]}


def _meeting_order(sort: str) -> list[tuple[str, int]]:
    """`title`, `-title`, `starts_at` or `-starts_at`; the id breaks ties, so pages never repeat or skip one."""
    direction = -1 if sort.startswith("-") else 1
    return [(sort.lstrip("-"), direction), ("_id", direction)]


def get_meeting(uow: UnitOfWork, query: dict, principal: Principal) -> dict:
    """The meeting `query["meeting_id"]` as stored (Presenter shows it)."""
    return uow.meetings.get(query["meeting_id"])


def list_decisions(uow: UnitOfWork, query: dict, principal: Principal) -> list[dict]:
    return uow.meetings.get(query["meeting_id"]).get("decisions") or []


def list_registrations(uow: UnitOfWork, query: dict, principal: Principal) -> dict:
    meeting = uow.meetings.get(query["meeting_id"])
    registrations = [r for r in meeting.get("registrations") or []
                     if permissions.can_see_registration(principal, meeting, r)]
    for name in ("status", "source"):
        if query.get(name):
            registrations = [r for r in registrations if r[name] == query[name]]
    if query.get("attended") is not None:
        registrations = [r for r in registrations if bool(r.get("attended")) == query["attended"]]
    page, page_size = query["page"], query["page_size"]
    chunk = registrations[(page - 1) * page_size: page * page_size]
    shown = present_registrations(uow, chunk, principal, meeting.get("check_in_codes"))
    return {"items": shown, "total": len(registrations), "page": page, "page_size": page_size}


def get_registration(uow: UnitOfWork, query: dict, principal: Principal) -> tuple[dict, dict]:
    """The meeting and its registration `query["registration_id"]`, if the principal may see it."""
    meeting_id, registration_id = query["meeting_id"], query["registration_id"]
    meeting = uow.meetings.get(meeting_id)
    found = rules.registration_of(meeting, registration_id)
    if found is None:
        raise NotFound(f"no registration {registration_id} in meeting {meeting_id}")
    require(permissions.can_see_registration(principal, meeting, found),
            "a chamber admin sees only its own people's registrations")
    return meeting, found


# -- the membership view ------------------------------------------------------------

def _shown_organisation(doc: dict) -> dict:
    return {"id": doc["_id"], **{k: doc.get(k) for k in ("name", "kind", "province", "size_class", "is_sme", "status")},
            "version": doc.get("version") or 0, "may_host": doc.get("status") == "active" and bool(doc.get("kind"))}


def list_member_organisations(uow: UnitOfWork, query: dict, principal: Principal) -> dict:
    criteria = {name: query[name] for name in ("status", "kind") if name in query}
    found = uow.member_organisations.page(criteria, [("_id", 1)], query["page"], query["page_size"])
    return found | {"items": [_shown_organisation(d) for d in found["items"]]}


def get_member_organisation(uow: UnitOfWork, query: dict, principal: Principal) -> dict:
    found = uow.member_organisations.find(query["organisation_id"])
    if found is None:
        raise NotFound(f"organisation {query['organisation_id']} is not known to the events service")
    return _shown_organisation(found)
