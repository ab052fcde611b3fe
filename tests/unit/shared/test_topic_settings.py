"""The settings every topic is created with (shared/contracts/topics.py), checked without a broker."""
from shared.contracts import REGISTRY, topics
from shared.contracts.members import PEOPLE, PERSON_ERASED
from shared.messaging.broker import KAFKA, TANSU, Broker

DAY_MS = 86_400_000


def test_every_topic_has_settings_and_the_internal_log_is_kept_forever():
    assert [t.name for t in topics.ALL_SETTINGS] == topics.ALL
    for topic in topics.INTERNAL:
        assert topics.settings_of(topic).configs()["retention.ms"] == "-1", topic


def test_public_views_age_out_after_30_days_and_dead_letters_after_14():
    for topic in topics.PUBLIC:
        assert topics.settings_of(topic).configs() == {"cleanup.policy": "delete", "retention.ms": str(30 * DAY_MS)}
    for topic in topics.DEAD_LETTER:
        assert topics.settings_of(topic).configs() == {"cleanup.policy": "delete", "retention.ms": str(14 * DAY_MS)}


def test_the_person_topic_is_compacted_within_a_bounded_window():
    configs = topics.settings_of(PEOPLE).configs()
    assert configs["cleanup.policy"] == "compact"
    assert configs["retention.ms"] == "-1"
    # A record is never compacted before a day has passed, always within a week; segments roll daily.
    assert int(configs["min.compaction.lag.ms"]) == DAY_MS
    assert int(configs["max.compaction.lag.ms"]) == 7 * DAY_MS
    assert int(configs["segment.ms"]) <= int(configs["max.compaction.lag.ms"])
    assert int(configs["delete.retention.ms"]) == DAY_MS
    assert [t.name for t in topics.ALL_SETTINGS if t.compacted] == [PEOPLE]


def test_only_the_erasure_ends_a_key_with_a_tombstone():
    assert [spec.type for spec in REGISTRY if spec.tombstone] == [PERSON_ERASED]
    assert all(topics.settings_of(spec.topic).compacted for spec in REGISTRY if spec.tombstone)


def test_tansu_workarounds_are_asked_for_by_name():
    kafka, tansu = Broker(KAFKA), Broker(TANSU)
    assert kafka.keeps_messages and kafka.reliable_end_offsets and kafka.creates_topics_in_batches
    assert kafka.has_topic_configs
    assert not (tansu.keeps_messages or tansu.reliable_end_offsets or tansu.creates_topics_in_batches
                or tansu.has_topic_configs)
