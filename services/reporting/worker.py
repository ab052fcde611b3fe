"""Reporting worker: publishes the reporting outbox (report.submitted) and projects the members' and events' streams.

Its handlers, batch handler and subscriptions come from the message bus (bootstrap.py), built on the
worker's own connection."""
from shared.contracts import REGISTRY
from shared.worker import WorkerSpec, main

from .adapters.documents import AGGREGATE_COLLECTIONS, ensure_indexes
from .bootstrap import bus

SPEC = WorkerSpec(service="reporting", aggregates=AGGREGATE_COLLECTIONS, registry=REGISTRY, bus=bus,
                  setup=ensure_indexes)

if __name__ == "__main__":
    main(SPEC)
