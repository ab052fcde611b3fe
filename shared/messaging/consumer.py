"""Consumer runtime: turns Kafka records into handler calls, exactly-once in effect.

For each polled batch the handlers' effects and a processed-event record per
event are written in one MongoDB transaction; offsets are committed only after
that transaction. A redelivered event finds its processed record and is skipped.
A record that cannot be an event of ours (not JSON, unknown type, invalid
payload) goes to the dead-letter topic at once; a handler that keeps failing
goes there after bounded retries. Nothing stops the loop but a stop request.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable, ContextManager, Iterable

from pymongo import MongoClient
from pymongo.client_session import ClientSession
from pymongo.database import Database
from pymongo.errors import ConnectionFailure, DuplicateKeyError

from .broker import APACHE_KAFKA, Broker
from .envelope import CloudEvent, parse_record_value
from .outbox import Causation, Outbox
from .registry import EventRegistry, InvalidEvent, UnknownEventType

log = logging.getLogger(__name__)

PROCESSED = "processed_events"
DEAD_LETTERS = "dead_letters"
RUNTIME_STATUS = "runtime_status"


@dataclass
class HandlerContext:
    """What a handler may touch: its service's database inside the batch's transaction."""

    db: Database
    session: object
    outbox: Outbox
    event: CloudEvent

    @property
    def cause(self) -> Causation:
        return Causation(correlation_id=self.event.correlationid, causation_id=self.event.id)


Handler = Callable[[CloudEvent, HandlerContext], None]


@dataclass
class BatchContext:
    """What a batch handler may touch: the batch's transaction, and the fresh events in the order received."""

    db: Database
    session: object
    outbox: Outbox
    events: list[CloudEvent]


# Optional: one call per batch with every fresh (not yet processed) event, instead of one handler call
# per event, so that a read model can be updated with a few bulk writes per batch.
BatchHandler = Callable[[list[CloudEvent], BatchContext], None]


