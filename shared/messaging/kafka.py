"""kafka-python clients configured the way every tvp process needs them.

Clients are created by these factories inside the process that uses them (never
before a gunicorn fork), and the settings that matter for correctness live here
once: idempotent acks=all producers, manual commits, earliest offsets.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer
from kafka import errors as kafka_errors
from kafka.admin import ConfigResource, ConfigResourceType, NewTopic
from kafka.errors import TopicAlreadyExistsError

from .broker import APACHE_KAFKA, Broker

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


# kafka-python doubles its wait between reconnection attempts up to 30 s (the Java client: 1 s). After a
# broker restart a worker then sat up to 20 s longer than the broker took to come back (the fault suite's
# broker kill, docs/operations.md). 1 s, as Java's client, bounds that wait; one attempt a second to a
# broker that is away costs nothing.
RECONNECT = {"reconnect_backoff_ms": 50, "reconnect_backoff_max_ms": 1000}


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
        **RECONNECT,
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
        # Both brokers answer a waiting fetch as soon as a record arrives (measured: 5-10 ms from send to poll
        # at 50, 200 or 500), so the wait bounds only the idle round trips: 5 a second per consumer, not 20.
        fetch_max_wait_ms=200,
        max_poll_records=500,
        request_timeout_ms=max(10000, session_timeout_ms + 2000),
        **RECONNECT,
    )
    config.update(overrides)
    consumer = KafkaConsumer(**config)
    if topics:
        consumer.subscribe(topics)
    return consumer


def make_admin(bootstrap: str, **overrides) -> KafkaAdminClient:
    config = dict(bootstrap_servers=_servers(bootstrap), request_timeout_ms=5000, **RECONNECT)
    config.update(overrides)
    return KafkaAdminClient(**config)


TOPICS_READY_TIMEOUT_MS = 60_000


def ensure_topics(
    bootstrap: str,
    topics: list[str],
    partitions: int = 3,
    replication_factor: int = 1,
    configs: Mapping[str, dict[str, str]] | None = None,
    broker: Broker = APACHE_KAFKA,
) -> list[str]:
    """Create the topics that do not exist yet, with `configs[topic]` where given; returns the ones created.
    Safe to call again. Topic configs are sent only to a broker that keeps them (not Tansu)."""
    configs = configs if configs is not None and broker.has_topic_configs else {}
    admin = make_admin(bootstrap)
    try:
        existing = set(admin.list_topics())
        missing = [t for t in topics if t not in existing]
        new = [NewTopic(t, partitions, replication_factor, topic_configs=dict(configs.get(t, {}))) for t in missing]
        if not new:
            return []
        if broker.creates_topics_in_batches:
            response = admin.create_topics(new, raise_errors=False)
            created = [t for t in missing if _created(response, t)]
            # The controller accepted them; the brokers' metadata follows a moment later. Wait until every
            # partition has a leader, so the next metadata request lists them (generously: a loaded machine
            # and a three-node cluster take seconds).
            admin.wait_for_topics(created, timeout_ms=TOPICS_READY_TIMEOUT_MS)
            return created
        created = []
        for topic in new:
            try:
                # Tansu: one topic per request, as a batch fails as a whole if any of it exists.
                admin.create_topics([topic])
                created.append(topic.name)
            except TopicAlreadyExistsError:
                pass
        return created
    finally:
        admin.close()


def _created(response, topic: str) -> bool:
    """Whether CreateTopics created `topic`; another process creating it first is fine, anything else raises."""
    for result in getattr(response, "topics", None) or response.get("topics", []):
        name, code, message = _topic_result(result)
        if name != topic:
            continue
        error = kafka_errors.for_code(code)
        if error is kafka_errors.NoError:
            return True
        if error is TopicAlreadyExistsError:
            return False
        raise error(f"{topic}: {message}")
    return False


def _topic_result(result) -> tuple[str, int, str | None]:
    if isinstance(result, dict):
        return result["name"], result["error_code"], result.get("error_message")
    return result.name, result.error_code, getattr(result, "error_message", None)


@dataclass(frozen=True)
class ConfigDifference:
    """A topic config that is not what the platform declares (`actual` None: the broker's default)."""

    topic: str
    key: str
    actual: str | None
    wanted: str


def describe_topic_configs(bootstrap: str, topics: list[str]) -> dict[str, dict[str, str | None]]:
    """{topic: {config: value}} of every config (defaults included) of the existing topics among `topics`."""
    admin = make_admin(bootstrap)
    try:
        existing = set(admin.list_topics())
        resources = [ConfigResource(ConfigResourceType.TOPIC, t) for t in topics if t in existing]
        if not resources:
            return {}
        return _config_values(admin.describe_configs(resources, config_filter="all"))
    finally:
        admin.close()


def topic_config_differences(bootstrap: str, configs: Mapping[str, dict[str, str]]) -> list[ConfigDifference]:
    """What the existing topics among `configs` have set differently from what is declared."""
    actual = describe_topic_configs(bootstrap, list(configs))
    return [
        ConfigDifference(topic, key, actual[topic].get(key), wanted)
        for topic in configs
        if topic in actual
        for key, wanted in configs[topic].items()
        if actual[topic].get(key) != wanted
    ]


def update_topic_configs(bootstrap: str, differences: list[ConfigDifference]) -> None:
    """Set the declared values (incrementally: other configs of the topic stay as they are)."""
    if not differences:
        return
    wanted: dict[str, dict[str, str]] = {}
    for difference in differences:
        wanted.setdefault(difference.topic, {})[difference.key] = difference.wanted
    admin = make_admin(bootstrap)
    try:
        admin.alter_configs([ConfigResource(ConfigResourceType.TOPIC, t, c) for t, c in wanted.items()])
    finally:
        admin.close()


def _config_values(described: dict) -> dict[str, dict[str, str | None]]:
    """{topic: {key: value}} from kafka-python 3's describe_configs answer,
    {"topic": {name: {key: {"value": ..., ...}}}}."""
    return {
        name: {key: entry.get("value") for key, entry in entries.items()}
        for name, entries in described.get("topic", {}).items()
    }


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
