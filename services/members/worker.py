"""Members worker: publishes the members' outbox. It subscribes to nothing (members is upstream).

Its relay also scrubs the event log of erased people: an erasure racing with a
publication could otherwise leave a logged copy of a person event with the
personal data in it.
"""
from shared.config import load_settings
from shared.contracts import REGISTRY
from shared.logs import configure_logging
from shared.messaging.relay import OutboxRelay
from shared.worker import Worker, WorkerSpec

from .adapters.documents import AGGREGATE_COLLECTIONS, ensure_indexes
from .service_layer.people import COLLECTION as PEOPLE, scrub_event_log

SPEC = WorkerSpec(service="members", aggregates=AGGREGATE_COLLECTIONS, handlers={}, subscriptions=[],
                  registry=REGISTRY, setup=ensure_indexes)


class ErasureAwareRelay(OutboxRelay):
    def _record_published(self, batch) -> None:
        super()._record_published(batch)
        person_ids = [aggregate_id for collection, aggregate_id, _ in batch if collection == PEOPLE]
        if person_ids:
            erased = [p["_id"] for p in self.db[PEOPLE].find({"_id": {"$in": person_ids}, "status": "erased"},
                                                             {"_id": 1})]
            if erased:
                scrub_event_log(self.db, erased)


def build_worker(settings=None) -> Worker:
    worker = Worker(SPEC, settings)
    relay = worker.relay
    worker.relay = ErasureAwareRelay(relay.db, relay.collections, relay.registry, relay.producer_factory,
                                     batch_size=relay.batch_size)
    return worker


def main() -> None:
    settings = load_settings(SPEC.service)
    configure_logging(SPEC.service, settings.log_level)
    worker = build_worker(settings)
    worker.install_signal_handlers()
    worker.run()


if __name__ == "__main__":
    main()
