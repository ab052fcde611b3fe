"""Idempotency keys in MongoDB: the claim of a key, and the response stored with the write it protects.

One document per (token subject, key) in `idempotency_keys`:
`{_id: {sub, key}, fingerprint, state: "running"|"done", token, lease_until, expires_at, response}`.

- `claim` inserts it as "running" and commits it before the write's transaction starts, so a
  second request with the same key sees it at once (409 while running). A claim holds a lease:
  a process that died holding it did not commit its write (the write and the "done" commit
  together), so after the lease another request may take the key over.
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
- Every write of a claim (and `release`) runs in a transaction of its own, never as a bare
  write: a write outside a transaction is a driver's retryable write, which SecantusDB records
  with its reply for 30 minutes (up to 10,000 records, ~6 KB each, the whole map walked on every
  retryable write under the lock transactions share), so one claim per API write grew the
  database's memory and halved the write rate in a soak (docs/operations.md, issue 10 item 8).
  A one-statement transaction is not recorded there, commits as durably (the client's
  `w: majority, j: true`), and a duplicate key still fails the insert (the transaction is
  aborted).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any, Callable, ContextManager

from pymongo import ASCENDING
from pymongo.client_session import ClientSession
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError, OperationFailure

from ..clock import as_utc, utc_now

COLLECTION = "idempotency_keys"
KEPT_FOR = timedelta(hours=24)
LEASE = timedelta(seconds=10)  # longer than a request may use the database (3.5 s, shared/web/outages.py)
KEY_FIELD = "_id.key"
KEY_INDEX = "by_key"
WRITE_CONFLICT = 112  # another transaction wrote the same record first (here: a claim of the same key racing)


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


def _lost_to_another_claim(exc: OperationFailure) -> bool:
    """A claim whose insert met the same key: already committed (duplicate key), or being committed by a
    concurrent claim's transaction (write conflict). Either way: look at the record again."""
    return isinstance(exc, DuplicateKeyError) or exc.code == WRITE_CONFLICT


class IdempotencyRecords:
    def __init__(self, db: Database, start_session: Callable[[], ContextManager[ClientSession]] | None = None):
        self.collection = db[COLLECTION]
        self._start_session = start_session or (lambda: db.client.start_session())

    def _committed(self, write: Callable[..., Any]) -> Any:
        """`write(session=...)` in a transaction of its own, committed before this returns (see the module's
        docstring for why not a bare write). An error aborts it and is raised as it is."""
        with self._start_session() as session, session.start_transaction():
            return write(session=session)

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
                self._committed(partial(self.collection.insert_one, fresh))
                return Claimed(token)
            except OperationFailure as exc:
                if not _lost_to_another_claim(exc):
                    raise
            existing = self.collection.find_one(by_key(subject, key))
            if existing is None:
                continue
            if as_utc(existing["expires_at"]) <= now:
                if self._taken_over(
                    partial(self.collection.replace_one, by_key(subject, key, token=existing["token"]), fresh)
                ):
                    return Claimed(token)
                continue
            if existing["fingerprint"] != fingerprint:
                return OtherRequest()
            if existing["state"] == "done":
                return Stored(existing["response"])
            if as_utc(existing["lease_until"]) > now:
                return Running()
            lapsed = by_key(subject, key, token=existing["token"], state="running")
            if self._taken_over(
                partial(self.collection.update_one, lapsed, {"$set": {"token": token, "lease_until": now + LEASE}})
            ):
                return Claimed(token)
        return Running()

    def _taken_over(self, write: Callable[..., Any]) -> bool:
        """Whether `write` (guarded by the token it saw) took an expired record or a lapsed lease over; False when
        another claim changed the record first (its token no longer matches, or its transaction conflicted)."""
        try:
            return bool(self._committed(write).matched_count)
        except OperationFailure as exc:
            if exc.code == WRITE_CONFLICT:
                return False
            raise

    def complete(self, subject: str, key: str, token: str, response: dict, session: Any) -> None:
        done = self.collection.update_one(
            by_key(subject, key, token=token, state="running"),
            {"$set": {"state": "done", "response": response}, "$unset": {"lease_until": ""}},
            session=session,
        )
        if not done.matched_count:
            raise LostClaim(key)

    def release(self, subject: str, key: str, token: str) -> None:
        self._committed(partial(self.collection.delete_one, by_key(subject, key, token=token, state="running")))
