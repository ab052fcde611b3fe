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


def _snapshot(found: dict, org: dict | None, organisation_id: str | None) -> dict:
    ref = ref_of_member(org, organisation_id)
    return {"gender": found.get("gender"), "organisation": ref, "province": ref.get("province")}


def snapshot_of(db, found: dict | None, organisation_id: str | None = None, session=None) -> dict:
    """What a registration keeps of a member's person (`found` in the people view, or None): gender and
    organisation attributes, no name."""
    found = found or {}
    organisation_id = found.get("organisation_id") or organisation_id
    return _snapshot(found, organisation(db, organisation_id, session), organisation_id)


def person_snapshot(db, person_id: str, organisation_id: str | None = None, session=None) -> dict:
    return snapshot_of(db, person(db, person_id, session), organisation_id, session)


def person_snapshots(db, organisation_of: dict[str, str | None], session=None) -> dict[str, dict]:
    """person_snapshot of many people in two reads: person id -> organisation id to fall back on."""
    if not organisation_of:
        return {}
    people = {p["_id"]: p for p in db[PEOPLE].find({"_id": {"$in": list(organisation_of)}}, session=session)}
    organisation_ids = {person_id: (people.get(person_id) or {}).get("organisation_id") or fallback
                        for person_id, fallback in organisation_of.items()}
    wanted = [i for i in set(organisation_ids.values()) if i]
    organisations = {o["_id"]: o for o in db[ORGANISATIONS].find({"_id": {"$in": wanted}}, session=session)} \
        if wanted else {}
    return {person_id: _snapshot(people.get(person_id) or {}, organisations.get(organisation_id), organisation_id)
            for person_id, organisation_id in organisation_ids.items()}


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
