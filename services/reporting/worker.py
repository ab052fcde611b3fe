"""Reporting worker: publishes the reporting outbox and consumes the streams it builds views from."""
from shared.contracts import REGISTRY
from shared.worker import WorkerSpec, main

from .adapters.documents import AGGREGATE_COLLECTIONS, ensure_indexes
from .entrypoints.membership_consumer import HANDLERS, SUBSCRIPTIONS

SPEC = WorkerSpec(service="reporting", aggregates=AGGREGATE_COLLECTIONS, handlers=HANDLERS,
                  subscriptions=SUBSCRIPTIONS, registry=REGISTRY, setup=ensure_indexes)

if __name__ == "__main__":
    main(SPEC)
