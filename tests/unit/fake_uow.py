"""In-memory fakes of the service-layer seam, for unit tests of use cases and event handlers.

`FakeRepository` keeps documents in a dict and behaves as `MongoRepository` does
where use cases can tell: versions (ConcurrencyConflict on a stale one), unique
keys (DuplicateKey), the events of each write built and validated through
the real registry and collected in the unit of work. Filters are MongoDB query
documents, matched by mongomock's matcher. A service's fake repositories
subclass it and add in plain Python the queries its real repositories run.
`FakeUnitOfWork.atomic()` rolls every repository back when the block fails.
"""
from __future__ import annotations

import copy
from contextlib import contextmanager
from typing import Any, ClassVar

from mongomock.filtering import filter_applies

from shared.contracts import REGISTRY
from shared.errors import DuplicateKey, NotFound
from shared.messaging.envelope import CloudEvent
from shared.messaging.outbox import Causation, ConcurrencyConflict


class FakeRepository:
    collection: ClassVar[str] = ""
    hidden: ClassVar[dict[str, int]] = {"outbox": 0, "outbox_pending": 0}
    noun: ClassVar[str] = "document"
    unique: ClassVar[tuple[str, ...]] = ()  # fields with a unique (sparse) index

    def __init__(self, documents: list[dict] | None = None):
        self.docs: dict[Any, dict] = {}
        self.events: list[CloudEvent] = []
        self.public: list[CloudEvent] = []
        self._on_events = self.events.extend
        for document in documents or []:
            self.docs[document["_id"]] = copy.deepcopy(document)

    # -- reads --------------------------------------------------------------------------------
    def find(self, aggregate_id, projection: dict | None = None) -> dict | None:
        found = self.docs.get(aggregate_id)
        return None if found is None else _project(found, self.hidden if projection is None else projection)

    def get(self, aggregate_id, projection: dict | None = None) -> dict:
        found = self.find(aggregate_id, projection)
        if found is None:
            raise NotFound(f"no {self.noun} {aggregate_id}")
        return found

    def matching(self, filters: dict) -> list[dict]:
        return [copy.deepcopy(d) for d in self.docs.values() if filter_applies(filters, d)]

    def page(self, filters: dict, sort: list[tuple[str, int]], page: int, page_size: int,
             projection: dict | None = None) -> dict:
        found = self.matching(filters)
        for name, direction in reversed(sort):
            found.sort(key=lambda d: (d.get(name) is not None, d.get(name)), reverse=direction < 0)
        shown = [_project(d, self.hidden if projection is None else projection) for d in found]
        start = (page - 1) * page_size
        return {"items": shown[start:start + page_size], "total": len(found), "page": page, "page_size": page_size}

    # -- writes -------------------------------------------------------------------------------
    def add(self, document: dict, events: list[tuple[str, dict]], cause: Causation,
            public: list[tuple[str, dict]] | None = None) -> list[CloudEvent]:
        if document["_id"] in self.docs:
            raise DuplicateKey(f"E11000 duplicate key _id {document['_id']}")
        self._check_unique(document, document["_id"])
        built = _build(document["_id"], 1, events, cause)
        self.docs[document["_id"]] = copy.deepcopy(dict(document, version=len(built)))
        self._publish(document["_id"], len(built), built, public, cause)
        return built

    def save(self, aggregate_id, expected_version: int, events: list[tuple[str, dict]], cause: Causation, *,
             set_fields: dict | None = None, unset_fields: list[str] | None = None,
             push_fields: dict | None = None, public: list[tuple[str, dict]] | None = None) -> list[CloudEvent]:
        current = self.docs.get(aggregate_id)
        if current is None or current.get("version") != expected_version:
            raise ConcurrencyConflict(f"{self.collection}/{aggregate_id} is no longer at version {expected_version}")
        changed = copy.deepcopy(current)
        for name, value in (set_fields or {}).items():
            _set_path(changed, name, copy.deepcopy(value))
        for name in unset_fields or []:
            changed.pop(name, None)
        for name, value in (push_fields or {}).items():
            changed.setdefault(name, []).extend(copy.deepcopy(value["$each"]) if isinstance(value, dict)
                                                and "$each" in value else [copy.deepcopy(value)])
        self._check_unique(changed, aggregate_id)
        built = _build(aggregate_id, expected_version + 1, events, cause)
        changed["version"] = expected_version + len(built)
        self.docs[aggregate_id] = changed
        self._publish(aggregate_id, changed["version"], built, public, cause)
        return built

    def _publish(self, aggregate_id, version: int, built: list[CloudEvent], public, cause: Causation) -> None:
        self._on_events(built)
        for type_, data in public or []:
            assert REGISTRY.spec(type_).public, f"{type_} is not a public event type"
            self.public.append(REGISTRY.build(type_, str(aggregate_id), max(version, 1), data,
                                              correlation_id=cause.correlation_id, causation_id=cause.causation_id))

    def _check_unique(self, document: dict, own_id) -> None:
        for name in self.unique:
            value = document.get(name)
            if value is not None and any(d.get(name) == value for i, d in self.docs.items() if i != own_id):
                raise DuplicateKey(f"E11000 duplicate key {name}: {value}")


