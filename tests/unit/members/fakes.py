"""In-memory members repositories: the queries of services/members/adapters/repositories.py in plain Python.

Unique indexes the use cases rely on are checked as the real ones are: one organisation
per tax number, one person per e-mail key, one active seat per person per body and one
active chair per body (partial indexes: only active seats count).
"""
from __future__ import annotations

import copy
from datetime import datetime

from services.members.adapters.documents import ONE_CHAIR, ONE_SEAT_PER_PERSON
from services.members.adapters.repositories import Bodies, Organisations, People, Seats
from services.members.domain.governance import STANDARD_BODIES
from services.members.domain.person import IDENTIFYING_PAYLOAD_FIELDS
from services.members.domain.retention import seat_standing
from shared.auth import Principal
from shared.contracts.members import PEOPLE as PEOPLE_TOPIC
from shared.errors import DuplicateKey
from shared.messaging.outbox import Causation

from ..fake_uow import FakeRepository, FakeRetentionLedger, FakeUnitOfWork


class _FakeSeatHolders(FakeRepository):
    def names(self, ids: set[str], field: str) -> dict:
        return {i: self.docs[i].get(field) for i in ids if i in self.docs}

    def guard_seats(self, aggregate_id: str, now: datetime) -> bool:
        found = self.docs.get(aggregate_id)
        if found is None or found.get("status") != "active":
            return False
        found["seats_checked_at"] = now
        return True


class FakeOrganisations(_FakeSeatHolders):
    collection, noun, hidden = Organisations.collection, Organisations.noun, Organisations.hidden
    unique = ("tax_number",)

    def status_of(self, organisation_id: str) -> dict | None:
        return self.find(organisation_id, {"status": 1, "name": 1})

    def identities(self) -> list[dict]:
        return [{"_id": d["_id"], "name": d["name"], "province": d["province"], "tax_number": d.get("tax_number")}
                for d in self.docs.values()]

    def every(self, filters: dict, sort: list[tuple[str, int]]) -> list[dict]:
        return self.page(filters, sort, 1, len(self.docs) or 1)["items"]


class FakePeople(_FakeSeatHolders):
    collection, noun, hidden = People.collection, People.noun, People.hidden
    unique = ("email_key",)

    def holder(self, person_id: str) -> dict | None:
        return self.find(person_id, {"status": 1, "organisation_id": 1, "full_name": 1})

    def erased_among(self, person_ids: list[str]) -> list[str]:
        return [i for i in person_ids if self.docs.get(i, {}).get("status") == "erased"]

    def scrub_outbox(self, person_id: str, version: int) -> None:
        found = self.docs.get(person_id)
        if found is not None and found.get("version") == version:
            for event in found.get("outbox", []):
                event["data"].update({name: None for name in IDENTIFYING_PAYLOAD_FIELDS})

    def inactive_before(self, cutoff: datetime) -> list[dict]:
        return [self.find(i, {"status": 1, "consents": 1, "created_at": 1, "updated_at": 1})
                for i, d in self.docs.items() if d.get("status") == "active" and d["updated_at"] <= cutoff]


class FakeSeats(FakeRepository):
    collection, noun, hidden = Seats.collection, Seats.noun, Seats.hidden

    def on_body(self, code: str, seat_id: str) -> dict | None:
        found = self.find(seat_id)
        return found if found is not None and found["body"] == code else None

    def active(self, selector: dict) -> list[dict]:
        return [self.find(i) for i in self.docs
                if self.docs[i]["status"] == "active" and all(self.docs[i].get(k) == v for k, v in selector.items())]

    def of_people(self, person_ids: list[str]) -> dict:
        return seat_standing(seat for seat in self.docs.values() if seat["person_id"] in person_ids)

    def _check_unique(self, document: dict, own_id) -> None:
        if document.get("status") != "active":
            return
        for other_id, other in self.docs.items():
            if other_id == own_id or other["status"] != "active" or other["body"] != document["body"]:
                continue
            if other["person_id"] == document["person_id"]:
                raise DuplicateKey(f"E11000 {ONE_SEAT_PER_PERSON}")
            if other["role"] == document["role"] == "chair":
                raise DuplicateKey(f"E11000 {ONE_CHAIR}")


class FakeBodies(FakeRepository):
    collection, noun = Bodies.collection, Bodies.noun

    def by_code(self, code: str) -> dict | None:
        return self.find(code)

    def list_page(self, page: int, page_size: int) -> dict:
        return self.page({}, [("created_at", 1), ("_id", 1)], page, page_size)

    def standard_missing(self) -> bool:
        return any(code not in self.docs for code in STANDARD_BODIES)

    def ensure_standard(self, now: datetime) -> None:
        for code, body in STANDARD_BODIES.items():
            self.docs.setdefault(code, {"_id": code, **body, "created_at": now})

    def create(self, document: dict) -> None:
        if document["_id"] in self.docs:
            raise DuplicateKey(f"E11000 duplicate key _id {document['_id']}")
        self.docs[document["_id"]] = copy.deepcopy(document)


class FakePersonEventLog(FakeRepository):
    """Logged events as `{"_id", "key", "topic", "event"}` records."""
    collection = "event_log"

    def scrub(self, person_ids: list[str]) -> int:
        scrubbed = 0
        for record in self.docs.values():
            if record["key"] in person_ids and record["topic"] == PEOPLE_TOPIC:
                record["event"]["data"].update({name: None for name in IDENTIFYING_PAYLOAD_FIELDS})
                scrubbed += 1
        return scrubbed


def fake_uow(organisations=(), people=(), seats=(), bodies=(), event_log=()) -> FakeUnitOfWork:
    """A unit of work over in-memory repositories holding the given documents."""
    return FakeUnitOfWork(organisations=FakeOrganisations(list(organisations)), people=FakePeople(list(people)),
                          seats=FakeSeats(list(seats)), bodies=FakeBodies(list(bodies)),
                          event_log=FakePersonEventLog(list(event_log)), retention=FakeRetentionLedger())


# -- running use cases as the bus does ------------------------------------------------------------

ADMIN = Principal("admin-1", "platform_admin")
OFFICER = Principal("officer-1", "programme_officer")
CAUSE = Causation("corr-1")


def chamber_admin(organisation_id: str) -> Principal:
    return Principal(f"chamber-{organisation_id}", "chamber_admin", organisation_id)


def run(uow: FakeUnitOfWork, handler, message, principal: Principal = ADMIN):
    """Call a use case as the bus does; returns its result and the events it wrote."""
    before = len(uow.events)
    result = handler(uow, message, principal, CAUSE)
    return result, uow.events[before:]
