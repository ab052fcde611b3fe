"""Members worker: publishes the members' outbox and runs the retention policy on schedule.
It subscribes to nothing (members is upstream).

After each published batch it scrubs the event log of erased people: an erasure
racing with a publication could otherwise leave a logged copy of a person event
with the personal data in it.
"""
from shared.contracts import REGISTRY
from shared.retention.schedule import retention_schedule
from shared.worker import WorkerSpec, main

from . import bootstrap
from .adapters.documents import AGGREGATE_COLLECTIONS, ensure_indexes
from .adapters.repositories import People
from .service_layer.people import scrub_erased_from_event_log
from .service_layer.retention import RETENTION_PRINCIPAL


def scrub_erased_people(db, batch) -> None:
    person_ids = [aggregate_id for collection, aggregate_id, _ in batch if collection == People.collection]
    if person_ids:
        scrub_erased_from_event_log(bootstrap.unit_of_work(db), person_ids)


SPEC = WorkerSpec(service="members", aggregates=AGGREGATE_COLLECTIONS, registry=REGISTRY, bus=bootstrap.bus,
                  setup=ensure_indexes, after_publish=scrub_erased_people,
                  scheduled=[retention_schedule(RETENTION_PRINCIPAL)])

if __name__ == "__main__":
    main(SPEC)
