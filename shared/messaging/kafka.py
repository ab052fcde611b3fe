"""kafka-python clients configured the way every tvp process needs them.

Clients are created by these factories inside the process that uses them (never
before a gunicorn fork), and the settings that matter for correctness live here
once: idempotent acks=all producers, manual commits, earliest offsets.
"""

from __future__ import annotations

import logging

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer
from kafka.admin import NewTopic
from kafka.errors import TopicAlreadyExistsError

log = logging.getLogger(__name__)

# kafka-python 3 warns "Task ... ran for 0.19s (>0.100s threshold)" whenever one step of its
# network loop takes longer than 0.1 s. On a shared or busy machine that is every few
# seconds in every process with a Kafka client (web, worker, tvp subscribe), and it calls
# for no action: our code does not run inside that loop. So it is demoted to DEBUG, where
# it still shows for whoever asks for kafka's debug output.
SLOW_TASK_LOGGER = "kafka.net.selector"
SLOW_TASK_MARK = " ran for "


class SlowTaskDemotion(logging.Filter):
    """Turns kafka-python's slow-task warnings into DEBUG records (see SLOW_TASK_LOGGER)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno == logging.WARNING and SLOW_TASK_MARK in record.getMessage():
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"
            return logging.getLogger(record.name).isEnabledFor(logging.DEBUG)
        return True


def _demote_slow_task_warnings() -> None:
    selector = logging.getLogger(SLOW_TASK_LOGGER)
    if not any(isinstance(f, SlowTaskDemotion) for f in selector.filters):
        selector.addFilter(SlowTaskDemotion())


# Every tvp process makes its Kafka clients through this module, so importing it is enough.
_demote_slow_task_warnings()


def _servers(bootstrap: str) -> list[str]:
    return [s.strip() for s in bootstrap.split(",") if s.strip()]


def make_producer(bootstrap: str, **overrides) -> KafkaProducer:
    config = dict(
        bootstrap_servers=_servers(bootstrap),
        acks="all",
        enable_idempotence=True,
        # One request in flight keeps each aggregate's events in order even when a send is retried.
        max_in_flight_requests_per_connection=1,
        linger_ms=2,
        # Fail fast while the broker is away: the relay backs off and retries from the outbox.
        max_block_ms=5000,
        request_timeout_ms=5000,
        delivery_timeout_ms=10000,
        retry_backoff_ms=200,
    )
    config.update(overrides)
    return KafkaProducer(**config)


def make_consumer(
    bootstrap: str, group_id: str | None, topics: list[str], session_timeout_ms: int = 6000, **overrides
) -> KafkaConsumer:
    config = dict(
        bootstrap_servers=_servers(bootstrap),
        group_id=group_id,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        session_timeout_ms=session_timeout_ms,
        heartbeat_interval_ms=max(500, session_timeout_ms // 6),
        fetch_max_wait_ms=50,
        max_poll_records=500,
        request_timeout_ms=max(10000, session_timeout_ms + 2000),
    )
    config.update(overrides)
    consumer = KafkaConsumer(**config)
    if topics:
        consumer.subscribe(topics)
    return consumer


def make_admin(bootstrap: str, **overrides) -> KafkaAdminClient:
    config = dict(bootstrap_servers=_servers(bootstrap), request_timeout_ms=5000)
    config.update(overrides)
    return KafkaAdminClient(**config)


def ensure_topics(bootstrap: str, topics: list[str], partitions: int = 3, replication_factor: int = 1) -> list[str]:
    """Create the topics that do not exist yet; returns the ones created. Safe to call again."""
    admin = make_admin(bootstrap)
    try:
        existing = set(admin.list_topics())
        created = []
        for topic in topics:
            if topic in existing:
                continue
            try:
                # One topic per request: a batch fails as a whole if any of it exists.
                admin.create_topics([NewTopic(topic, partitions, replication_factor)])
                created.append(topic)
            except TopicAlreadyExistsError:
                pass
        return created
    finally:
        admin.close()


def broker_reachable(bootstrap: str, timeout_ms: int = 2000) -> tuple[bool, str]:
    admin = None
    try:
        admin = make_admin(bootstrap, request_timeout_ms=timeout_ms, bootstrap_timeout_ms=timeout_ms)
        admin.list_topics()
        return True, "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready"
        # The address and the client's words go to the log; /readyz only says "unreachable".
        log.warning("Kafka at %s unreachable: %s: %s", bootstrap, exc.__class__.__name__, str(exc)[:300])
        return False, "unreachable"
    finally:
        if admin is not None:
            admin.close()
