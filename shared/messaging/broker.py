"""Which Kafka implementation the platform talks to, and the few things that differ between them.

Production runs Apache Kafka. Tansu (the in-memory broker `tvp up` falls back to on machines
without Java) forgets every message when it stops, answers ListOffsets wrongly and refuses a
batch of topics when one of them exists. The code that must work around that asks a `Broker`
built from the setting (`TVP_BROKER`), never guesses from the broker's behaviour.
"""

from __future__ import annotations

from dataclasses import dataclass

KAFKA = "kafka"
TANSU = "tansu"
KINDS = (KAFKA, TANSU)


@dataclass(frozen=True)
class Broker:
    kind: str = KAFKA

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown broker {self.kind!r}: choose one of {', '.join(KINDS)}")

    @property
    def keeps_messages(self) -> bool:
        """A restart keeps topics and messages (Tansu recreates its topics empty)."""
        return self.kind == KAFKA

    @property
    def reliable_end_offsets(self) -> bool:
        """ListOffsets (kafka-python's `end_offsets`) answers the true log end (Tansu's answer is wrong)."""
        return self.kind == KAFKA

    @property
    def creates_topics_in_batches(self) -> bool:
        """CreateTopics answers per topic (Tansu fails the whole batch if one topic exists)."""
        return self.kind == KAFKA

    @property
    def has_topic_configs(self) -> bool:
        """DescribeConfigs/IncrementalAlterConfigs work on topics (Tansu ignores retention and compaction)."""
        return self.kind == KAFKA


APACHE_KAFKA = Broker(KAFKA)  # production's broker: the default wherever a broker is not named
