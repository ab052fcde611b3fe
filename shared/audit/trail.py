"""The audit trail's store: the event log (every published event with its actor, written by the relay) and
the access log (who read whose data: access requests), both in the service's own database.

Reads merge the two collections newest first. Each collection is read up to the end of the asked page
(`limit(page * page_size)`, on indexes); the access log stays small, so a page costs about what one
collection's page costs. The event log's indexes serve the filters of GET /api/v1/audit.
"""

from __future__ import annotations

import uuid
from typing import Any

from pymongo.database import Database

from ..adapters.repository import MongoRepository, Page
from ..clock import utc_now
from ..messaging.envelope import utc_now_iso
from ..messaging.outbox import EVENT_LOG
from .query import NEWEST_FIRST, SHOWN_FIELDS, AuditQuery, audit_filter, entry_of, newest_first_key

ACCESS_LOG = "access_log"
AUDITED = (EVENT_LOG, ACCESS_LOG)
# Records of an access request: `tr.tvp.<service>.data_subject.access_requested.v1`, never published
# (no CloudEvent of that type exists; it names what happened in the audit trail's vocabulary).
ACCESS_REQUESTED = "tr.tvp.{service}.data_subject.access_requested.v1"

_INDEXES = [
    ([("event.time", -1), ("event.aggregateversion", -1), ("_id", -1)], "audit_newest"),
    ([("event.subject", 1), ("event.time", -1)], "audit_by_aggregate"),
    ([("actor.sub", 1), ("event.time", -1)], "audit_by_actor"),
    ([("event.type", 1), ("event.time", -1)], "audit_by_type"),
]


def ensure_audit_indexes(db: Database) -> None:
    for collection in AUDITED:
        for keys, name in _INDEXES:
            db[collection].create_index(keys, name=name)


class AuditTrail(MongoRepository):
    """Every unit of work hands it out as `uow.audit_trail` (shared/service_layer/unit_of_work.py)."""

    collection = EVENT_LOG
    noun = "audit record"

    def entries(self, query: AuditQuery) -> Page:
        filters = audit_filter(query)
        wanted = query.page * query.page_size
        total, records = 0, []
        for collection in AUDITED:
            total += self.db[collection].count_documents(filters, session=self.session)
            cursor = self.db[collection].find(filters, SHOWN_FIELDS, session=self.session)
            records += list(cursor.sort(NEWEST_FIRST).limit(wanted))
        records.sort(key=newest_first_key, reverse=True)
        shown = records[(query.page - 1) * query.page_size : wanted]
        return {"items": [entry_of(r) for r in shown], "total": total, "page": query.page, "page_size": query.page_size}

    def naming(self, aggregate: str, limit: int = 1000) -> list[dict]:
        """The newest `limit` entries whose aggregate is `aggregate` (e.g. person/<id>), newest first."""
        return self.entries(AuditQuery(aggregate=aggregate, page=1, page_size=limit))["items"]

    def record_access(self, service: str, person_id: str, actor: dict, correlation_id: str) -> dict:
        """Note that `actor` read what this service holds about `person_id` (an access request)."""
        record_id = str(uuid.uuid4())
        record: dict[str, Any] = {
            "_id": record_id,
            "topic": None,
            "event": {
                "id": record_id,
                "type": ACCESS_REQUESTED.format(service=service),
                "subject": f"person/{person_id}",
                "time": utc_now_iso(),
                "aggregateversion": None,
                "correlationid": correlation_id,
            },
            "actor": actor,
            "logged_at": utc_now(),
        }
        self.db[ACCESS_LOG].insert_one(record, session=self.session)
        return entry_of(record)
