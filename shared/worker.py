"""A service's worker process: the outbox relay and the Kafka consumer, side by side.

SIGTERM or SIGINT asks both to stop: the consumer finishes its batch, commits
and leaves its group; the relay finishes its pass and releases its lease.

Any number of workers of a service may run (`tvp up --workers N`, compose's
`--scale`): their consumers share the partitions through their group, and the
relay publishes only in the worker that holds the service's relay lease
(shared/messaging/lease.py).
"""

from __future__ import annotations

import logging
import signal
import threading
from dataclasses import dataclass, field
from typing import Any, Callable

from .auth import Principal
from .config import Settings, load_settings
from .db import connect
from .ids import new_id
from .logs import configure_logging
from .messaging.consumer import PROCESSED, EventConsumer, KafkaDeadLetter, run_consumer_loop
from .messaging.kafka import make_consumer, make_producer
from .messaging.lease import RelayLease
from .messaging.outbox import Causation, Outbox, ensure_outbox_indexes
from .messaging.registry import EventRegistry
from .messaging.relay import OutboxRelay
from .service_layer.messagebus import MessageBus
from .session_ledger import SessionLedger, worker_owner

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Scheduled:
    """A command the worker hands to its bus every `every_s` seconds (the first time `every_s` after start).

    The command decides itself whether there is work (e.g. retention runs only when its last run, stored
    in MongoDB, is older than its interval), so a restarted worker neither skips nor repeats a run."""

    name: str
    command: Callable[[], Any]
    principal: Principal
    every_s: float = 3600.0


@dataclass(frozen=True)
class SideConsumer:
    """A further consumer in the worker, beside the service's main one: its own consumer group
    (`<group>.<name>`), its own processed-event records (`processed_events_<name>`), so it sees every event
    of its subscriptions whatever the main consumer did with them, and its own bus (`bus(client, db, outbox)`),
    whose event table names what it consumes."""

    name: str
    bus: Callable[..., MessageBus]


# A background loop of the worker: `loop(client, db, settings)` returns what runs in its own thread until the
# stop event is set (`run(stop)`); e.g. the events service's mail sender.
Loop = Callable[[Any, Any, Settings], Callable[[threading.Event], None]]


@dataclass
class WorkerSpec:
    """What a service's worker consists of."""

    service: str
    aggregates: list[str]
    registry: EventRegistry
    # The service's bootstrap: `bus(client, db, outbox)` builds its MessageBus on the worker's own
    # connection; the consumer's handlers, batch handler and subscriptions are the bus's tables.
    bus: Callable[..., MessageBus]
    setup: Callable | None = None
    after_publish: Callable | None = None  # see OutboxRelay
    scheduled: list[Scheduled] = field(default_factory=list)
    side_consumers: list[SideConsumer] = field(default_factory=list)
    loops: dict[str, Loop] = field(default_factory=dict)


def run_every(task: Scheduled, bus: MessageBus, stop: threading.Event) -> None:
    """Hand `task`'s command to the bus every `task.every_s` until `stop`, the first time one period after start
    (a worker restarting in a loop must not run a heavy task at each start; the task keeps its own last run)."""
    while not stop.wait(task.every_s):
        try:
            result = bus.handle(task.command(), task.principal, Causation(new_id()))
            if result is not None:
                log.info("%s ran: %s", task.name, result)
        except Exception as exc:  # noqa: BLE001 - a failed pass is tried again at the next one
            log.warning("%s failed (%s); next try in %.0fs", task.name, exc, task.every_s)


