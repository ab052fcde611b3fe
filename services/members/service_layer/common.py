"""What every members use case needs: transactions and optimistic-concurrency retries."""
from __future__ import annotations

from typing import Callable, TypeVar

from pymongo.errors import DuplicateKeyError

from shared.concurrency import Precondition
from shared.errors import Conflict, PreconditionFailed
from shared.messaging.outbox import ConcurrencyConflict

ATTEMPTS = 5
T = TypeVar("T")


def pick(document: dict, names: list[str]) -> dict:
    """An event payload: the named fields of a stored document (`id` is its `_id`)."""
    return {name: document.get("_id" if name == "id" else name) for name in names}


def in_transaction(client, work: Callable[[object], T]) -> T:
    """Run `work(session)` in a multi-document transaction (retried by the driver on transient errors)."""
    with client.start_session() as session:
        return session.with_transaction(work)


def with_retries(attempt: Callable[[], T], precondition: Precondition | None) -> T:
    """Run a read-decide-write attempt; when the aggregate moved on meanwhile, 412 if the client named
    a version, else read again and retry a few times."""
    for _ in range(ATTEMPTS):
        try:
            return attempt()
        except ConcurrencyConflict:
            if precondition is not None:
                raise PreconditionFailed("the resource changed while the request ran; read it again") from None
    raise Conflict("the resource is being changed by others right now; try again")


def broke_index(exc: DuplicateKeyError, index_name: str) -> bool:
    """Whether a duplicate-key error comes from the unique index `index_name`."""
    details = exc.details or {}
    return index_name in str(details.get("errmsg") or exc)
