"""Reporting worker: publishes the reporting outbox (report.submitted) and projects the members' and events' streams."""
from shared.contracts import REGISTRY
from shared.worker import WorkerSpec, main

from .adapters.documents import AGGREGATE_COLLECTIONS, ensure_indexes
from .entrypoints.projection_consumer import BATCH_HANDLER, HANDLERS, SUBSCRIPTIONS

SPEC = WorkerSpec(service="reporting", aggregates=AGGREGATE_COLLECTIONS, handlers=HANDLERS,
                  subscriptions=SUBSCRIPTIONS, registry=REGISTRY, setup=ensure_indexes, batch_handler=BATCH_HANDLER)

if __name__ == "__main__":
    main(SPEC)
