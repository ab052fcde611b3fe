"""Publishing a test's outboxes the way a worker's relay does: to the test broker, then into the event log."""
from __future__ import annotations

from shared.contracts import REGISTRY
from shared.messaging.kafka import make_producer
from shared.messaging.relay import OutboxRelay


def relay_all(db, collections: list[str], bootstrap: str, after_publish=None) -> int:
    """Publish every pending outbox event (acks from the real broker); the number published."""
    relay = OutboxRelay(db, collections, REGISTRY, lambda: make_producer(bootstrap), after_publish=after_publish)
    published = 0
    try:
        while count := relay.publish_pending():
            published += count
    finally:
        relay.close()
    return published
