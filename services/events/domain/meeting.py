"""The rules of a meeting's life: its times, its transitions, registrations, attendance and decisions.

Everything here works on the meeting as a plain dict (as stored) and raises the
platform's domain errors; nothing here touches a database or the clock (the
caller passes `now`).
"""
from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from shared.clock import local, local_iso
from shared.contracts.members import is_sme
from shared.errors import Conflict, Unprocessable
from shared.provinces import fold

from . import quorum as quorum_rules
from .clock import EARLIEST, LATEST
from .vocabulary import is_governance

MAX_DURATION = timedelta(days=31)
ACTIVE = ("confirmed", "waitlisted")


# -- times and transitions ----------------------------------------------------

def check_times(starts_at: datetime, ends_at: datetime, now: datetime, may_record_past: bool) -> None:
    for name, moment in (("starts_at", starts_at), ("ends_at", ends_at)):
        if not EARLIEST <= moment < LATEST:
            raise Unprocessable(f"{name} must lie between 2000 and 2100", {name: ["out of range"]})
    if ends_at <= starts_at:
        raise Unprocessable("the meeting must end after it starts", {"ends_at": ["must be after starts_at"]})
    if ends_at - starts_at > MAX_DURATION:
        raise Unprocessable("a meeting lasts at most 31 days", {"ends_at": ["at most 31 days after starts_at"]})
    if starts_at < now and not may_record_past:
        raise Unprocessable("only platform admins may record meetings in the past",
                            {"starts_at": ["must be in the future"]})


def has_started(meeting: dict, now: datetime) -> bool:
    return meeting["starts_at"] <= now


def ensure_scheduled(meeting: dict, action: str) -> None:
    if meeting["status"] != "scheduled":
        raise Conflict(f"cannot {action} a meeting that is {meeting['status']}")


def attended(meeting: dict) -> list[dict]:
    return [r for r in meeting.get("registrations", []) if r.get("attended")]


def check_reschedule(meeting: dict) -> None:
    ensure_scheduled(meeting, "reschedule")
    if attended(meeting) or meeting.get("decisions"):
        raise Conflict("cannot reschedule a meeting that already has attendance or decisions")


def check_cancel(meeting: dict) -> None:
    ensure_scheduled(meeting, "cancel")
    if attended(meeting) or meeting.get("decisions"):
        raise Conflict("cannot cancel a meeting that already has attendance or decisions; close it instead")


def check_close(meeting: dict, now: datetime) -> None:
    ensure_scheduled(meeting, "close")
    if not has_started(meeting, now):
        raise Conflict(f"cannot close a meeting before it starts ({local_iso(meeting['starts_at'])})")


# -- registrations -------------------------------------------------------------

def active_registrations(meeting: dict) -> list[dict]:
    return [r for r in meeting.get("registrations", []) if r["status"] in ACTIVE]


def confirmed_count(meeting: dict) -> int:
    return sum(1 for r in meeting.get("registrations", []) if r["status"] == "confirmed")


def waitlist(meeting: dict) -> list[dict]:
    waiting = [r for r in meeting.get("registrations", []) if r["status"] == "waitlisted"]
    return sorted(waiting, key=lambda r: (r["waitlist_position"], r["created_at"]))


def organisation_key(organisation_id: str | None, organisation_name: str | None) -> str:
    if organisation_id:
        return organisation_id
    digest = hashlib.sha256(fold(organisation_name or "").encode("utf-8")).hexdigest()[:16]
    return f"ext-{digest}"


def organisation_ref(organisation_id: str | None, name: str | None, kind: str | None, size_class: str | None,
                     province: str | None, member: bool) -> dict:
    return {"id": organisation_id, "key": organisation_key(organisation_id, name), "kind": kind,
            "size_class": size_class, "province": province, "is_sme": is_sme(kind, size_class), "member": member}


def find_duplicate(meeting: dict, registration: dict) -> dict | None:
    for other in active_registrations(meeting):
        if registration.get("person_id") and other.get("person_id") == registration["person_id"]:
            return other
        mine, theirs = registration.get("participant"), other.get("participant")
        if mine and theirs:
            if mine.get("email") and theirs.get("email") and mine["email"].lower() == theirs["email"].lower():
                return other
            if (fold(mine["full_name"]) == fold(theirs.get("full_name") or "")
                    and registration["organisation"]["key"] == other["organisation"]["key"]):
                return other
    return None


