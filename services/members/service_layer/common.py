"""What every members use case needs: clocks, transactions and optimistic-concurrency retries."""
from __future__ import annotations

import uuid
from datetime import date, datetime, timezone
from typing import Callable, TypeVar

from pymongo.errors import DuplicateKeyError

from shared.concurrency import Precondition
from shared.config import PLATFORM_ZONE as LOCAL_ZONE
from shared.errors import Conflict, PreconditionFailed
from shared.messaging.outbox import ConcurrencyConflict


ATTEMPTS = 5
T = TypeVar("T")


def to_millis(moment: datetime) -> datetime:
    """In UTC to the millisecond, as BSON keeps it: what is answered now is what is read later."""
    return moment.astimezone(timezone.utc).replace(microsecond=moment.microsecond // 1000 * 1000)


def utc_now() -> datetime:
    """Now, to the millisecond (what BSON keeps), so a response shows what a later read shows."""
    return to_millis(datetime.now(timezone.utc))


def today() -> date:
    """The platform's calendar day (Europe/Istanbul)."""
    return datetime.now(LOCAL_ZONE).date()


def new_id() -> str:
    return uuid.uuid4().hex


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
