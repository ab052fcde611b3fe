"""Governance bodies and their seats: pure rules."""
from __future__ import annotations

from datetime import date

from shared.errors import Conflict, Unprocessable

# Bodies that exist from the start (Yönetim Kurulu, Danışma Kurulu).
STANDARD_BODIES = {
    "board": {"name": "Board", "name_tr": "Yönetim Kurulu", "kind": "board"},
    "advisory_board": {"name": "Advisory Board", "name_tr": "Danışma Kurulu", "kind": "advisory_board"},
}
BODY_KINDS = ["board", "advisory_board", "working_group"]
BODY_CODE_PATTERN = r"^[a-z][a-z0-9_-]{1,49}$"
ROLE_ORDER = {"chair": 0, "vice_chair": 1, "member": 2}
SINGLE_HOLDER_ROLES = {"chair"}


def check_term(term_start: date, term_end: date | None) -> None:
    if term_end is not None and term_end < term_start:
        raise Unprocessable("the term ends before it starts", {"term_end": ["must not be before term_start"]})


def check_may_hold_seat(organisation_status: str | None, person_status: str | None) -> None:
    """Only (non-erased) people of active organisations hold seats."""
    if person_status != "active":
        raise Conflict("the person was erased and can hold no seat", {"person_id": ["person was erased"]})
    if organisation_status != "active":
        raise Conflict(f"only people of active organisations hold seats; this one is {organisation_status}",
                       {"person_id": [f"the person's organisation is {organisation_status}"]})


def check_seat_conflicts(active_seats: list[dict], person_id: str, role: str) -> None:
    """A person holds at most one active seat per body; a body has at most one active chair."""
    for seat in active_seats:
        if seat["person_id"] == person_id:
            raise Conflict("the person already holds a seat on this body",
                           {"person_id": [f"already holds seat {seat['_id']} as {seat['role']}"]})
    if role in SINGLE_HOLDER_ROLES:
        for seat in active_seats:
            if seat["role"] == role:
                raise Conflict(f"the body already has a {role}",
                               {"role": [f"seat {seat['_id']} is the active {role}"]})


def end_date(seat: dict, requested: date | None, today: date) -> date:
    """When a seat ends: the requested day, else today (or its start, if it has not started yet)."""
    if seat["status"] != "active":
        raise Conflict("the seat has already ended", {"seat_id": [f"ended on {seat.get('ended_on')}"]})
    start = date.fromisoformat(seat["term_start"])
    if requested is None:
        return max(today, start)
    if requested < start:
        raise Unprocessable("a seat cannot end before its term starts", {"ended_on": ["before term_start"]})
    return requested


def sort_key(seat: dict) -> tuple:
    return ROLE_ORDER.get(seat["role"], 9), seat["term_start"], seat["_id"]
