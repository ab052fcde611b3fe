"""Where a service keeps its retention bookkeeping: the run lease, the last run and the log (counts only).

The lease and the last run are one document each in `retention_state`; the log is `retention_log`,
newest first. The lease is written outside any transaction of the caller on purpose: a second run must
see it at once (and get 409), not conflict later with a transaction that holds it invisibly.
"""

from __future__ import annotations

from datetime import datetime, timezone

from pymongo import DESCENDING, ReturnDocument
from pymongo.errors import DuplicateKeyError

from .repository import MongoRepository, Page, page_of

STATE = "retention_state"
LOG = "retention_log"
LEASE = "lease"
SCHEDULE = "schedule"


class RetentionLedger(MongoRepository):
    collection = STATE
    noun = "retention state"

    @property
    def entries(self):
        return self.db[LOG]

    def acquire(self, holder: str, now: datetime, until: datetime) -> bool:
        """Take the lease unless an unexpired one is held: the filter matches only an expired (or no) lease,
        and the upsert of a second `_id: lease` fails on the unique `_id` while someone holds it."""
        try:
            taken = self.documents.find_one_and_update(
                {"_id": LEASE, "until": {"$lte": now}},
                {"$set": {"holder": holder, "until": until}},
                upsert=True,
                return_document=ReturnDocument.AFTER,
            )
        except DuplicateKeyError:
            return False
        return taken is not None and taken.get("holder") == holder

    def release(self, holder: str) -> None:
        self.documents.update_one(
            {"_id": LEASE, "holder": holder}, {"$set": {"until": datetime(1970, 1, 1, tzinfo=timezone.utc)}}
        )

    def last_run(self) -> datetime | None:
        found = self.documents.find_one({"_id": SCHEDULE})
        return _aware(found.get("last_run_at")) if found else None

    def mark_run(self, at: datetime) -> None:
        self.documents.update_one({"_id": SCHEDULE}, {"$set": {"last_run_at": at}}, upsert=True)

    def log(self, entries: list[dict]) -> None:
        if entries:
            self.entries.insert_many(entries)

    def log_page(self, page: int, page_size: int) -> Page:
        return page_of(self.entries, {}, None, [("at", DESCENDING), ("_id", DESCENDING)], page, page_size)


def _aware(moment: datetime | None) -> datetime | None:
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=timezone.utc)


def ensure_retention_indexes(db) -> None:
    db[LOG].create_index([("at", DESCENDING), ("_id", DESCENDING)], name="newest_first")
