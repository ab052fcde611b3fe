"""What the API shows of meetings: counts, sequence, quorum; names of people only from the view."""
from __future__ import annotations

import re

from shared.auth import Principal
from shared.clock import local_date
from shared.errors import NotFound
from shared.permissions import require
from shared.web.schemas import find_page

from ..adapters.documents import MEETINGS
from ..domain import meeting as rules
from ..domain import permissions
from ..domain.numbering import assign_sequences, ordinal
from ..domain.seats import seated_on
from .meetings import aware, load, numbered_of_body
from .membership import names_of, organisation_names, seats_of_body

BODY_TITLES = {"board": "Board Meeting", "advisory_board": "Advisory Board Meeting"}


class Presenter:
    """Presents meetings, caching per request what several meetings of a body share."""

    def __init__(self, db):
        self.db = db
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
            self._sequences[body] = assign_sequences(numbered_of_body(self.db, body))
        return self._sequences[body].get(meeting["_id"])

    def quorum(self, meeting: dict) -> dict | None:
        body = meeting.get("body")
        if not body or meeting["status"] == "cancelled":
            return None
        if meeting["status"] == "held" and meeting.get("quorum"):
            return meeting["quorum"]
        if body not in self._seats:
            self._seats[body] = seats_of_body(self.db, body)
        seated = seated_on(self._seats[body], local_date(meeting["starts_at"]))
        return rules.live_quorum(meeting, set(seated)).to_dict()

    def host_name(self, organisation_id: str) -> str | None:
        if organisation_id not in self._hosts:
            self._hosts.update(organisation_names(self.db, [organisation_id]))
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


def present_registrations(db, registrations: list[dict]) -> list[dict]:
    people = names_of(db, [r["person_id"] for r in registrations if r.get("person_id")])
    organisations = organisation_names(db, [(r.get("organisation") or {}).get("id") for r in registrations])
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
            "cancel_reason": r.get("cancel_reason"),
        })
    return shown


def list_meetings(db, query: dict) -> dict:
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
    found = find_page(db[MEETINGS], criteria, {"outbox": 0}, [("starts_at", 1), ("_id", 1)], query["page"],
                      query["page_size"])
    presenter = Presenter(db)
    return found | {"items": [presenter.meeting(aware(m)) for m in found["items"]]}


def list_registrations(db, meeting_id: str, query: dict, principal: Principal) -> dict:
    meeting = load(db, meeting_id)
    registrations = [r for r in meeting.get("registrations") or []
                     if permissions.can_see_registration(principal, meeting, r)]
    for name in ("status", "source"):
        if query.get(name):
            registrations = [r for r in registrations if r[name] == query[name]]
    if query.get("attended") is not None:
        registrations = [r for r in registrations if bool(r.get("attended")) == query["attended"]]
    page, page_size = query["page"], query["page_size"]
    chunk = registrations[(page - 1) * page_size: page * page_size]
    return {"items": present_registrations(db, chunk), "total": len(registrations), "page": page,
            "page_size": page_size}


def get_registration(db, meeting_id: str, registration_id: str, principal: Principal) -> dict:
    meeting = load(db, meeting_id)
    found = rules.registration_of(meeting, registration_id)
    if found is None:
        raise NotFound(f"no registration {registration_id} in meeting {meeting_id}")
    require(permissions.can_see_registration(principal, meeting, found),
            "a chamber admin sees only its own people's registrations")
    return found


