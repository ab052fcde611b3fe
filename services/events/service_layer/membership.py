"""Reads of this service's view of the membership (built from the members' events only)."""
from __future__ import annotations

from datetime import date

from shared.errors import Unprocessable

from ..adapters.documents import ORGANISATIONS, PEOPLE, SEATS
from ..domain.meeting import organisation_ref
from ..domain.seats import seated_on

NOT_A_HOST = {
    "applicant": "is still an applicant (its membership is not approved)",
    "suspended": "is suspended",
    "withdrawn": "has withdrawn from the platform",
}


def organisation(db, organisation_id: str | None, session=None) -> dict | None:
    if not organisation_id:
        return None
    return db[ORGANISATIONS].find_one({"_id": organisation_id}, session=session)


def active_host(db, organisation_id: str, session=None) -> dict:
    """The host organisation, which must be an active member; 422 naming why not otherwise."""
    found = organisation(db, organisation_id, session)
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


def person(db, person_id: str, session=None) -> dict | None:
    return db[PEOPLE].find_one({"_id": person_id}, session=session)


def person_snapshot(db, person_id: str, organisation_id: str | None = None, session=None) -> dict:
    """What a registration keeps of a member's person: gender and organisation attributes, no name."""
    found = person(db, person_id, session) or {}
    organisation_id = found.get("organisation_id") or organisation_id
    org = organisation(db, organisation_id, session)
    ref = ref_of_member(org, organisation_id)
    return {"gender": found.get("gender"), "organisation": ref, "province": ref.get("province")}


def seats_of_body(db, body: str, session=None) -> list[dict]:
    return list(db[SEATS].find({"body": body}, session=session))


def seated_people(db, body: str, day: date, session=None) -> dict[str, dict]:
    return seated_on(seats_of_body(db, body, session), day)


def names_of(db, person_ids: list[str]) -> dict[str, dict]:
    if not person_ids:
        return {}
    return {p["_id"]: p for p in db[PEOPLE].find({"_id": {"$in": list(set(person_ids))}})}


def organisation_names(db, organisation_ids: list[str]) -> dict[str, str]:
    ids = [i for i in set(organisation_ids) if i]
    if not ids:
        return {}
    return {o["_id"]: o.get("name") for o in db[ORGANISATIONS].find({"_id": {"$in": ids}}, {"name": 1})}
