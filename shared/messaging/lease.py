"""The relay lease: of all the worker processes of a service, one publishes its outboxes at a time.

Any number of workers of a service may run (their consumers share the partitions through their group), but two
relays publishing the same outboxes would each send every event, in an interleaving that breaks nothing only
because consumers drop duplicates. So the relays contend for one document of the service's own database
(`relay_lease`, `_id` = the service) and only its holder publishes.

No wall clocks are compared, neither across hosts nor with the database's. The holder counts its validity from
the moment it *sent* its last successful renewal (`beat` + 1), on its own monotonic clock. A contender takes over
only after it has seen the same (holder, token, beat) unchanged for a whole TTL on *its* monotonic clock,
counted from when its read *returned*. The renewal was written before the contender could read it, so the
holder's validity always ends first: the two clocks need the same rate, not the same time. A holder that stops
cleanly releases the lease (holder None) and the next contender takes it at once.

Every acquisition raises the token (the fencing token, or epoch). It guards three things:
- the relay produces only while `valid_for(margin)` holds on its own monotonic clock: CLOCK_MONOTONIC runs on
  while a process is SIGSTOPped, so a holder paused past its TTL wakes up seeing its lease lapsed;
- `fence(session)` is a write conditional on the token, to a fence document (`<service>.fence`) that every new
  holder raises to its token before it publishes, inside the transaction that logs and pulls a batch: once
  another holds the lease it matches nothing, the transaction aborts, and a stale holder never marks or logs
  anything;
- each record carries the token in its `tvp-relay-epoch` header, so anyone can see which epoch published it.
What the token cannot stop is in docs/reliability.md ("The relay lease").
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
import time
from datetime import datetime, timezone
from typing import Callable

from pymongo.client_session import ClientSession
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError, PyMongoError

log = logging.getLogger(__name__)

LEASES = "relay_lease"
EPOCH_HEADER = "tvp-relay-epoch"
DEFAULT_TTL_S = 6.0
RETRY_AFTER_ERROR_S = 0.25  # the keeper's next try after the database failed it (see `keep`)


class LeaseLost(RuntimeError):
    """This relay does not hold the lease (any more): it must not produce, and its batch stays pending."""


def new_holder_id() -> str:
    """host:pid:random, unique per process start (a restarted process is a new holder)."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