def check_can_register(meeting: dict) -> None:
    ensure_scheduled(meeting, "register for")


def place(meeting: dict, registration: dict, always_confirm: bool = False) -> dict:
    """Add a registration: confirmed while there is room, else at the end of the waiting list."""
    if find_duplicate(meeting, registration) is not None:
        who = "this person" if registration.get("person_id") else "this participant"
        raise Conflict(f"{who} is already registered for this meeting")
    capacity = meeting.get("capacity")
    if always_confirm or capacity is None or confirmed_count(meeting) < capacity:
        registration.update(status="confirmed", waitlist_position=None)
    else:
        last = max((r["waitlist_position"] for r in waitlist(meeting)), default=0)
        registration.update(status="waitlisted", waitlist_position=last + 1)
    meeting.setdefault("registrations", []).append(registration)
    return registration


def registration_of(meeting: dict, registration_id: str) -> dict | None:
    return next((r for r in meeting.get("registrations", []) if r["id"] == registration_id), None)


def cancel_registration(meeting: dict, registration: dict, now: datetime, reason: str | None) -> dict | None:
    """Cancel a registration; returns the waiting registration promoted into the freed place, if any."""
    ensure_scheduled(meeting, "cancel a registration of")
    if registration["status"] == "cancelled":
        raise Conflict("this registration is already cancelled")
    if registration.get("attended"):
        raise Conflict("cannot cancel a registration whose attendance is recorded")
    was = registration["status"]
    registration.update(status="cancelled", previous_status=was, cancelled_at=now, cancel_reason=reason,
                        waitlist_position=None)
    if was != "confirmed":
        return None
    capacity = meeting.get("capacity")
    queue = waitlist(meeting)
    if queue and (capacity is None or confirmed_count(meeting) < capacity):
        promoted = queue[0]
        promoted.update(status="confirmed", waitlist_position=None, promoted_at=now)
        return promoted
    return None


# -- attendance ------------------------------------------------------------------

def check_attendance(meeting: dict, registration: dict, now: datetime) -> None:
    if meeting["status"] != "scheduled":
        raise Conflict(f"attendance cannot be recorded for a meeting that is {meeting['status']}")
    if not has_started(meeting, now):
        raise Conflict(f"attendance can be recorded from the meeting's start ({local_iso(meeting['starts_at'])})")
    if registration["status"] != "confirmed":
        raise Conflict(f"the registration is {registration['status']}, not confirmed")
    if registration.get("attended"):
        raise Conflict("attendance of this registration is already recorded")


# -- quorum and decisions ----------------------------------------------------------

def present_people(meeting: dict) -> set[str]:
    return {r["person_id"] for r in attended(meeting) if r.get("person_id")}


def live_quorum(meeting: dict, seated_people: set[str]) -> quorum_rules.Quorum:
    return quorum_rules.compute(seated_people, present_people(meeting))


def check_decision(meeting: dict, now: datetime, quorum: quorum_rules.Quorum | None, votes: dict | None) -> None:
    status = meeting["status"]
    if status == "cancelled" or (status == "scheduled" and not has_started(meeting, now)):
        raise Conflict("decisions are taken only while a meeting is being held or once it is held")
    if quorum is not None and not quorum.met:
        raise Conflict(f"no quorum: {quorum.present} of {quorum.seated} seated members present, "
                       f"{quorum.required} required")
    if votes and quorum is not None:
        cast = votes["for"] + votes["against"] + votes["abstain"]
        if cast > quorum.present:
            raise Unprocessable(f"{cast} votes cast but only {quorum.present} seated members present",
                                {"votes": ["more votes than seated members present"]})


def decision_number(meeting: dict, sequence: int | None, n: int) -> str:
    if is_governance(meeting["kind"]) and sequence is not None:
        return f"{local(meeting['starts_at']).year}/{sequence}-{n}"
    return f"{local(meeting['starts_at']).year}/{n}"
