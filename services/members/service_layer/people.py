"""Use cases on people: registration, changes, and erasure (KVKK / GDPR right to erasure)."""
from __future__ import annotations

import re

from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from shared.auth import Principal
from shared.clock import to_millis, utc_now
from shared.concurrency import Precondition
from shared.contracts import members as contract
from shared.contracts.members import PEOPLE
from shared.errors import Conflict, NotFound, Unprocessable
from shared.ids import new_id
from shared.messaging.outbox import EVENT_LOG, Causation
from shared.permissions import require
from shared.provinces import fold
from shared.web.schemas import find_page

from ..domain import permissions
from ..domain.person import (
    IDENTIFYING_FIELDS,
    IDENTIFYING_PAYLOAD_FIELDS,
    apply_changes,
    check_consents,
    check_organisation_accepts_people,
    email_key,
)
from . import seats
from .common import in_transaction, pick, with_retries

COLLECTION = "people"
REGISTERED = contract.PERSON_REGISTERED
UPDATED = contract.PERSON_UPDATED
ERASED = contract.PERSON_ERASED
PAYLOAD_FIELDS = ["id", "organisation_id", "full_name", "email", "title", "phone", "gender"]
HIDDEN = {"outbox": 0, "outbox_pending": 0, "name_folded": 0, "email_key": 0, "seats_checked_at": 0}


def payload_of(person: dict) -> dict:
    return pick(person, PAYLOAD_FIELDS)


def _email_taken() -> Conflict:
    return Conflict("this organisation already has a person with this e-mail address",
                    {"email": ["already registered for this organisation"]})


def _with_consent_defaults(consents: list[dict] | None, now) -> list[dict] | None:
    if consents is None:
        return None
    return [{**consent, **{name: to_millis(consent[name]) for name in ("granted_at", "withdrawn_at")
                           if consent.get(name)}, "granted_at": to_millis(consent.get("granted_at") or now)}
            for consent in consents]


def visible(person: dict, principal: Principal) -> dict:
    """The person as this principal may see it: consents only for the own organisation and admins."""
    shown = {name: value for name, value in person.items() if name not in HIDDEN}
    if not permissions.can_read_consents(principal, person["organisation_id"]):
        shown.pop("consents", None)
    else:
        shown.setdefault("consents", [])
    return shown


def register_person(ctx, data: dict, principal: Principal, cause: Causation) -> dict:
    organisation_id = data["organisation_id"]
    require(permissions.can_manage_people_of(principal, organisation_id),
                        "a chamber admin may only register people of its own organisation")
    organisation = ctx.db.organisations.find_one({"_id": organisation_id}, {"status": 1})
    if organisation is None:
        raise Unprocessable(f"no organisation {organisation_id}", {"organisation_id": ["unknown organisation"]})
    check_organisation_accepts_people(organisation["status"])
    now = utc_now()
    consents = _with_consent_defaults(data.get("consents"), now) or []
    check_consents(consents, now)
    person = {"_id": new_id(), **{k: v for k, v in data.items() if v is not None}, "consents": consents,
              "status": "active", "name_folded": fold(data["full_name"]),
              "email_key": email_key(organisation_id, data["email"]), "created_at": now, "updated_at": now}
    try:
        events = ctx.outbox.insert(COLLECTION, person, [(REGISTERED, payload_of(person))], cause)
    except DuplicateKeyError:
        raise _email_taken() from None
    return visible(person | {"version": len(events)}, principal)


def _load(db: Database, person_id: str, session=None) -> dict:
    person = db[COLLECTION].find_one({"_id": person_id}, {"outbox": 0}, session=session)
    if person is None:
        raise NotFound(f"no person {person_id}")
    if person["status"] == "erased":
        raise NotFound(f"person {person_id} was erased")
    return person


def get_person(db: Database, person_id: str, principal: Principal) -> dict:
    person = _load(db, person_id)
    require(permissions.can_read_person(principal, person["organisation_id"]),
                        "a chamber admin may only see people of its own organisation")
    return visible(person, principal)


