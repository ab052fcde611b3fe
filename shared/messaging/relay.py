"""Publishes outbox events to Kafka, in order per aggregate, and keeps them as an event log.

An event leaves the aggregate's outbox only after the broker acknowledged it
(acks=all, idempotent producer), in the same transaction that copies it into
`event_log`: a crash at any point republishes at worst (same event id: consumers
drop it), and an event is never both logged and still pending. One transaction
and not a bare insert first: a write outside a transaction is a retryable write,
which SecantusDB keeps a record of for 30 minutes (docs/operations.md, issue 10
item 8), and one commit is one log flush per batch instead of two. The actor kept
beside each event in the outbox goes into the event log (`actor`), never to Kafka.
With several workers of a service, only the holder of its relay lease publishes (lease.py).
"""

from __future__ import annotations

import json
import logging
import threading
from datetime import datetime, timezone
from typing import Callable, ContextManager

from pymongo import UpdateOne
from pymongo.client_session import ClientSession
from pymongo.database import Database
from pymongo.errors import PyMongoError

from .envelope import CONTENT_TYPE
from .lease import EPOCH_HEADER, LeaseLost, RelayLease
from .outbox import ACTOR, EVENT_LOG, OUTBOX, PENDING, published_part
from .registry import EventRegistry

log = logging.getLogger(__name__)


def _epoch_headers(epoch: int | None) -> list[tuple[str, bytes]]:
    """Which lease epoch published the record (shared/messaging/lease.py); none for a replay or a lease-less relay."""
    return [] if epoch is None else [(EPOCH_HEADER, str(epoch).encode())]


