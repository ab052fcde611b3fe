"""Members worker: publishes the members' outbox. It subscribes to nothing (members is upstream).

After each published batch it scrubs the event log of erased people: an erasure
racing with a publication could otherwise leave a logged copy of a person event
with the personal data in it.
"""
from shared.contracts import REGISTRY
from shared.worker import WorkerSpec, main

from .adapters.documents import AGGREGATE_COLLECTIONS, ensure_indexes
from .service_layer.people import COLLECTION as PEOPLE
from .service_layer.people import scrub_event_log


def scrub_erased_people(db, batch) -> None:
    person_ids = [aggregate_id for collection, aggregate_id, _ in batch if collection == PEOPLE]
    if person_ids:
        erased = [p["_id"] for p in db[PEOPLE].find({"_id": {"$in": person_ids}, "status": "erased"}, {"_id": 1})]
        if erased:
            scrub_event_log(db, erased)


SPEC = WorkerSpec(service="members", aggregates=AGGREGATE_COLLECTIONS, handlers={}, subscriptions=[],
                  registry=REGISTRY, setup=ensure_indexes, after_publish=scrub_erased_people)

if __name__ == "__main__":
    main(SPEC)
