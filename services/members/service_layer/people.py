"""Use cases on people: registration, changes, and erasure (KVKK / GDPR right to erasure)."""
from __future__ import annotations

import re

from shared.auth import Principal
from shared.clock import local_iso, to_millis, utc_now
from shared.contracts import members as contract
from shared.errors import Conflict, DuplicateKey, NotFound, Unprocessable
from shared.ids import new_id
from shared.messaging.outbox import Causation
from shared.permissions import require
from shared.provinces import fold
from shared.service_layer.unit_of_work import UnitOfWork

from ..domain import permissions
from ..domain.person import (
    IDENTIFYING_FIELDS,
    apply_changes,
    check_consents,
    check_organisation_accepts_people,
    email_key,
)
from . import seats
from .commands import ErasePerson, GetPerson, ListPeople, RegisterPerson, UpdatePerson
from .common import pick

REGISTERED = contract.PERSON_REGISTERED
UPDATED = contract.PERSON_UPDATED
ERASED = contract.PERSON_ERASED
PAYLOAD_FIELDS = ["id", "organisation_id", "full_name", "email", "title", "phone", "gender"]
HIDDEN = {"outbox": 0, "outbox_pending": 0, "name_folded": 0, "email_key": 0, "seats_checked_at": 0}
EVERYTHING_BUT_OUTBOX = {"outbox": 0}


def payload_of(person: dict) -> dict:
    return pick(person, PAYLOAD_FIELDS) | {"consents": [consent_payload(c) for c in person.get("consents") or []]}


def consent_payload(consent: dict) -> dict:
    """What the other services need of a consent (events' notifications ask whether one covers a mail)."""
    return {"purpose": consent["purpose"], "granted_at": local_iso(consent["granted_at"]),
            "withdrawn_at": local_iso(consent.get("withdrawn_at")), "text_version": consent.get("text_version")}


def _email_taken() -> Conflict:
    return Conflict("this organisation already has a person with this e-mail address",
                    {"email": ["already registered for this organisation"]})


def _with_consent_defaults(consents: list[dict] | None, now) -> list[dict] | None:
    if consents is None:
        return None
    return [{**consent, **{name: to_millis(consent[name]) for name in ("granted_at", "withdrawn_at")
                           if consent.get(name)}, "granted_at": to_millis(consent.get("granted_at") or now)}
            for consent in consents]


CONTACT_FIELDS = ("email", "phone")


def visible(person: dict, principal: Principal) -> dict:
    """The person as this principal may see it: consents, e-mail and phone only for the own organisation's
    chamber admin and platform admins (programme officers and auditors see names and organisations)."""
    shown = {name: value for name, value in person.items() if name not in HIDDEN}
    if not permissions.can_see_contact(principal, person["organisation_id"]):
        for name in CONTACT_FIELDS:
            shown.pop(name, None)
    if not permissions.can_read_consents(principal, person["organisation_id"]):
        shown.pop("consents", None)
    else:
        shown.setdefault("consents", [])
    return shown


def register_person(uow: UnitOfWork, command: RegisterPerson, principal: Principal, cause: Causation) -> dict:
    data = command.details
    organisation_id = data["organisation_id"]
    require(permissions.can_manage_people_of(principal, organisation_id),
            "a chamber admin may only register people of its own organisation")
    organisation = uow.organisations.status_of(organisation_id)
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
        events = uow.people.add(person, [(REGISTERED, payload_of(person))], cause)
    except DuplicateKey:
        raise _email_taken() from None
    return visible(person | {"version": len(events)}, principal)


def _load(uow: UnitOfWork, person_id: str) -> dict:
    """A person not erased (an erased one is gone, as far as the API is concerned)."""
    person = uow.people.get(person_id, EVERYTHING_BUT_OUTBOX)
    if person["status"] == "erased":
        raise NotFound(f"person {person_id} was erased")
    return person