class FakeUnitOfWork:
    """Hands out the fake repositories given by name; `atomic()` restores them all when its block fails."""

    def __init__(self, **repositories: FakeRepository):
        self._repositories = repositories
        self.events: list[CloudEvent] = []
        self._depth = 0
        for repository in repositories.values():
            repository._on_events = self._collect(repository)

    def _collect(self, repository: FakeRepository):
        def on_events(built: list[CloudEvent]) -> None:
            repository.events.extend(built)
            self.events.extend(built)
        return on_events

    def __getattr__(self, name: str) -> FakeRepository:
        repositories = self.__dict__.get("_repositories", {})
        if name not in repositories:
            raise AttributeError(name)
        return repositories[name]

    @property
    def in_transaction(self) -> bool:
        return self._depth > 0

    @contextmanager
    def atomic(self):
        saved = {name: (copy.deepcopy(r.docs), len(r.events), len(r.public)) for name, r in self._repositories.items()}
        events = len(self.events)
        self._depth += 1
        try:
            yield self
        except BaseException:
            for name, (docs, n_events, n_public) in saved.items():
                repository = self._repositories[name]
                repository.docs = docs
                del repository.events[n_events:], repository.public[n_public:]
            del self.events[events:]
            raise
        finally:
            self._depth -= 1

    def transaction(self, work):
        with self.atomic():
            return work()

    def types(self) -> list[str]:
        """The types of the events written, in order: what most assertions look at."""
        return [e.type for e in self.events]


def _build(aggregate_id, first_version: int, events, cause: Causation) -> list[CloudEvent]:
    return [REGISTRY.build(type_, str(aggregate_id), first_version + n, data, correlation_id=cause.correlation_id,
                           causation_id=cause.causation_id) for n, (type_, data) in enumerate(events)]


def _project(document: dict, projection: dict | None) -> dict:
    shown = copy.deepcopy(document)
    if not projection:
        return shown
    if all(v == 0 for v in projection.values()):
        return {k: v for k, v in shown.items() if k not in projection}
    return {k: v for k, v in shown.items() if k == "_id" or projection.get(k)}


def _set_path(document: dict, path: str, value) -> None:
    *parents, last = path.split(".")
    for name in parents:
        document = document.setdefault(name, {}) if isinstance(document, dict) else document[int(name)]
    if isinstance(document, list):
        document[int(last)] = value
    else:
        document[last] = value


class FakeRetentionLedger(FakeRepository):
    """shared/adapters/retention.py in memory: the lease and the last run (`docs`), the log (`entries`).
    As in MongoDB, none of it rolls back with a unit of work's transaction."""

    def __init__(self):
        super().__init__()
        self.entries: list[dict] = []

    def acquire(self, holder: str, now, until) -> bool:
        lease = self.docs.get("lease")
        if lease is not None and lease["until"] > now:
            return False
        self.docs["lease"] = {"_id": "lease", "holder": holder, "until": until}
        return True

    def release(self, holder: str) -> None:
        if self.docs.get("lease", {}).get("holder") == holder:
            del self.docs["lease"]

    def last_run(self):
        return self.docs.get("schedule", {}).get("last_run_at")

    def mark_run(self, at) -> None:
        self.docs["schedule"] = {"_id": "schedule", "last_run_at": at}

    def log(self, entries: list[dict]) -> None:
        self.entries.extend(copy.deepcopy(entries))

    def log_page(self, page: int, page_size: int) -> dict:
        newest = sorted(self.entries, key=lambda e: (e["at"], e["_id"]), reverse=True)
        start = (page - 1) * page_size
        return {"items": newest[start:start + page_size], "total": len(newest), "page": page, "page_size": page_size}
