"""The subscriber's lag is only shown in its live count: a broker that is away never stops the subscriber."""
from kafka.errors import KafkaConnectionError
from kafka.structs import TopicPartition

from infra.subscribe import Subscriber

TP0, TP1 = TopicPartition("tvp.public.meetings.v1", 0), TopicPartition("tvp.public.meetings.v1", 1)


class _Consumer:
    def __init__(self, highwater, positions):
        self._highwater, self._positions = highwater, positions

    def highwater(self, tp):
        return self._highwater.get(tp)

    def position(self, tp):
        position = self._positions[tp]
        if isinstance(position, Exception):
            raise position
        return position


def _subscriber():
    return Subscriber("tvp.public.meetings.v1", "127.0.0.1:1", "g")


def test_lag_sums_what_is_known():
    consumer = _Consumer({TP0: 10, TP1: None}, {TP0: 4, TP1: 0})
    assert _subscriber().lag(consumer, [TP0, TP1]) == 6


def test_lag_is_unknown_while_the_broker_is_away():
    consumer = _Consumer({TP0: 10}, {TP0: KafkaConnectionError("broker restarting")})
    assert _subscriber().lag(consumer, [TP0]) is None
