"""Idempotency keys in MongoDB: the claim of a key, and the response stored with the write it protects.

One document per (token subject, key) in `idempotency_keys`:
`{_id: {sub, key}, fingerprint, state: "running"|"done", token, lease_until, expires_at, response}`.

- `claim` inserts it as "running" outside any transaction, so a second request with the same
  key sees it at once (409 while running). A claim holds a lease: a process that died holding
  it did not commit its write (the write and the "done" commit together), so after the lease
  another request may take the key over.
- `complete` turns it "done" with the response, inside the transaction of the write it
  protects (the caller passes that session): either both are stored or neither.
- `release` gives a claim up when its request changed nothing (an error answer).
- `expires_at` (24 h after the first request) carries a TTL index; an expired record that the
  TTL sweep has not removed yet counts as absent.
- Every lookup names the record by `_id.sub` and `_id.key`, with an index on `_id.key`: SecantusDB
  plans an equality on a document-valued `_id` (`{_id: {sub, key}}`) as a collection scan, so
  each request scanned a day's records (3,000 records: ~400 ms a lookup against ~2-14 ms with the
  index, machine loaded), and the soak's write rate fell as the collection grew. The stored shape
  is unchanged (the `_id` still makes a key unique per subject), so no record needs migrating.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pymongo import ASCENDING
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from ..clock import as_utc, utc_now

COLLECTION = "idempotency_keys"
KEPT_FOR = timedelta(hours=24)
LEASE = timedelta(seconds=10)  # longer than a request may use the database (3.5 s, shared/web/outages.py)
KEY_FIELD = "_id.key"
KEY_INDEX = "by_key"


def record_id(subject: str, key: str) -> dict:
    return {"sub": subject, "key": key}


def by_key(subject: str, key: str, **guards: Any) -> dict:
    """The filter naming one record (and any guards on it) that SecantusDB answers through the `_id.key` index."""
    return {"_id.sub": subject, KEY_FIELD: key, **guards}


@dataclass(frozen=True)
class Claimed:
    token: str


@dataclass(frozen=True)
class Stored:
    response: dict  # {"status", "body", "headers"}


@dataclass(frozen=True)
class Running:
    pass


@dataclass(frozen=True)
class OtherRequest:
    """The key was first used with another method, path or body."""


class LostClaim(Exception):
    """The claim was taken over (its lease ran out) before the write committed: the write must not commit."""


class IdempotencyRecords:
    def __init__(self, db: Database):
        self.collection = db[COLLECTION]

    def ensure_indexes(self) -> None:
        self.collection.create_index([("expires_at", ASCENDING)], expireAfterSeconds=0, name="expires_at_ttl")
        # A single-field index: SecantusDB does not use a compound one once a filter names other fields too
        # (the token and state guards below). Keys are random, so the key alone nearly always names one record.
        self.collection.create_index([(KEY_FIELD, ASCENDING)], name=KEY_INDEX)

    def claim(self, subject: str, key: str, fingerprint: str, now: datetime | None = None):
        """Claimed(token) to go ahead; Stored(response) to replay; Running; or OtherRequest."""
        now = now or utc_now()
        _id = record_id(subject, key)
        for _ in range(3):  # an insert that lost to a record which then expired or vanished: look again
            token = secrets.token_hex(8)
            fresh = {
                "_id": _id,
                "fingerprint": fingerprint,
                "state": "running",
                "token": token,
                "lease_until": now + LEASE,
                "expires_at": now + KEPT_FOR,
            }
            try:
                self.collection.insert_one(fresh)
                return Claimed(token)
            except DuplicateKeyError:
                pass
            existing = self.collection.find_one(by_key(subject, key))
            if existing is None:
                continue
            if as_utc(existing["expires_at"]) <= now:
                if self.collection.replace_one(by_key(subject, key, token=existing["token"]), fresh).matched_count:
                    return Claimed(token)
                continue
            if existing["fingerprint"] != fingerprint:
                return OtherRequest()
            if existing["state"] == "done":
                return Stored(existing["response"])
            if as_utc(existing["lease_until"]) > now:
                return Running()
            taken = self.collection.update_one(
                by_key(subject, key, token=existing["token"], state="running"),
                {"$set": {"token": token, "lease_until": now + LEASE}},
            )
            if taken.matched_count:
                return Claimed(token)
        return Running()

    def complete(self, subject: str, key: str, token: str, response: dict, session: Any) -> None:
        done = self.collection.update_one(
            by_key(subject, key, token=token, state="running"),
            {"$set": {"state": "done", "response": response}, "$unset": {"lease_until": ""}},
            session=session,
        )
        if not done.matched_count:
            raise LostClaim(key)

    def release(self, subject: str, key: str, token: str) -> None:
        self.collection.delete_one(by_key(subject, key, token=token, state="running"))
