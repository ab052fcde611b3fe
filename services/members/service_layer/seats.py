"""Seats on governance bodies: each seat is an aggregate with its own events (tvp.members.seats)."""
from __future__ import annotations

from datetime import date

from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from shared.clock import today, utc_now
from shared.concurrency import Precondition
from shared.contracts import members as contract
from shared.errors import Conflict, NotFound, Unprocessable
from shared.ids import new_id
from shared.messaging.outbox import Causation
from shared.web.schemas import find_page

from ..adapters.documents import ONE_CHAIR, ONE_SEAT_PER_PERSON
from ..domain.governance import check_may_hold_seat, check_seat_conflicts, check_term, end_date, sort_key
from . import bodies
from .common import broke_index, in_transaction, pick, with_retries

COLLECTION = "seats"
ASSIGNED = contract.SEAT_ASSIGNED
ENDED = contract.SEAT_ENDED
PAYLOAD_FIELDS = ["id", "body", "person_id", "organisation_id", "role", "term_start", "term_end"]
HIDDEN = {"outbox": 0, "outbox_pending": 0}


def payload_of(seat: dict) -> dict:
    return pick(seat, PAYLOAD_FIELDS)


def assign_seat(ctx, code: str, data: dict, cause: Causation, actor: str) -> dict:
    term_start: date = data["term_start"]
    term_end: date | None = data.get("term_end")
    check_term(term_start, term_end)
    person_id, role = data["person_id"], data["role"]

    def work(session) -> dict:
        bodies.get_body(ctx.db, code, session)
        person = ctx.db.people.find_one({"_id": person_id}, {"status": 1, "organisation_id": 1, "full_name": 1},
                                        session=session)
        if person is None:
            raise Unprocessable(f"no person {person_id}", {"person_id": ["unknown person"]})
        organisation = ctx.db.organisations.find_one({"_id": person["organisation_id"]}, {"status": 1, "name": 1},
                                                     session=session)
        check_may_hold_seat(organisation["status"] if organisation else None, person["status"])
        active = list(ctx.db[COLLECTION].find({"body": code, "status": "active"}, {"person_id": 1, "role": 1},
                                              session=session))
        check_seat_conflicts(active, person_id, role)
        now = utc_now()
        # Write to the organisation and the person, so that a concurrent suspension or erasure (which
        # writes them too) conflicts with this transaction instead of missing the new seat.
        for collection, key in (("organisations", person["organisation_id"]), ("people", person_id)):
            guarded = ctx.db[collection].update_one({"_id": key, "status": "active"},
                                                    {"$set": {"seats_checked_at": now}}, session=session)
            if guarded.matched_count != 1:
                raise Conflict("the person or their organisation changed status meanwhile; try again")
        seat = {"_id": new_id(), "body": code, "person_id": person_id, "organisation_id": person["organisation_id"],
                "role": role, "term_start": term_start.isoformat(),
                "term_end": term_end.isoformat() if term_end else None, "status": "active",
                "created_at": now, "updated_at": now}
        try:
            events = ctx.outbox.insert(COLLECTION, seat, [(ASSIGNED, payload_of(seat))], cause, session=session)
        except DuplicateKeyError as exc:
            if broke_index(exc, ONE_CHAIR):
                raise Conflict("the body already has a chair", {"role": ["the body has an active chair"]}) from None
            if broke_index(exc, ONE_SEAT_PER_PERSON):
                raise Conflict("the person already holds a seat on this body",
                               {"person_id": ["already holds a seat on this body"]}) from None
            raise
        # The names were read above, in this transaction: no need to read them again (enrich) afterwards.
        return seat | {"version": len(events), "person_name": person.get("full_name"),
                       "organisation_name": organisation.get("name")}

    return in_transaction(ctx.client, work)


def _end(ctx, seat: dict, ended_on: date, reason: str | None, cause: Causation, actor: str, session=None) -> dict:
    now = utc_now()
    changes = {"status": "ended", "ended_on": ended_on.isoformat(), "end_reason": reason, "updated_at": now}
    payload = payload_of(seat) | {"ended_on": changes["ended_on"], "reason": reason, "actor": actor}
    ctx.outbox.update(COLLECTION, seat["_id"], seat["version"], [(ENDED, payload)], cause, set_fields=changes,
                      session=session)
    return {**seat, **changes, "version": seat["version"] + 1}


def end_seat(ctx, code: str, seat_id: str, data: dict, precondition: Precondition | None, cause: Causation,
             actor: str) -> dict:
    def attempt() -> dict:
        seat = get_seat(ctx.db, code, seat_id)
        if precondition is not None:
            precondition.check(seat["version"])
        ended_on = end_date(seat, data.get("ended_on"), today())
        return _end(ctx, seat, ended_on, data.get("reason"), cause, actor)

    return enrich(ctx.db, [with_retries(attempt, precondition)])[0]


def end_active_seats(ctx, selector: dict, reason: str, cause: Causation, actor: str, session) -> list[dict]:
    """End every active seat matching `selector` (inside the caller's transaction), one event each."""
    ended = []
    for seat in ctx.db[COLLECTION].find({**selector, "status": "active"}, HIDDEN, session=session):
        ended.append(_end(ctx, seat, end_date(seat, None, today()), reason, cause, actor, session))
    return ended


def get_seat(db: Database, code: str, seat_id: str) -> dict:
    seat = db[COLLECTION].find_one({"_id": seat_id, "body": code}, HIDDEN)
    if seat is None:
        raise NotFound(f"no seat {seat_id} on body {code}")
    return seat


def body_with_seats(db: Database, code: str) -> dict:
    body = bodies.get_body(db, code)
    seats = sorted(db[COLLECTION].find({"body": code, "status": "active"}, HIDDEN), key=sort_key)
    return {**body, "seats": enrich(db, seats)}


def body_history(db: Database, code: str, query: dict) -> dict:
    """Every seat the body ever had (or only active/ended ones), in order of term start."""
    bodies.get_body(db, code)
    filters = {"body": code, **({"status": query["status"]} if "status" in query else {})}
    found = find_page(db[COLLECTION], filters, HIDDEN, [("term_start", 1), ("created_at", 1), ("_id", 1)],
                      query["page"], query["page_size"])
    return found | {"items": enrich(db, found["items"])}


def enrich(db: Database, seats: list[dict]) -> list[dict]:
    """Add the names of the person (null once erased) and the organisation."""
    people = {p["_id"]: p.get("full_name") for p in
              db.people.find({"_id": {"$in": list({s["person_id"] for s in seats})}}, {"full_name": 1})}
    organisations = {o["_id"]: o.get("name") for o in
                     db.organisations.find({"_id": {"$in": list({s["organisation_id"] for s in seats})}},
                                           {"name": 1})}
    return [{**s, "person_name": people.get(s["person_id"]),
             "organisation_name": organisations.get(s["organisation_id"])} for s in seats]