def update_person(uow: UnitOfWork, command: UpdatePerson, principal: Principal, cause: Causation) -> dict:
    person_id = command.person_id
    current = _load(uow, person_id)
    require(permissions.can_manage_people_of(principal, current["organisation_id"]),
            "a chamber admin may only change people of its own organisation")
    if command.precondition is not None:
        command.precondition.check(current["version"])
    now = utc_now()
    wanted = dict(command.changes)
    if "consents" in wanted:
        wanted["consents"] = _with_consent_defaults(wanted["consents"], now) or []
        check_consents(wanted["consents"], now)
    to_set, to_unset, changed = apply_changes(current, wanted)
    if not changed:
        return visible(current, principal)
    if "full_name" in to_set:
        to_set["name_folded"] = fold(to_set["full_name"])
    if "email" in to_set:
        to_set["email_key"] = email_key(current["organisation_id"], to_set["email"])
    to_set["updated_at"] = now
    after = {**{k: v for k, v in current.items() if k not in to_unset}, **to_set}
    try:
        uow.people.save(person_id, current["version"], [(UPDATED, payload_of(after) | {"changed": changed})], cause,
                        set_fields=to_set, unset_fields=to_unset)
    except DuplicateKey:
        raise _email_taken() from None
    return visible(after | {"version": current["version"] + 1}, principal)


def erase_person(uow: UnitOfWork, command: ErasePerson, principal: Principal, cause: Causation) -> None:
    """Remove what identifies the person, here and (through person.erased) in the other services.

    In one transaction: the identifying fields go, the events still waiting in the outbox lose their
    personal data, the person's seats end (one seat.ended each) and person.erased is recorded. Then
    the copies in the event log are scrubbed (the members worker scrubs any it logs later).
    """
    person_id = command.person_id
    with uow.atomic():
        current = _load(uow, person_id)
        require(permissions.can_manage_people_of(principal, current["organisation_id"]),
                "a chamber admin may only erase people of its own organisation")
        if command.precondition is not None:
            command.precondition.check(current["version"])
        uow.people.scrub_outbox(person_id, current["version"])
        now = utc_now()
        payload = {"id": person_id, "organisation_id": current["organisation_id"], "at": now.isoformat()}
        [event] = uow.people.save(person_id, current["version"], [(ERASED, payload)], cause,
                                  set_fields={"status": "erased", "erased_at": now, "updated_at": now},
                                  unset_fields=IDENTIFYING_FIELDS)
        seats.end_active_seats(uow, {"person_id": person_id}, "person erased",
                               cause.caused_by(event.id), principal.subject)
    uow.event_log.scrub([person_id])


def scrub_erased_from_event_log(uow: UnitOfWork, person_ids: list[str]) -> int:
    """After the relay logged a batch: null the personal data of the people among `person_ids` who were
    erased meanwhile (an erasure racing with a publication could otherwise leave a logged copy)."""
    erased = uow.people.erased_among(person_ids) if person_ids else []
    return uow.event_log.scrub(erased) if erased else 0


# -- reads ----------------------------------------------------------------------------------------

def get_person(uow: UnitOfWork, query: GetPerson, principal: Principal) -> dict:
    person = _load(uow, query.person_id)
    require(permissions.can_read_person(principal, person["organisation_id"]),
            "a chamber admin may only see people of its own organisation")
    return visible(person, principal)


def list_people(uow: UnitOfWork, query: ListPeople, principal: Principal) -> dict:
    filters: dict = {"status": "active"}
    if principal.role == "chamber_admin":
        wanted = principal.organisation_id if query.organisation_id is None else query.organisation_id
        require(wanted == principal.organisation_id, "a chamber admin may only list people of its own organisation")
        filters["organisation_id"] = principal.organisation_id
    elif query.organisation_id is not None:
        filters["organisation_id"] = query.organisation_id
    if query.q is not None:
        filters["name_folded"] = {"$regex": re.escape(fold(query.q))}
    found = uow.people.page(filters, [("name_folded", 1), ("_id", 1)], query.page, query.page_size,
                            EVERYTHING_BUT_OUTBOX)
    return found | {"items": [visible(p, principal) for p in found["items"]]}