class RelayLease:
    """The lease of `service`'s relay in `db`. `clock` is monotonic seconds (a fake one in unit tests); `wall` only
    stamps the document for people (`tvp status`), no decision reads it."""

    def __init__(
        self,
        db: Database,
        service: str,
        ttl_s: float = DEFAULT_TTL_S,
        holder: str | None = None,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], datetime] = _utc_now,
        owner: str | None = None,
        end_sessions: Callable[[str], object] | None = None,
    ):
        self.collection = db[LEASES]
        self.service = service
        self.ttl_s = ttl_s
        # Three renewals per TTL: one late or lost renewal does not cost the lease.
        self.renew_every_s = ttl_s / 3
        # Produce only with this much validity left: a batch handed to the producer is normally acknowledged
        # before the lease can pass on; it also absorbs a small difference in clock rates between hosts.
        self.margin_s = ttl_s / 2
        self.holder = holder or new_holder_id()
        self.clock, self.wall = clock, wall
        # The holder's session-ledger owner (shared/session_ledger.py), kept in the document: a contender taking
        # over from a silent holder first ends that owner's sessions (`end_sessions(owner)`). A holder killed inside
        # its log-and-pull transaction otherwise keeps the lease document and the batch's aggregates locked until
        # the server reaps the transaction (60 s): the takeover's own write would wait that long.
        self.owner, self.end_sessions = owner, end_sessions
        self.token: int | None = None
        self._valid_until = float("-inf")
        self._seen: tuple[tuple, float] | None = None  # (holder, token, beat) of another, first seen at
        self.acquired = threading.Event()

    # -- state ----------------------------------------------------------
    @property
    def held(self) -> bool:
        return self.token is not None

    def valid_for(self, margin_s: float | None = None) -> bool:
        """Held, and still valid `margin_s` (default: the safety margin) from now by this process's clock."""
        margin = self.margin_s if margin_s is None else margin_s
        return self.token is not None and self.clock() + margin < self._valid_until

    def epoch(self) -> int:
        """The token to publish under, if the lease is valid for the safety margin; else LeaseLost."""
        if self.token is None or not self.valid_for():
            raise LeaseLost(f"relay lease of {self.service} not held with {self.margin_s:.1f}s to spare")
        return self.token

    # -- transitions ----------------------------------------------------
    def acquire(self) -> bool:
        """Renew when held; else take the lease if there is none, it was released, or its holder has not renewed
        it for a whole TTL (seen by this process). True when this process holds it now."""
        if self.token is not None:
            return self.renew()
        started = self.clock()
        doc = self.collection.find_one({"_id": self.service})
        read_at = self.clock()  # after the read: the renewal it shows was sent before this
        if doc is None:
            try:
                self.collection.insert_one({"_id": self.service, **self._holding(1)})
            except DuplicateKeyError:
                return False  # another contender inserted it first
            return self._fenced_in(1) and self._took(1, started)
        seen = (doc.get("holder"), doc.get("token", 0), doc.get("beat", 0))
        # Held by an earlier process of this owner: dead, as the session ledger already assumes (one live process
        # per owner; its sessions were ended at this one's start), so a restarted worker takes over at once.
        predecessor = self.owner is not None and doc.get("owner") == self.owner
        if seen[0] is not None and not predecessor:
            if self._seen is None or self._seen[0] != seen:
                self._seen = (seen, read_at)
                return False
            if read_at - self._seen[1] < self.ttl_s:
                return False
            # Silent for a TTL: dead, or stale and fenced out from now on. Never our own owner: a restarted slot
            # ended its predecessor's sessions at start, and what it noted since is its own.
            if self.end_sessions is not None and doc.get("owner") not in (None, self.owner):
                self.end_sessions(doc["owner"])
        started = self.clock()
        taken = self.collection.update_one(
            {"_id": self.service, "holder": seen[0], "token": seen[1], "beat": seen[2]},
            {"$set": self._holding(seen[1] + 1)},
        )
        self._seen = None
        if taken.matched_count != 1:
            return False  # renewed, released or taken meanwhile: look again next time
        return self._fenced_in(seen[1] + 1) and self._took(seen[1] + 1, started)

    def renew(self) -> bool:
        """Extend the lease by a TTL from now; False (and the lease dropped) when another holds it."""
        if self.token is None:
            return False
        started = self.clock()  # before the write: the validity must not outlast what others will see
        renewed = self.collection.update_one(
            {"_id": self.service, "holder": self.holder, "token": self.token},
            {"$inc": {"beat": 1}, "$set": {"renewed_at": self.wall()}},
        )
        if renewed.matched_count != 1:
            self._lost("another worker took it over")
            return False
        self._valid_until = started + self.ttl_s
        return True

    def release(self) -> None:
        """Give the lease up (a clean stop): the next contender takes it without waiting a TTL."""
        if self.token is None:
            return
        # Dropped here first: should the write fail, the lease lapses by the clock all the same.
        token, self.token, self._valid_until = self.token, None, float("-inf")
        self.acquired.clear()
        self.collection.update_one(
            {"_id": self.service, "holder": self.holder, "token": token},
            {"$set": {"holder": None, "released_at": self.wall()}},
        )
        log.info("relay lease released (token %d)", token)

    def fence(self, session: ClientSession) -> None:
        """Inside the transaction that logs and pulls a batch: a write to the fence document that matches only
        while it carries this holder's token, so the transaction of a stale holder aborts (LeaseLost) instead of
        committing. Being a write, it also conflicts with a takeover raising the fence: one of the two waits for or
        retries after the other."""
        if self.token is None:
            raise LeaseLost(f"relay lease of {self.service} not held")
        fenced = self.collection.update_one(
            {"_id": self._fence_id, "token": self.token}, {"$set": {"published_at": self.wall()}}, session=session
        )
        if fenced.matched_count != 1:
            token = self.token
            self._lost("its batch was not recorded")
            raise LeaseLost(f"relay lease of {self.service} (token {token}) was taken over")

    # -- running --------------------------------------------------------
    def next_attempt_in(self) -> float:
        """Seconds until the keeper should renew or try again: the renewal period, or sooner when a silent holder's
        TTL ends before it (failover within TTL + a little, not TTL + a period)."""
        if self._seen is None or self.token is not None:
            return self.renew_every_s
        left = self._seen[1] + self.ttl_s - self.clock()
        return max(0.05, min(self.renew_every_s, left + 0.05))

    def keep(self, stop: threading.Event) -> None:
        """Renew the lease while held, try to acquire it while not, until `stop`. The relay releases it once its
        last batch is recorded (a release before would fence that batch out)."""
        while not stop.is_set():
            try:
                self.acquire()
                pause = self.next_attempt_in()
            except PyMongoError as exc:
                # Unrenewed, the lease lapses by this process's clock: the relay stops producing on its own. Soon
                # again, not a renewal period later: the relay publishes again as soon as the database is back.
                log.warning("relay lease of %s not renewed: %s", self.service, exc)
                pause = RETRY_AFTER_ERROR_S
            stop.wait(pause)

    def wait_until_valid(self, stop: threading.Event, timeout_s: float = 0.5) -> None:
        """For the relay while it may not produce: return once the lease is valid, `stop` is set, or `timeout_s`."""
        if self.token is None:
            self.acquired.wait(timeout_s)
        else:
            stop.wait(min(timeout_s, 0.05))  # held but lapsed locally: the keeper's next renewal restores it

    @property
    def _fence_id(self) -> str:
        # The fence is a document of its own: renewals (every TTL/3) would otherwise conflict with every batch's
        # transaction, and a batch that takes longer than a renewal period under load would never commit.
        return f"{self.service}.fence"

    def _fenced_in(self, token: int) -> bool:
        """Raise the fence to `token` before publishing under it: from then on a stale holder's transactions match
        nothing (the write waits for, or conflicts with, one in progress). False when a higher token is there."""
        try:
            self.collection.update_one(
                {"_id": self._fence_id, "token": {"$lt": token}}, {"$set": {"token": token}}, upsert=True
            )
        except DuplicateKeyError:
            return False  # a later holder raised it already: this acquisition is stale before it began
        return True

    def _holding(self, token: int) -> dict:
        return {"holder": self.holder, "owner": self.owner, "token": token, "beat": 0, "acquired_at": self.wall()}

    def _took(self, token: int, started: float) -> bool:
        self.token, self._valid_until, self._seen = token, started + self.ttl_s, None
        self.acquired.set()
        log.info("relay lease acquired (token %d) by %s", token, self.holder)
        return True

    def _lost(self, why: str) -> None:
        token, self.token, self._valid_until = self.token, None, float("-inf")
        self.acquired.clear()
        log.warning("relay lease lost (token %s): %s", token, why)
