"""Every topic, derived from the event registry: the topics its types travel on, and a dead-letter topic
per service. Nothing here is listed by hand, so a type declared on a new topic brings its topic along.

Each topic also carries the settings production needs (`TopicSettings`, below): the internal topics are
the services' integration log and keep everything; public views and dead letters age out; the person
topic is compacted so that an erasure's tombstone removes the person from Kafka (docs/kafka.md).
"""

from dataclasses import dataclass

from shared.messaging.registry import EventRegistry
from shared.messaging.topics import dead_letter_topic

from .catalogue import REGISTRY
from .members import PEOPLE

PUBLIC_PREFIX = "tvp.public."

DAY_MS = 24 * 60 * 60 * 1000
FOREVER = -1
PUBLIC_RETENTION_MS = 30 * DAY_MS  # other chambers read the views live; a month covers a long outage
DEAD_LETTER_RETENTION_MS = 14 * DAY_MS  # long enough to notice, look and `tvp replay`; MongoDB keeps a note too
# The person topic's compaction window (docs/kafka.md, "Erasure on Kafka"):
# - records stay uncompacted for a day, so a consumer less than a day behind sees every event, `erased` included;
# - a segment rolls daily (the active segment is never compacted) and any record is compacted within a week,
#   so an erased person's records are gone from Kafka at most ~8 days after the tombstone;
# - the tombstone itself stays a day after compaction, for consumers that were behind.
PEOPLE_MIN_COMPACTION_LAG_MS = DAY_MS
PEOPLE_MAX_COMPACTION_LAG_MS = 7 * DAY_MS
PEOPLE_SEGMENT_MS = DAY_MS
PEOPLE_DELETE_RETENTION_MS = DAY_MS


@dataclass(frozen=True)
class TopicSettings:
    """One topic as `tvp topics create` makes it; `configs` are Kafka's topic-level configs."""

    name: str
    retention_ms: int
    compacted: bool = False

    def configs(self) -> dict[str, str]:
        if self.compacted:
            return {
                "cleanup.policy": "compact",
                "retention.ms": str(FOREVER),
                "min.compaction.lag.ms": str(PEOPLE_MIN_COMPACTION_LAG_MS),
                "max.compaction.lag.ms": str(PEOPLE_MAX_COMPACTION_LAG_MS),
                "segment.ms": str(PEOPLE_SEGMENT_MS),
                "delete.retention.ms": str(PEOPLE_DELETE_RETENTION_MS),
            }
        return {"cleanup.policy": "delete", "retention.ms": str(self.retention_ms)}


def declared(registry: EventRegistry) -> tuple[list[str], list[str], list[str]]:
    """(internal, public, dead-letter) topics of `registry`, in declaration order."""
    topics = list(dict.fromkeys(spec.topic for spec in registry))
    services = dict.fromkeys(spec.source.rsplit("/", 1)[-1] for spec in registry)
    return (
        [t for t in topics if not t.startswith(PUBLIC_PREFIX)],
        [t for t in topics if t.startswith(PUBLIC_PREFIX)],
        [dead_letter_topic(service) for service in services],
    )


INTERNAL, PUBLIC, DEAD_LETTER = declared(REGISTRY)
SERVICES = list(dict.fromkeys(spec.source.rsplit("/", 1)[-1] for spec in REGISTRY))
ALL = INTERNAL + PUBLIC + DEAD_LETTER
# Topics whose records are keyed state rather than history: an event that ends its aggregate is followed by
# a tombstone (shared.messaging.registry.EventSpec.tombstone), and compaction keeps the last record per key.
COMPACTED = frozenset({PEOPLE})


def settings_of(topic: str) -> TopicSettings:
    if topic in COMPACTED:
        return TopicSettings(topic, FOREVER, compacted=True)
    if topic in PUBLIC:
        return TopicSettings(topic, PUBLIC_RETENTION_MS)
    if topic in DEAD_LETTER:
        return TopicSettings(topic, DEAD_LETTER_RETENTION_MS)
    return TopicSettings(topic, FOREVER)  # the integration log: consumers rebuild from it


ALL_SETTINGS = [settings_of(topic) for topic in ALL]