@dataclass
class Record:
    """The parts of a Kafka record the runtime needs (kafka-python's ConsumerRecord fits)."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: list = field(default_factory=list)


class EventConsumer:
    def __init__(
        self,
        client: MongoClient,
        db: Database,
        registry: EventRegistry,
        handlers: dict[str, Handler],
        dead_letter: Callable[[object, str], None],
        max_retries: int = 3,
        retry_backoff_s: float = 0.2,
        batch_handler: BatchHandler | None = None,
        start_session: Callable[[], ContextManager[ClientSession]] | None = None,
        processed: str = PROCESSED,
    ):
        self.client = client
        # A second consumer of the same service (its own group) keeps its own records: the same event is
        # fresh for each of them.
        self.processed = processed
        # The worker passes its SessionLedger's (shared/session_ledger.py): a successor can end what a kill left open.
        self.start_session = start_session or client.start_session
        self.db = db
        self.registry = registry
        self.handlers = handlers
        self.dead_letter = dead_letter
        self.max_retries = max_retries
        self.retry_backoff_s = retry_backoff_s
        self.batch_handler = batch_handler  # when set, `handlers` only names the types to consume
        self.outbox = Outbox(db, registry)
        self.applied = 0
        self.skipped = 0

    # -- one batch --------------------------------------------------------
    def process(self, records: Iterable) -> None:
        """Store the effects of a batch of records. Returns once all are applied or dead-lettered."""
        events = []
        for record in records:
            event = self._decode(record)
            if event is not None:
                events.append((record, event))
        if not events:
            return
        try:
            self._in_transaction([e for _, e in events])
        except Exception as exc:  # noqa: BLE001 - isolate the culprit one event at a time
            log.warning("batch of %d failed (%s); retrying event by event", len(events), exc)
            for record, event in events:
                self._apply_with_retries(record, event)

    def _decode(self, record) -> CloudEvent | None:
        if record.value is None:
            self.skipped += 1  # a tombstone (compaction's delete marker), after the event that ended its key
            return None
        try:
            event = self.registry.validate(parse_record_value(record.value or b""))
        except (ValueError, UnknownEventType, InvalidEvent) as exc:
            detail = getattr(exc, "errors", None)
            self.dead_letter(record, f"{exc}{': ' + str(detail) if detail else ''}")
            return None
        if event.type not in self.handlers:
            self.skipped += 1  # a valid event this service does not care about
            return None
        return event

    def _apply_with_retries(self, record, event: CloudEvent) -> None:
        for attempt in range(1, self.max_retries + 1):
            try:
                self._in_transaction([event])
                return
            except ConnectionFailure:
                raise  # the database is away, not the event at fault: the loop re-reads from the last commit
            except Exception as exc:  # noqa: BLE001
                if attempt == self.max_retries:
                    log.error("event %s failed %d times, dead-lettering: %s", event.id, attempt, exc)
                    self.dead_letter(record, f"handler failed {attempt} times: {exc!r}")
                    return
                time.sleep(self.retry_backoff_s * 2 ** (attempt - 1))

    def _in_transaction(self, events: list[CloudEvent]) -> None:
        with self.start_session() as session:
            session.with_transaction(lambda s: self._apply(events, s))

    def _apply(self, events: list[CloudEvent], session) -> None:
        ids = [e.id for e in events]
        done = {d["_id"] for d in self.db[self.processed].find({"_id": {"$in": ids}}, {"_id": 1}, session=session)}
        now = datetime.now(timezone.utc)
        fresh, fresh_events = [], []
        for event in events:
            if event.id in done:
                continue
            done.add(event.id)  # the same event twice in one batch
            if self.batch_handler is None:
                self.handlers[event.type](event, HandlerContext(self.db, session, self.outbox, event))
            fresh_events.append(event)
            fresh.append({"_id": event.id, "type": event.type, "subject": event.subject, "processed_at": now})
        if self.batch_handler is not None and fresh_events:
            self.batch_handler(fresh_events, BatchContext(self.db, session, self.outbox, fresh_events))
        if fresh:
            self.db[self.processed].insert_many(fresh, session=session)
        self.applied += len(fresh)
        self.skipped += len(events) - len(fresh)


class KafkaDeadLetter:
    """Sends the original record, untouched, with the error in headers; also notes it in MongoDB."""

    def __init__(self, producer_factory: Callable[[], object], topic: str, db: Database, group: str):
        self.producer_factory = producer_factory
        self.topic = topic
        self.db = db
        self.group = group
        self._producer: Any = None
        self.count = 0

    def __call__(self, record, error: str) -> None:
        if self._producer is None:
            self._producer = self.producer_factory()
        headers = list(record.headers or []) + [
            ("tvp-dlq-error", error[:2000].encode("utf-8")),
            ("tvp-dlq-topic", record.topic.encode()),
            ("tvp-dlq-partition", str(record.partition).encode()),
            ("tvp-dlq-offset", str(record.offset).encode()),
            ("tvp-dlq-group", self.group.encode()),
        ]
        # Wait for the ack: the offset is committed after this, so the record must be safe first.
        self._producer.send(self.topic, key=record.key, value=record.value, headers=headers).get(timeout=15)
        try:
            self.db[DEAD_LETTERS].insert_one(
                {
                    "_id": f"{record.topic}:{record.partition}:{record.offset}",
                    "topic": record.topic,
                    "partition": record.partition,
                    "offset": record.offset,
                    "error": error[:2000],
                    "at": datetime.now(timezone.utc),
                }
            )
        except DuplicateKeyError:
            pass
        self.count += 1

    def close(self):
        if self._producer is not None:
            self._producer.close(timeout=2)


def run_consumer_loop(
    kafka_consumer,
    event_consumer: EventConsumer,
    db: Database,
    stop: threading.Event,
    lag_every_s: float = 5.0,
    broker: Broker = APACHE_KAFKA,
    lag_key: str = "consumer",
) -> None:
    """Poll, store, commit; on stop finish the batch, commit and leave the group."""
    last_lag = 0.0
    backoff = 0.5
    try:
        while not stop.is_set():
            batches = kafka_consumer.poll(timeout_ms=500)
            records = [r for tp in sorted(batches, key=lambda t: (t.topic, t.partition)) for r in batches[tp]]
            if records:
                try:
                    event_consumer.process(records)
                except ConnectionFailure as exc:
                    log.warning("database unavailable, re-reading from last commit in %.1fs: %s", backoff, exc)
                    stop.wait(backoff)
                    backoff = min(backoff * 2, 10.0)
                    _rewind_to_committed(kafka_consumer)
                    continue
                backoff = 0.5
                kafka_consumer.commit()
            if time.monotonic() - last_lag > lag_every_s:
                last_lag = time.monotonic()
                _record_lag(kafka_consumer, db, broker, lag_key)
    finally:
        try:
            kafka_consumer.close(autocommit=False)  # leaves the group at once
        except Exception as exc:  # noqa: BLE001
            log.warning("consumer close failed: %s", exc)


def _rewind_to_committed(kafka_consumer) -> None:
    for tp in kafka_consumer.assignment():
        committed = kafka_consumer.committed(tp)
        if committed is None:
            kafka_consumer.seek_to_beginning(tp)
        else:
            kafka_consumer.seek(tp, committed)


def _record_lag(kafka_consumer, db: Database, broker: Broker, lag_key: str = "consumer") -> None:
    try:
        assignment = kafka_consumer.assignment()
        if not assignment:
            return
        if broker.reliable_end_offsets:
            ends = kafka_consumer.end_offsets(list(assignment))
        else:
            # Tansu's ListOffsets answers a wrong end offset (docs/architecture.md): the high watermark of
            # the last fetch instead, and end_offsets() only for partitions not fetched yet.
            ends = {tp: kafka_consumer.highwater(tp) for tp in assignment}
            missing = [tp for tp, end in ends.items() if end is None]
            if missing:
                ends.update(kafka_consumer.end_offsets(missing))
        lag = sum(max(0, ends[tp] - kafka_consumer.position(tp)) for tp in assignment)
        db[RUNTIME_STATUS].update_one(
            {"_id": lag_key}, {"$set": {"lag": lag, "updated_at": datetime.now(timezone.utc)}}, upsert=True
        )
    except Exception as exc:  # noqa: BLE001 - lag is a metric, never a reason to stop
        log.debug("could not measure lag: %s", exc)
