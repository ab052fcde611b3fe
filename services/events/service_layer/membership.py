"""Reads of this service's view of the membership (built from the members' events only)."""
from __future__ import annotations

from datetime import date

from shared.errors import Unprocessable
from shared.service_layer.unit_of_work import UnitOfWork

from ..domain.meeting import organisation_ref
from ..domain.seats import seated_on

NOT_A_HOST = {
    "applicant": "is still an applicant (its membership is not approved)",
    "suspended": "is suspended",
    "withdrawn": "has withdrawn from the platform",
}


def organisation(uow: UnitOfWork, organisation_id: str | None) -> dict | None:
    if not organisation_id:
        return None
    return uow.member_organisations.find(organisation_id)


def active_host(uow: UnitOfWork, organisation_id: str) -> dict:
    """The host organisation, which must be an active member; 422 naming why not otherwise."""
    found = organisation(uow, organisation_id)
    if found is None or not found.get("kind"):
        raise Unprocessable(f"the host {organisation_id} is not a member organisation known to the events service",
                            {"host_organisation_id": ["unknown organisation"]})
    status = found.get("status")
    if status != "active":
        reason = NOT_A_HOST.get(status, f"is {status}")
        raise Unprocessable(f"the host {found.get('name') or organisation_id} {reason}; only active members host "
                            "meetings", {"host_organisation_id": [f"not an active member: {status}"]})
    return found


def ref_of_member(found: dict | None, organisation_id: str | None) -> dict:
    found = found or {}
    return organisation_ref(organisation_id, found.get("name"), found.get("kind"), found.get("size_class"),
                            found.get("province"), member=True)


def person(uow: UnitOfWork, person_id: str) -> dict | None:
    return uow.member_people.find(person_id)


def _snapshot(found: dict, org: dict | None, organisation_id: str | None) -> dict:
    ref = ref_of_member(org, organisation_id)
    return {"gender": found.get("gender"), "organisation": ref, "province": ref.get("province")}


def snapshot_of(uow: UnitOfWork, found: dict | None, organisation_id: str | None = None) -> dict:
    """What a registration keeps of a member's person (`found` in the people view, or None): gender and
    organisation attributes, no name."""
    found = found or {}
    organisation_id = found.get("organisation_id") or organisation_id
    return _snapshot(found, organisation(uow, organisation_id), organisation_id)


def person_snapshot(uow: UnitOfWork, person_id: str, organisation_id: str | None = None) -> dict:
    return snapshot_of(uow, person(uow, person_id), organisation_id)


def person_snapshots(uow: UnitOfWork, organisation_of: dict[str, str | None]) -> dict[str, dict]:
    """person_snapshot of many people in two reads: person id -> organisation id to fall back on."""
    if not organisation_of:
        return {}
    people = uow.member_people.many(organisation_of)
    organisation_ids = {person_id: (people.get(person_id) or {}).get("organisation_id") or fallback
                        for person_id, fallback in organisation_of.items()}
    organisations = uow.member_organisations.many(organisation_ids.values())
    return {person_id: _snapshot(people.get(person_id) or {}, organisations.get(organisation_id), organisation_id)
            for person_id, organisation_id in organisation_ids.items()}


def seated_people(uow: UnitOfWork, body: str, day: date) -> dict[str, dict]:
    return seated_on(uow.member_seats.of_body(body), day)


def names_of(uow: UnitOfWork, person_ids: list[str]) -> dict[str, dict]:
    return uow.member_people.many(person_ids)


def organisation_names(uow: UnitOfWork, organisation_ids: list[str]) -> dict[str, str]:
    return {i: o.get("name") for i, o in uow.member_organisations.many(organisation_ids, {"name": 1}).items()}
