"""Events worker: publishes the events outbox and consumes the streams it builds views from."""
from shared.contracts import REGISTRY
from shared.worker import WorkerSpec, main

from .adapters.documents import AGGREGATE_COLLECTIONS, ensure_indexes
from .bootstrap import consumer_handlers, subscriptions

SPEC = WorkerSpec(service="events", aggregates=AGGREGATE_COLLECTIONS, handlers=consumer_handlers(),
                  subscriptions=subscriptions(), registry=REGISTRY, setup=ensure_indexes)

if __name__ == "__main__":
    main(SPEC)
