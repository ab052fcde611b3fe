"""The unit of work: what one use case or one event handler may touch, and what makes it atomic.

A use case reads and writes aggregates through the repositories the unit of work
hands out (`uow.organisations`, `uow.meetings` …). Each write of one aggregate is
atomic with its events on its own (the outbox lives in the aggregate's document);
`with uow.atomic():` makes several writes one MongoDB transaction. An event
handler's unit of work is joined to the consumer's batch transaction, so its
effects and the processed-event record commit together (shared/messaging/consumer.py).
The events written are collected in `uow.events`, in order. Besides the service's own
repositories, every unit of work hands out the audit trail (`uow.audit_trail`).
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Callable, Iterator, Mapping, TypeVar

from pymongo import MongoClient
from pymongo.database import Database

from ..adapters.repository import MongoRepository
from ..audit.trail import AuditTrail
from ..messaging.envelope import CloudEvent
from ..messaging.outbox import Outbox

T = TypeVar("T")

# What every service's unit of work hands out besides its own repositories.
SHARED_REPOSITORIES: dict[str, type[MongoRepository]] = {"audit_trail": AuditTrail}


class UnitOfWork:
    """The interface use cases see; `MongoUnitOfWork` and the unit tests' fake implement it."""

    events: list[CloudEvent]
    audit_trail: AuditTrail

    @contextmanager
    def atomic(self) -> Iterator["UnitOfWork"]:
        raise NotImplementedError

    @property
    def in_transaction(self) -> bool:
        raise NotImplementedError

    def transaction(self, work: Callable[[], T]) -> T:
        """`work()` in one transaction, run again from its start when the server asks (a write conflict
        with a concurrent writer), for work too long to rerun the whole command for."""
        raise NotImplementedError


class MongoUnitOfWork(UnitOfWork):
    def __init__(
        self,
        client: MongoClient,
        db: Database,
        outbox: Outbox,
        repositories: Mapping[str, type[MongoRepository]],
        session: Any = None,
    ):
        self.client = client
        self.db = db
        self.outbox = outbox
        self._repository_types = {**SHARED_REPOSITORIES, **repositories}
        self._session = session
        self._repositories: dict[str, MongoRepository] = {}
        self.events: list[CloudEvent] = []

    def __getattr__(self, name: str) -> MongoRepository:
        types = self.__dict__.get("_repository_types", {})
        if name not in types:
            raise AttributeError(name)
        if name not in self._repositories:
            self._repositories[name] = types[name](self.db, self.outbox, self._session, self.events.extend)
        return self._repositories[name]

    @property
    def in_transaction(self) -> bool:
        return self._session is not None

    @contextmanager
    def atomic(self) -> Iterator["MongoUnitOfWork"]:
        """All writes inside commit together or not at all; nested or joined, it is the outer transaction."""
        if self._session is not None:
            yield self
            return
        with self.client.start_session() as session:
            with session.start_transaction():
                self._enter(session)
                try:
                    yield self
                finally:
                    self._enter(None)

    def transaction(self, work: Callable[[], T]) -> T:
        """Run `work()` in one transaction that the driver runs again on a transient error (a write conflict),
        for work that must not rerun the whole use case around it (reporting's rebuild catch-up)."""
        if self._session is not None:
            return work()
        with self.client.start_session() as session:

            def attempt(session_of_attempt):
                self._enter(session_of_attempt)
                try:
                    return work()
                finally:
                    self._enter(None)

            return session.with_transaction(attempt)

    def _enter(self, session: Any) -> None:
        self._session = session
        self._repositories.clear()  # repositories handed out from now on read and write in `session`
