"""Invitations: every member seated on a governance meeting's body on its day is invited.

An invitation is a registration with `source: invitation`, confirmed whatever the
capacity. It is reconciled with the seats view when the meeting is scheduled or
rescheduled and, until the meeting starts, whenever a seat of its body is
assigned or ended (membership_handlers.py).
"""
from __future__ import annotations

from datetime import datetime

from shared.clock import local_date
from shared.ids import new_id
from shared.service_layer.unit_of_work import UnitOfWork

from ..domain.meeting import active_registrations, cancel_registration, place
from . import payloads
from .membership import person_snapshots, seated_people

NO_LONGER_SEATED = "no longer seated on the body at the meeting's date"


def new_registration(source: str, registrant: str, person_id: str | None, snapshot: dict, now: datetime,
                     seat: dict | None = None, participant: dict | None = None) -> dict:
    return {"id": new_id(), "source": source, "registrant": registrant, "person_id": person_id,
            "seat_id": seat["_id"] if seat else None, "role": seat.get("role") if seat else None,
            "participant": participant, "gender": snapshot.get("gender"), "province": snapshot.get("province"),
            "organisation": snapshot["organisation"], "status": None, "waitlist_position": None,
            "created_at": now, "attended": False, "attended_at": None}


def reconcile(uow: UnitOfWork, meeting: dict, now: datetime) -> list[tuple[str, dict]]:
    """Invite the seated members not yet registered and withdraw invitations of those no longer seated."""
    if not meeting.get("body") or meeting["status"] != "scheduled":
        return []
    seated = seated_people(uow, meeting["body"], local_date(meeting["starts_at"]))
    events = []
    active = active_registrations(meeting)
    registered = {r["person_id"] for r in active if r.get("person_id")}
    uninvited = sorted(set(seated) - registered)
    snapshots = person_snapshots(uow, {p: seated[p].get("organisation_id") for p in uninvited})
    for person_id in uninvited:
        registration = place(meeting, new_registration("invitation", "person", person_id, snapshots[person_id], now,
                                                       seat=seated[person_id]), always_confirm=True)
        events.append(payloads.registration_created(meeting, registration))
    for registration in active:
        if (registration["source"] == "invitation" and registration.get("person_id") not in seated
                and not registration.get("attended")):
            promoted = cancel_registration(meeting, registration, now, NO_LONGER_SEATED)
            events.append(payloads.registration_cancelled(meeting, registration, promoted))
    return events
