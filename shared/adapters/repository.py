"""The base of every per-aggregate repository: the only code that talks to MongoDB.

A service's repository (its `adapters/repositories.py`) names its collection and
adds the queries its use cases need; reads and writes go through the session of
the unit of work that made it, so a change spanning aggregates is one transaction.
State changes go through `add`/`save`, which write the events announcing them in
the same single-document write (the transactional outbox, shared/messaging/outbox.py).
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Callable, ClassVar, Iterator

from pymongo.collection import Collection
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from ..errors import DuplicateKey, NotFound
from ..messaging.envelope import CloudEvent
from ..messaging.outbox import Causation, Outbox

Events = list[tuple[str, dict]]
Page = dict  # {"items", "total", "page", "page_size"}: what every list endpoint answers


def page_of(
    collection: Collection,
    filters: dict,
    projection: dict | None,
    sort: list[tuple[str, int]],
    page: int,
    page_size: int,
    session: Any = None,
) -> Page:
    """One page of a list, sorted, with the total (items still to be shaped by the caller)."""
    total = collection.count_documents(filters, session=session)
    cursor = collection.find(filters, projection, session=session).sort(sort)
    items = list(cursor.skip((page - 1) * page_size).limit(page_size))
    return {"items": items, "total": total, "page": page, "page_size": page_size}


@contextmanager
def duplicate_keys() -> Iterator[None]:
    """The driver's duplicate-key error as the shared DuplicateKey, naming the index it broke."""
    try:
        yield
    except DuplicateKeyError as exc:
        raise DuplicateKey(str((exc.details or {}).get("errmsg") or exc)) from exc


class MongoRepository:
    """One collection of the service's database, seen through the unit of work's session."""

    collection: ClassVar[str]
    # Internal bookkeeping never shown by the API (the outbox, folded names …).
    hidden: ClassVar[dict[str, int]] = {"outbox": 0, "outbox_pending": 0}
    noun: ClassVar[str] = "document"

    def __init__(
        self,
        db: Database,
        outbox: Outbox,
        session: Any = None,
        on_events: Callable[[list[CloudEvent]], None] | None = None,
    ):
        self.db = db
        self.outbox = outbox
        self.session = session
        self._on_events = on_events or (lambda events: None)

    @property
    def documents(self) -> Collection:
        return self.db[self.collection]

    # -- reads --------------------------------------------------------------------------------
    def find(self, aggregate_id: str, projection: dict | None = None) -> dict | None:
        return self.documents.find_one(
            {"_id": aggregate_id}, self.hidden if projection is None else projection, session=self.session
        )

    def get(self, aggregate_id: str, projection: dict | None = None) -> dict:
        found = self.find(aggregate_id, projection)
        if found is None:
            raise NotFound(f"no {self.noun} {aggregate_id}")
        return found

    def page(
        self, filters: dict, sort: list[tuple[str, int]], page: int, page_size: int, projection: dict | None = None
    ) -> Page:
        return page_of(
            self.documents,
            filters,
            self.hidden if projection is None else projection,
            sort,
            page,
            page_size,
            session=self.session,
        )

    # -- writes (each one atomic with its events) ------------------------------------------------
    def add(self, document: dict, events: Events, cause: Causation, public: Events | None = None) -> list[CloudEvent]:
        """Store a new aggregate with the events announcing it; DuplicateKey on a unique index."""
        with duplicate_keys():
            built = self.outbox.insert(self.collection, document, events, cause, session=self.session, public=public)
        self._on_events(built)
        return built

    def save(
        self,
        aggregate_id: str,
        expected_version: int,
        events: Events,
        cause: Causation,
        *,
        set_fields: dict | None = None,
        unset_fields: list[str] | None = None,
        push_fields: dict | None = None,
        public: Events | None = None,
    ) -> list[CloudEvent]:
        """Change an aggregate read at `expected_version`; ConcurrencyConflict if it moved on meanwhile,
        DuplicateKey on a unique index."""
        with duplicate_keys():
            built = self.outbox.update(
                self.collection,
                aggregate_id,
                expected_version,
                events,
                cause,
                set_fields=set_fields,
                unset_fields=unset_fields,
                push_fields=push_fields,
                session=self.session,
                public=public,
            )
        self._on_events(built)
        return built
