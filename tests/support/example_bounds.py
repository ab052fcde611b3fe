"""Run a document's consumer example until it has read the events a test published, not for its idle timeout.

The examples of README.md and docs/streams.md end after 10 s without news, as a reader of the documents
wants; a test that knows how many events are on the topic need not wait those 10 s. `bounded(code, events)`
puts a prelude before the example's own code: once the consumer has read `events` distinct events (by
CloudEvent id) it waits GRACE_S more for anything further (a stray extra event still reaches the output and
fails the test's count), then ends as the example ends after its idle timeout. The example's code is run
unchanged.
"""
from __future__ import annotations

GRACE_S = 0.5

_PRELUDE = '''
import json as _json


def _event_id(value):
    try:
        return _json.loads(value)["id"]
    except (ValueError, TypeError, KeyError):
        return value


try:
    import kafka as _kafka
except ImportError:
    _kafka = None
if _kafka is not None:
    class _BoundedKafkaConsumer(_kafka.KafkaConsumer):
        def __next__(self):
            ids = self.__dict__.setdefault("_test_ids", set())
            if len(ids) >= {events}:
                self.config["consumer_timeout_ms"] = {grace_ms}   # kafka-python's idle timeout, per record
            record = super().__next__()
            ids.add(_event_id(record.value))
            return record
    _kafka.KafkaConsumer = _BoundedKafkaConsumer

try:
    import confluent_kafka as _rdkafka
except ImportError:
    _rdkafka = None
if _rdkafka is not None:
    class _BoundedRdConsumer(_rdkafka.Consumer):
        def poll(self, timeout=-1):
            ids = self.__dict__.setdefault("_test_ids", set())
            if len(ids) >= {events}:
                timeout = {grace_s} / 10   # the example stops after 10 empty polls
            record = super().poll(timeout)
            if record is not None and not record.error():
                ids.add(_event_id(record.value()))
            return record
    _rdkafka.Consumer = _BoundedRdConsumer
'''


def bounded(code: str, events: int) -> str:
    """The example's code, ending GRACE_S after it has read `events` distinct events."""
    return _PRELUDE.format(events=events, grace_ms=int(GRACE_S * 1000), grace_s=GRACE_S) + "\n" + code
