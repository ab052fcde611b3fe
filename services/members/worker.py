"""Members worker: publishes the members' outbox. It subscribes to nothing (members is upstream)."""
from shared.contracts import REGISTRY
from shared.worker import WorkerSpec, main

from .adapters.documents import AGGREGATE_COLLECTIONS, ensure_indexes

SPEC = WorkerSpec(service="members", aggregates=AGGREGATE_COLLECTIONS, handlers={}, subscriptions=[],
                  registry=REGISTRY, setup=ensure_indexes)

if __name__ == "__main__":
    main(SPEC)
