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

    def claim(self, subject: str, key: str, fingerprint: str, now: datetime | None = None):
        """Claimed(token) to go ahead; Stored(response) to replay; Running; or OtherRequest."""
        now = now or utc_now()
        _id = {"sub": subject, "key": key}
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
            existing = self.collection.find_one({"_id": _id})
            if existing is None:
                continue
            if as_utc(existing["expires_at"]) <= now:
                if self.collection.replace_one({"_id": _id, "token": existing["token"]}, fresh).matched_count:
                    return Claimed(token)
                continue
            if existing["fingerprint"] != fingerprint:
                return OtherRequest()
            if existing["state"] == "done":
                return Stored(existing["response"])
            if as_utc(existing["lease_until"]) > now:
                return Running()
            taken = self.collection.update_one(
                {"_id": _id, "token": existing["token"], "state": "running"},
                {"$set": {"token": token, "lease_until": now + LEASE}},
            )
            if taken.matched_count:
                return Claimed(token)
        return Running()

    def complete(self, subject: str, key: str, token: str, response: dict, session: Any) -> None:
        done = self.collection.update_one(
            {"_id": {"sub": subject, "key": key}, "token": token, "state": "running"},
            {"$set": {"state": "done", "response": response}, "$unset": {"lease_until": ""}},
            session=session,
        )
        if not done.matched_count:
            raise LostClaim(key)

    def release(self, subject: str, key: str, token: str) -> None:
        self.collection.delete_one({"_id": {"sub": subject, "key": key}, "token": token, "state": "running"})