def _send(producer, topic: str, event: dict, epoch: int | None = None):
    key = event["subject"].split("/", 1)[1]
    value = json.dumps(event, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    headers = [("content-type", CONTENT_TYPE.encode()), *_epoch_headers(epoch)]
    return producer.send(topic, key=key.encode("utf-8"), value=value, headers=headers)


def _send_with_tombstone(producer, registry: EventRegistry, topic: str, event: dict, epoch: int | None = None) -> list:
    """The event, and after it (same key, so same partition, in order) a tombstone if its type ends the
    aggregate: consumers skip null records, and compaction then drops the key's earlier records."""
    futures = [_send(producer, topic, event, epoch)]
    if registry.spec(event["type"]).tombstone:
        key = event["subject"].split("/", 1)[1]
        futures.append(producer.send(topic, key=key.encode("utf-8"), value=None, headers=_epoch_headers(epoch)))
    return futures


class OutboxRelay:
    def __init__(
        self,
        db: Database,
        collections: list[str],
        registry: EventRegistry,
        producer_factory: Callable[[], object],
        batch_size: int = 500,
        ack_timeout_s: float = 15.0,
        max_backoff_s: float = 5.0,
        after_publish: Callable[[Database, list], None] | None = None,
        start_session: Callable[[], ContextManager[ClientSession]] | None = None,
        lease: RelayLease | None = None,
    ):
        self.db = db
        # The worker passes its SessionLedger's (shared/session_ledger.py): a successor can end what a kill left open.
        self.start_session = start_session or db.client.start_session
        self.collections = collections
        self.registry = registry
        self.producer_factory = producer_factory
        self.batch_size = batch_size
        self.ack_timeout_s = ack_timeout_s
        self.max_backoff_s = max_backoff_s
        # Called with (db, [(collection, aggregate_id, events), ...]) once a batch is logged.
        self.after_publish = after_publish
        # With replicated workers, only the lease's holder publishes (shared/messaging/lease.py); None: always.
        self.lease = lease
        self._producer = None
        self._wake = threading.Event()
        # Collections in which the change stream saw an aggregate gain events since the relay last looked: a
        # wake-up reads only those (one query instead of one per collection).
        self._dirty: set[str] = set()
        self._dirty_lock = threading.Lock()
        # Collections whose aggregates kept events after the last pass (written while it published).
        self._left_pending: set[str] = set()
        self.published = 0

    # -- publishing -----------------------------------------------------
    def _producer_or_new(self):
        if self._producer is None:
            self._producer = self.producer_factory()
        return self._producer

    def close(self) -> None:
        """Close the producer (it is made again when needed)."""
        self._drop_producer()

    def _drop_producer(self):
        if self._producer is not None:
            try:
                self._producer.close(timeout=1)
            except Exception:  # noqa: BLE001 - a broken producer is discarded either way
                pass
            self._producer = None

    def _pending(self, collections: list[str] | None = None) -> list[tuple[str, object, list[dict]]]:
        batch, room = [], self.batch_size
        for name in self.collections if collections is None else collections:
            if room <= 0:
                break
            for doc in self.db[name].find({PENDING: True}, {OUTBOX: 1}).limit(room):
                events = doc.get(OUTBOX) or []
                batch.append((name, doc["_id"], events))
                room -= max(1, len(events))
        return batch

    def publish_pending(self, collections: list[str] | None = None) -> int:
        """One pass over the outboxes (of `collections`, default all); returns the number of events published.
        Raises on broker failure."""
        batch = self._pending(collections)
        self._left_pending = set()
        if not batch:
            return 0
        # Right before producing: the lease valid for its safety margin by this process's clock (raises LeaseLost).
        epoch = self.lease.epoch() if self.lease is not None else None
        producer = self._producer_or_new()
        futures = []
        for _, _, events in batch:
            for event in events:
                topic = self.registry.spec(event["type"]).topic
                futures.extend(_send_with_tombstone(producer, self.registry, topic, published_part(event), epoch))
        producer.flush(timeout=self.ack_timeout_s)
        for future in futures:
            future.get(timeout=self.ack_timeout_s)
        self._record_published(batch)
        count = sum(len(events) for _, _, events in batch)
        self.published += count
        return count

    def _record_published(self, batch) -> None:
        now = datetime.now(timezone.utc)
        log_docs = [
            {
                "_id": e["id"],
                "topic": self.registry.spec(e["type"]).topic,
                "key": e["subject"].split("/", 1)[1],
                "event": published_part(e),
                "actor": e.get(ACTOR),  # None for events written before actors were recorded
                "logged_at": now,
            }
            for _, _, events in batch
            for e in events
        ]
        by_collection: dict[str, list] = {}
        for name, aggregate_id, events in batch:
            ids = [e["id"] for e in events]
            by_collection.setdefault(name, []).extend(
                [
                    UpdateOne({"_id": aggregate_id}, {"$pull": {OUTBOX: {"id": {"$in": ids}}}}),
                    UpdateOne({"_id": aggregate_id, OUTBOX: {"$size": 0}}, {"$unset": {PENDING: ""}}),
                ]
            )

        # One transaction for the whole batch's log and pulls: one commit, so one log flush on a database that
        # syncs on commit (docs/reliability.md), instead of one per update (2 per aggregate).
        def log_and_pull(session) -> None:
            if self.lease is not None:
                self.lease.fence(session)  # a stale holder's transaction aborts here: nothing logged, nothing pulled
            # An event already logged stays as it is: the relay of a release that logged before pulling, killed
            # between the two, left it logged and pending. A duplicate key would abort the whole transaction.
            ids = [doc["_id"] for doc in log_docs]
            logged = {doc["_id"] for doc in self.db[EVENT_LOG].find({"_id": {"$in": ids}}, {"_id": 1}, session=session)}
            fresh = [doc for doc in log_docs if doc["_id"] not in logged]
            if fresh:
                self.db[EVENT_LOG].insert_many(fresh, ordered=False, session=session)
            left.clear()  # a retried transaction counts again
            for name, ops in by_collection.items():
                result = self.db[name].bulk_write(ops, ordered=True, session=session)
                # Each aggregate matched its pull; its unset matched only if its outbox is now empty.
                if result.matched_count < len(ops):
                    left.add(name)

        left: set[str] = set()
        with self.start_session() as session:
            session.with_transaction(log_and_pull)
        self._left_pending = left
        if self.after_publish:
            self.after_publish(self.db, batch)

    # -- running --------------------------------------------------------
    def _watch(self, stop: threading.Event) -> None:
        """Wake the relay as soon as an aggregate gains events (change stream): a new aggregate, or a write that
        set `outbox_pending` (it is in `updatedFields` only when it changed, i.e. the aggregate had none
        pending). The relay's own pulls do not wake it; events pushed while some were pending are picked up by
        the pass that published those (`_left_pending`)."""
        pipeline = [
            {
                "$match": {
                    "ns.coll": {"$in": self.collections},
                    "$or": [
                        {"operationType": {"$in": ["insert", "replace"]}},
                        {f"updateDescription.updatedFields.{PENDING}": True},
                    ],
                }
            }
        ]
        while not stop.is_set():
            try:
                with self.db.watch(pipeline, max_await_time_ms=500) as stream:
                    while not stop.is_set():
                        change = stream.try_next()
                        if change is not None:
                            with self._dirty_lock:
                                self._dirty.add(change["ns"]["coll"])
                            self._wake.set()
            except PyMongoError as exc:
                log.warning("change stream interrupted, relying on polling: %s", exc)
                stop.wait(1.0)

    def _take_dirty(self) -> list[str]:
        with self._dirty_lock:
            dirty, self._dirty = self._dirty, set()
        return [name for name in self.collections if name in dirty]

    def run(self, stop: threading.Event, poll_interval_s: float = 1.0) -> None:
        watcher = threading.Thread(target=self._watch, args=(stop,), name="outbox-watch", daemon=True)
        watcher.start()
        keeper = None
        if self.lease is not None:
            keeper = threading.Thread(target=self.lease.keep, args=(stop,), name="relay-lease", daemon=True)
            keeper.start()
        backoff = 0.2
        to_read = self.collections  # the first pass, a poll and a retry look everywhere
        while not stop.is_set():
            if self.lease is not None and not self.lease.valid_for():
                self.lease.wait_until_valid(stop)  # another worker's relay publishes meanwhile
                to_read = self.collections  # a new holder looks everywhere first
                continue
            try:
                published = self.publish_pending(to_read)
                backoff = 0.2
            except LeaseLost as exc:
                log.info("relay paused: %s", exc)  # the batch stays pending for the holder
                to_read = self.collections
                continue
            except Exception as exc:  # noqa: BLE001 - broker or database away: back off, keep everything
                log.warning("relay could not publish, retrying in %.1fs: %s", backoff, exc)
                self._drop_producer()
                stop.wait(backoff)
                backoff = min(backoff * 2, self.max_backoff_s)
                to_read = self.collections
                continue
            if published >= self.batch_size:
                to_read = self.collections  # a full batch: the backlog goes on, wherever it is
                continue
            if self._left_pending:
                to_read = [name for name in self.collections if name in self._left_pending]
                continue
            woken = self._wake.wait(poll_interval_s)
            self._wake.clear()
            to_read = self._take_dirty() if woken else self.collections
        self._drop_producer()
        if keeper is not None and self.lease is not None:
            keeper.join()
            self._release_lease(self.lease)

    @staticmethod
    def _release_lease(lease: RelayLease) -> None:
        try:
            lease.release()  # after the last batch: a release before it would fence that batch out
        except PyMongoError as exc:
            log.warning("relay lease not released (it lapses by itself): %s", exc)

    # -- replay ---------------------------------------------------------
    def replay(self, since: datetime | None = None, progress: Callable[[int], None] | None = None) -> int:
        """Publish the event log again (e.g. after the in-memory broker restarted). Needs no relay lease: it sends
        what is logged already (no epoch header), and consumers drop what they have seen, also of two replays."""
        query = {"logged_at": {"$gte": since}} if since else {}
        producer = self._producer_or_new()
        count, futures = 0, []
        cursor = self.db[EVENT_LOG].find(query).sort([("logged_at", 1), ("event.aggregateversion", 1)])
        for doc in cursor:
            # The log keeps what was written; what goes out again is the current version of each type.
            event = self.registry.current(doc["event"])
            futures.extend(_send_with_tombstone(producer, self.registry, doc["topic"], event))
            count += 1
            if len(futures) >= 1000:
                producer.flush(timeout=self.ack_timeout_s)
                for f in futures:
                    f.get(timeout=self.ack_timeout_s)
                futures = []
                if progress:
                    progress(count)
        producer.flush(timeout=self.ack_timeout_s)
        for f in futures:
            f.get(timeout=self.ack_timeout_s)
        if progress:
            progress(count)
        return count