class Worker:
    def __init__(self, spec: WorkerSpec, settings: Settings | None = None):
        self.spec = spec
        self.settings = settings or load_settings(spec.service)
        self.stop = threading.Event()
        self.client, self.db = connect(self.settings)
        # Before anything else writes: what a killed predecessor left open would block the same documents for 60 s.
        owner = worker_owner(spec.service, self.settings.worker_slot)
        self.sessions = SessionLedger(self.client, self.db, owner)
        self.sessions.end_predecessors()
        ensure_outbox_indexes(self.db, spec.aggregates)
        if spec.setup:
            spec.setup(self.db)
        producer = lambda: make_producer(self.settings.kafka_bootstrap)  # noqa: E731
        # Any number of workers may run: the relay publishes only while it holds the service's lease.
        self.lease = RelayLease(
            self.db,
            spec.service,
            ttl_s=self.settings.relay_lease_ttl_s,
            owner=owner,
            end_sessions=lambda silent: SessionLedger(self.client, self.db, silent).end_predecessors(),
        )
        # The producer keeps make_producer's timeouts (request 5 s, delivery 10 s): with ones below the lease's
        # margin (2.4 s) the fault suite healed in 20-30 s under load instead of 3-4; what a late record of a
        # stale holder can do is in docs/reliability.md ("The relay lease").
        self.relay = OutboxRelay(
            self.db,
            spec.aggregates,
            spec.registry,
            producer,
            batch_size=self.settings.relay_batch_size,
            after_publish=spec.after_publish,
            start_session=self.sessions.start_session,
            lease=self.lease,
        )
        self.dead_letter = KafkaDeadLetter(
            producer, self.settings.dead_letter_topic, self.db, self.settings.consumer_group
        )
        self.bus = spec.bus(self.client, self.db, Outbox(self.db, spec.registry))
        self.subscriptions = self.bus.subscriptions(spec.registry)
        handlers, batch_handler = self.bus.event_handlers(), self.bus.batch_handler()
        self.consumer = EventConsumer(
            self.client,
            self.db,
            spec.registry,
            handlers,
            self.dead_letter,
            max_retries=self.settings.consumer_max_retries,
            batch_handler=batch_handler,
            start_session=self.sessions.start_session,
        )
        self.side_consumers = [self._side_consumer(side) for side in spec.side_consumers]
        self.loops = {name: loop(self.client, self.db, self.settings) for name, loop in spec.loops.items()}

    def _side_consumer(self, side: SideConsumer) -> tuple[str, str, list[str], EventConsumer]:
        bus = side.bus(self.client, self.db, Outbox(self.db, self.spec.registry))
        consumer = EventConsumer(
            self.client,
            self.db,
            self.spec.registry,
            bus.event_handlers(),
            self.dead_letter,
            max_retries=self.settings.consumer_max_retries,
            start_session=self.sessions.start_session,
            processed=f"{PROCESSED}_{side.name}",
        )
        return side.name, f"{self.settings.consumer_group}.{side.name}", bus.subscriptions(self.spec.registry), consumer

    def _consume(
        self,
        name: str = "consumer",
        group: str | None = None,
        subscriptions: list[str] | None = None,
        consumer: EventConsumer | None = None,
    ) -> None:
        subscriptions = self.subscriptions if subscriptions is None else subscriptions
        if not subscriptions:
            return
        while not self.stop.is_set():
            try:
                kafka_consumer = make_consumer(
                    self.settings.kafka_bootstrap,
                    group or self.settings.consumer_group,
                    subscriptions,
                    self.settings.kafka_session_timeout_ms,
                )
                run_consumer_loop(
                    kafka_consumer,
                    consumer or self.consumer,
                    self.db,
                    self.stop,
                    broker=self.settings.broker,
                    lag_key=name,
                )
            except Exception as exc:  # noqa: BLE001 - broker away at start or mid-run: try again
                log.warning("%s stopped (%s); reconnecting in 2s", name, exc)
                self.stop.wait(2.0)

    def run(self) -> None:
        threads = [
            threading.Thread(target=self.relay.run, args=(self.stop,), name="relay"),
            threading.Thread(target=self._consume, name="consumer"),
            *(threading.Thread(target=self._consume, args=side, name=side[0]) for side in self.side_consumers),
            *(threading.Thread(target=run, args=(self.stop,), name=name) for name, run in self.loops.items()),
            *(
                threading.Thread(target=run_every, args=(task, self.bus, self.stop), name=task.name)
                for task in self.spec.scheduled
            ),
        ]
        for thread in threads:
            thread.start()
        log.info(
            "worker running: relay for %s (while it holds the lease), consumer of %s (slot %d)",
            self.spec.aggregates,
            self.subscriptions,
            self.settings.worker_slot,
        )
        while any(t.is_alive() for t in threads):
            for thread in threads:
                thread.join(timeout=0.5)
        self.dead_letter.close()
        log.info("worker stopped")

    def install_signal_handlers(self) -> None:
        def _stop(signum, _frame):
            log.info("signal %s: finishing the current batch and stopping", signum)
            self.stop.set()

        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)


def main(spec: WorkerSpec) -> None:
    settings = load_settings(spec.service)
    configure_logging(spec.service, settings.log_level)
    worker = Worker(spec, settings)
    worker.install_signal_handlers()
    worker.run()
