"""Events worker: publishes the events outbox, consumes the streams it builds views from and runs the
retention policy on schedule."""
from shared.contracts import REGISTRY
from shared.retention.schedule import retention_schedule
from shared.worker import WorkerSpec, main

from .adapters.documents import AGGREGATE_COLLECTIONS, ensure_indexes
from .bootstrap import bus
from .service_layer.retention import RETENTION_PRINCIPAL

SPEC = WorkerSpec(service="events", aggregates=AGGREGATE_COLLECTIONS, registry=REGISTRY, bus=bus, setup=ensure_indexes,
                  scheduled=[retention_schedule(RETENTION_PRINCIPAL)])

if __name__ == "__main__":
    main(SPEC)
