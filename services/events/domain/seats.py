"""Who holds a seat of a body on a given day, from the seats view."""
from __future__ import annotations

from datetime import date

from .clock import parse_date


def holds_seat_on(seat: dict, day: date) -> bool:
    """term_start and term_end are inclusive; a seat ended on a day no longer counts that day."""
    start = parse_date(seat.get("term_start"))
    if start is None or start > day:
        return False
    term_end = parse_date(seat.get("term_end"))
    if term_end is not None and term_end < day:
        return False
    if seat.get("status") == "ended":
        ended_on = parse_date(seat.get("ended_on"))
        if ended_on is None or ended_on <= day:
            return False
    return True


def seated_on(seats: list[dict], day: date) -> dict[str, dict]:
    """person_id -> seat, for the seats held that day (a person holds at most one seat per body)."""
    held: dict[str, dict] = {}
    for seat in sorted(seats, key=lambda s: (s.get("term_start") or "", s["_id"])):
        if holds_seat_on(seat, day) and seat.get("person_id"):
            held[seat["person_id"]] = seat
    return held