def list_people(db: Database, query: dict, principal: Principal) -> dict:
    filters: dict = {"status": "active"}
    if principal.role == "chamber_admin":
        wanted = query.get("organisation_id", principal.organisation_id)
        require(wanted == principal.organisation_id,
                            "a chamber admin may only list people of its own organisation")
        filters["organisation_id"] = principal.organisation_id
    elif "organisation_id" in query:
        filters["organisation_id"] = query["organisation_id"]
    if "q" in query:
        filters["name_folded"] = {"$regex": re.escape(fold(query["q"]))}
    found = find_page(db[COLLECTION], filters, {"outbox": 0}, [("name_folded", 1), ("_id", 1)],
                      query["page"], query["page_size"])
    return found | {"items": [visible(p, principal) for p in found["items"]]}


def update_person(ctx, person_id: str, changes: dict, precondition: Precondition | None, principal: Principal,
                  cause: Causation) -> dict:
    def attempt() -> dict:
        current = _load(ctx.db, person_id)
        require(permissions.can_manage_people_of(principal, current["organisation_id"]),
                            "a chamber admin may only change people of its own organisation")
        if precondition is not None:
            precondition.check(current["version"])
        now = utc_now()
        wanted = dict(changes)
        if "consents" in wanted:
            wanted["consents"] = _with_consent_defaults(wanted["consents"], now) or []
            check_consents(wanted["consents"], now)
        to_set, to_unset, changed = apply_changes(current, wanted)
        if not changed:
            return current
        if "full_name" in to_set:
            to_set["name_folded"] = fold(to_set["full_name"])
        if "email" in to_set:
            to_set["email_key"] = email_key(current["organisation_id"], to_set["email"])
        to_set["updated_at"] = now
        after = {**{k: v for k, v in current.items() if k not in to_unset}, **to_set}
        try:
            ctx.outbox.update(COLLECTION, person_id, current["version"],
                              [(UPDATED, payload_of(after) | {"changed": changed})], cause,
                              set_fields=to_set, unset_fields=to_unset)
        except DuplicateKeyError:
            raise _email_taken() from None
        return after | {"version": current["version"] + 1}

    return visible(with_retries(attempt, precondition), principal)


def erase_person(ctx, person_id: str, precondition: Precondition | None, principal: Principal,
                 cause: Causation) -> None:
    """Remove what identifies the person, here and (through person.erased) in the other services.

    In one transaction: the identifying fields go, the events still waiting in the outbox lose their
    personal data, the person's seats end (one seat.ended each) and person.erased is recorded. Then
    the copies in the event log are scrubbed (the members worker scrubs any it logs later).
    """
    def work(session) -> None:
        current = _load(ctx.db, person_id, session)
        require(permissions.can_manage_people_of(principal, current["organisation_id"]),
                            "a chamber admin may only erase people of its own organisation")
        if precondition is not None:
            precondition.check(current["version"])
        ctx.db[COLLECTION].update_one(
            {"_id": person_id, "version": current["version"], "outbox.0": {"$exists": True}},
            {"$set": {f"outbox.$[].data.{name}": None for name in IDENTIFYING_PAYLOAD_FIELDS}}, session=session)
        now = utc_now()
        payload = {"id": person_id, "organisation_id": current["organisation_id"], "at": now.isoformat()}
        [event] = ctx.outbox.update(COLLECTION, person_id, current["version"], [(ERASED, payload)], cause,
                                    set_fields={"status": "erased", "erased_at": now, "updated_at": now},
                                    unset_fields=IDENTIFYING_FIELDS, session=session)
        seats.end_active_seats(ctx, {"person_id": person_id}, "person erased",
                               Causation(cause.correlation_id, event.id), principal.subject, session)

    with_retries(lambda: in_transaction(ctx.client, work), precondition)
    scrub_event_log(ctx.db, [person_id])


def scrub_event_log(db: Database, person_ids: list[str]) -> int:
    """Null the personal data in the logged person events of erased people (kept for replays)."""
    result = db[EVENT_LOG].update_many(
        {"key": {"$in": person_ids}, "topic": PEOPLE},
        {"$set": {f"event.data.{name}": None for name in IDENTIFYING_PAYLOAD_FIELDS}})
    return result.modified_count
