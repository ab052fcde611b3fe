"""Events worker: publishes the events outbox, consumes the streams it builds views from, runs the
retention policy on schedule, and sends meeting mails: the notifications consumer (its own group) owes them,
the mail sender loop sends them (service_layer/notifications.py, mail_sender.py)."""
from shared.contracts import REGISTRY
from shared.retention.schedule import retention_schedule
from shared.worker import SideConsumer, WorkerSpec, main

from .adapters.documents import AGGREGATE_COLLECTIONS, ensure_indexes
from .bootstrap import bus, mail_sender, notifications_bus
from .service_layer.retention import RETENTION_PRINCIPAL

SPEC = WorkerSpec(service="events", aggregates=AGGREGATE_COLLECTIONS, registry=REGISTRY, bus=bus, setup=ensure_indexes,
                  scheduled=[retention_schedule(RETENTION_PRINCIPAL)],
                  side_consumers=[SideConsumer("notifications", notifications_bus)],
                  loops={"mail-sender": lambda client, db, settings: mail_sender(client, db, settings).run})

if __name__ == "__main__":
    main(SPEC)
