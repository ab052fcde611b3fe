"""Seats on governance bodies: each seat is an aggregate with its own events (tvp.members.seats)."""
from __future__ import annotations

from datetime import date

from shared.auth import Principal
from shared.clock import today, utc_now
from shared.contracts import members as contract
from shared.errors import Conflict, DuplicateKey, NotFound, Unprocessable
from shared.ids import new_id
from shared.messaging.outbox import Causation
from shared.service_layer.unit_of_work import UnitOfWork

from ..adapters.documents import ONE_CHAIR, ONE_SEAT_PER_PERSON
from ..domain.governance import check_may_hold_seat, check_seat_conflicts, check_term, end_date, sort_key
from . import bodies
from .commands import AssignSeat, EndSeat, GetBody, GetBodyHistory, GetSeat
from .common import pick

ASSIGNED = contract.SEAT_ASSIGNED
ENDED = contract.SEAT_ENDED
PAYLOAD_FIELDS = ["id", "body", "person_id", "organisation_id", "role", "term_start", "term_end"]


def payload_of(seat: dict) -> dict:
    return pick(seat, PAYLOAD_FIELDS)


def assign_seat(uow: UnitOfWork, command: AssignSeat, principal: Principal, cause: Causation) -> dict:
    check_term(command.term_start, command.term_end)
    code, person_id, role = command.body, command.person_id, command.role
    with uow.atomic():
        bodies.get_body(uow, code)
        person = uow.people.holder(person_id)
        if person is None:
            raise Unprocessable(f"no person {person_id}", {"person_id": ["unknown person"]})
        organisation = uow.organisations.status_of(person["organisation_id"])
        check_may_hold_seat(organisation["status"] if organisation else None, person["status"])
        check_seat_conflicts(uow.seats.active({"body": code}), person_id, role)
        now = utc_now()
        # Write to the organisation and the person, so that a concurrent suspension or erasure (which
        # writes them too) conflicts with this transaction instead of missing the new seat.
        if not (uow.organisations.guard_seats(person["organisation_id"], now)
                and uow.people.guard_seats(person_id, now)):
            raise Conflict("the person or their organisation changed status meanwhile; try again")
        seat = {"_id": new_id(), "body": code, "person_id": person_id, "organisation_id": person["organisation_id"],
                "role": role, "term_start": command.term_start.isoformat(),
                "term_end": command.term_end.isoformat() if command.term_end else None, "status": "active",
                "created_at": now, "updated_at": now}
        try:
            events = uow.seats.add(seat, [(ASSIGNED, payload_of(seat))], cause)
        except DuplicateKey as exc:
            if exc.on(ONE_CHAIR):
                raise Conflict("the body already has a chair", {"role": ["the body has an active chair"]}) from None
            if exc.on(ONE_SEAT_PER_PERSON):
                raise Conflict("the person already holds a seat on this body",
                               {"person_id": ["already holds a seat on this body"]}) from None
            raise
    # The names were read above, in this transaction: no need to read them again (enrich) afterwards.
    return seat | {"version": len(events), "person_name": person.get("full_name"),
                   "organisation_name": organisation.get("name")}


def _end(uow: UnitOfWork, seat: dict, ended_on: date, reason: str | None, cause: Causation, actor: str) -> dict:
    now = utc_now()
    changes = {"status": "ended", "ended_on": ended_on.isoformat(), "end_reason": reason, "updated_at": now}
    payload = payload_of(seat) | {"ended_on": changes["ended_on"], "reason": reason, "actor": actor}
    uow.seats.save(seat["_id"], seat["version"], [(ENDED, payload)], cause, set_fields=changes)
    return {**seat, **changes, "version": seat["version"] + 1}


def end_seat(uow: UnitOfWork, command: EndSeat, principal: Principal, cause: Causation) -> dict:
    seat = _seat(uow, command.body, command.seat_id)
    if command.precondition is not None:
        command.precondition.check(seat["version"])
    ended_on = end_date(seat, command.ended_on, today())
    return enrich(uow, [_end(uow, seat, ended_on, command.reason, cause, principal.subject)])[0]


def end_active_seats(uow: UnitOfWork, selector: dict, reason: str, cause: Causation, actor: str) -> list[dict]:
    """End every active seat matching `selector` (inside the caller's transaction), one event each."""
    return [_end(uow, seat, end_date(seat, None, today()), reason, cause, actor)
            for seat in uow.seats.active(selector)]


def enrich(uow: UnitOfWork, seats: list[dict]) -> list[dict]:
    """Add the names of the person (null once erased) and the organisation."""
    people = uow.people.names({s["person_id"] for s in seats}, "full_name")
    organisations = uow.organisations.names({s["organisation_id"] for s in seats}, "name")
    return [{**s, "person_name": people.get(s["person_id"]),
             "organisation_name": organisations.get(s["organisation_id"])} for s in seats]


def _seat(uow: UnitOfWork, code: str, seat_id: str) -> dict:
    seat = uow.seats.on_body(code, seat_id)
    if seat is None:
        raise NotFound(f"no seat {seat_id} on body {code}")
    return seat


# -- reads ----------------------------------------------------------------------------------------

def get_seat(uow: UnitOfWork, query: GetSeat, principal: Principal) -> dict:
    return enrich(uow, [_seat(uow, query.body, query.seat_id)])[0]


def body_with_seats(uow: UnitOfWork, query: GetBody, principal: Principal) -> dict:
    body = bodies.get_body(uow, query.code)
    return {**body, "seats": enrich(uow, sorted(uow.seats.active({"body": query.code}), key=sort_key))}


def body_history(uow: UnitOfWork, query: GetBodyHistory, principal: Principal) -> dict:
    """Every seat the body ever had (or only active/ended ones), in order of term start."""
    bodies.get_body(uow, query.code)
    filters = {"body": query.code, **({"status": query.status} if query.status else {})}
    found = uow.seats.page(filters, [("term_start", 1), ("created_at", 1), ("_id", 1)], query.page, query.page_size)
    return found | {"items": enrich(uow, found["items"])}
