"""Events worker: publishes the events outbox and consumes the streams it builds views from."""
from shared.contracts import REGISTRY
from shared.worker import WorkerSpec, main

from .adapters.documents import AGGREGATE_COLLECTIONS, ensure_indexes
from .bootstrap import bus

SPEC = WorkerSpec(service="events", aggregates=AGGREGATE_COLLECTIONS, registry=REGISTRY, bus=bus, setup=ensure_indexes)

if __name__ == "__main__":
    main(SPEC)
