"""The members service's repositories: every query and every write it makes to MongoDB.

One repository per aggregate (organisations, people, seats), one for the governance
bodies (not event-sourced: plain writes, no events) and one for the event log's
person events (scrubbed after an erasure). Use cases see them through the unit of
work (`uow.organisations` …), so a change spanning aggregates is one transaction.
The unit tests' fakes (tests/unit/members/fakes.py) implement the same methods.
"""
from __future__ import annotations

from datetime import datetime
from typing import Iterator

from pymongo.errors import DuplicateKeyError

from shared.adapters.repository import MongoRepository, duplicate_keys
from shared.adapters.retention import RetentionLedger
from shared.contracts.members import PEOPLE as PEOPLE_TOPIC
from shared.messaging.outbox import EVENT_LOG

from ..domain.governance import STANDARD_BODIES
from ..domain.person import IDENTIFYING_PAYLOAD_FIELDS
from ..domain.retention import seat_standing

SEATS_CHECKED_AT = "seats_checked_at"
IDENTITY_BATCH = 2000  # each batch of the scan is one operation within the web's per-operation budget


class _SeatHolders(MongoRepository):
    """Organisations and people: seat assignments write them to serialise with suspensions and erasures."""

    def names(self, ids: set[str], field: str) -> dict[str, str | None]:
        return {d["_id"]: d.get(field) for d in
                self.documents.find({"_id": {"$in": list(ids)}}, {field: 1}, session=self.session)}

    def guard_seats(self, aggregate_id: str, now: datetime) -> bool:
        """Touch an active holder so that a concurrent status change conflicts with the seat assignment
        instead of missing the new seat; False when it is no longer active."""
        guarded = self.documents.update_one({"_id": aggregate_id, "status": "active"},
                                            {"$set": {SEATS_CHECKED_AT: now}}, session=self.session)
        return guarded.matched_count == 1


class Organisations(_SeatHolders):
    collection = "organisations"
    noun = "organisation"
    hidden = {"outbox": 0, "outbox_pending": 0, "name_folded": 0, "status_history": 0, SEATS_CHECKED_AT: 0}

    def status_of(self, organisation_id: str) -> dict | None:
        return self.find(organisation_id, {"status": 1, "name": 1})

    def identities(self) -> Iterator[dict]:
        """What an import's duplicate rule compares (name, province, tax number) of every organisation.

        One plain scan: a filter naming the file's thousands of tax numbers ($in) costs the embedded server
        far more per document than reading the few small fields of all of them."""
        return self.documents.find({}, {"name": 1, "province": 1, "tax_number": 1}, session=self.session,
                                   batch_size=IDENTITY_BATCH)

    def every(self, filters: dict, sort: list[tuple[str, int]]) -> Iterator[dict]:
        """All the organisations a list's filters select, in its order (an export: no pages)."""
        return self.documents.find(filters, self.hidden, session=self.session).sort(sort)


class People(_SeatHolders):
    collection = "people"
    noun = "person"
    hidden = {"outbox": 0, "outbox_pending": 0, "name_folded": 0, "email_key": 0, SEATS_CHECKED_AT: 0}

    def holder(self, person_id: str) -> dict | None:
        """What a seat assignment needs to know of a person."""
        return self.find(person_id, {"status": 1, "organisation_id": 1, "full_name": 1})

    def erased_among(self, person_ids: list[str]) -> list[str]:
        return [p["_id"] for p in self.documents.find({"_id": {"$in": person_ids}, "status": "erased"},
                                                      {"_id": 1}, session=self.session)]

    def scrub_outbox(self, person_id: str, version: int) -> None:
        """Null the personal data in the person's events still waiting in its outbox (before the erasure's
        own write, in its transaction; the version guard makes a concurrent change conflict)."""
        self.documents.update_one(
            {"_id": person_id, "version": version, "outbox.0": {"$exists": True}},
            {"$set": {f"outbox.$[].data.{name}": None for name in IDENTIFYING_PAYLOAD_FIELDS}},
            session=self.session)

    def inactive_before(self, cutoff: datetime) -> list[dict]:
        """Active people unchanged since before `cutoff`: the retention candidates (a change, a consent
        withdrawal included, moves `updated_at`; seats are checked by the caller)."""
        return list(self.documents.find({"status": "active", "updated_at": {"$lte": cutoff}},
                                        {"status": 1, "consents": 1, "created_at": 1, "updated_at": 1},
                                        session=self.session))


class Seats(MongoRepository):
    collection = "seats"
    noun = "seat"

    def on_body(self, code: str, seat_id: str) -> dict | None:
        return self.documents.find_one({"_id": seat_id, "body": code}, self.hidden, session=self.session)

    def active(self, selector: dict) -> list[dict]:
        """The active seats matching `selector` (e.g. a body, a person, an organisation)."""
        return list(self.documents.find({**selector, "status": "active"}, self.hidden, session=self.session))

    def of_people(self, person_ids: list[str]) -> dict[str, tuple[bool, datetime | None]]:
        """Per person: whether they hold an active seat, and when their last ended seat ended."""
        return seat_standing(self.documents.find({"person_id": {"$in": person_ids}},
                                                 {"person_id": 1, "status": 1, "updated_at": 1}, session=self.session))


class Bodies(MongoRepository):
    collection = "bodies"
    noun = "governance body"

    def by_code(self, code: str) -> dict | None:
        return self.find(code)

    def list_page(self, page: int, page_size: int) -> dict:
        return self.page({}, [("created_at", 1), ("_id", 1)], page, page_size)

    def standard_missing(self) -> bool:
        present = self.documents.count_documents({"_id": {"$in": list(STANDARD_BODIES)}}, session=self.session)
        return present < len(STANDARD_BODIES)

    def ensure_standard(self, now: datetime) -> None:
        """Create the board and the advisory board if they are missing (idempotent, safe to race).

        Outside the unit of work's transaction, as before the seam: they exist for everyone from
        now on even if the caller's transaction aborts, and an upsert creating the collection
        inside a transaction would fail on servers before MongoDB 4.4."""
        for code, body in STANDARD_BODIES.items():
            try:
                self.documents.update_one({"_id": code}, {"$setOnInsert": {**body, "created_at": now}}, upsert=True)
            except DuplicateKeyError:
                pass  # another process created it at the same moment

    def create(self, document: dict) -> None:
        """A new body (no events: the contract has none for bodies); DuplicateKey if the code exists."""
        with duplicate_keys():
            self.documents.insert_one(dict(document), session=self.session)


class PersonEventLog(MongoRepository):
    """The logged person events (kept for replays): their personal data goes once the person is erased."""
    collection = EVENT_LOG

    def scrub(self, person_ids: list[str]) -> int:
        result = self.documents.update_many(
            {"key": {"$in": person_ids}, "topic": PEOPLE_TOPIC},
            {"$set": {f"event.data.{name}": None for name in IDENTIFYING_PAYLOAD_FIELDS}}, session=self.session)
        return result.modified_count


# What the unit of work hands out, by the name use cases use (`uow.people` …).
REPOSITORIES = {"organisations": Organisations, "people": People, "seats": Seats, "bodies": Bodies,
                "event_log": PersonEventLog, "retention": RetentionLedger}
