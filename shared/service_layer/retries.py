"""Running work again after it lost a race, until it wins or time is up.

Commands that commute (two people registering for one meeting, attendance of different
people) touch the same aggregate; the loser of a race re-reads and writes again, and
succeeds: the client must never see that race (a spurious 409). Retries are bounded by
time, not by count, since under a burst of 50 concurrent writers the number of races one
command loses depends on the load; the backoff grows and is jittered so that colliding
writers do not collide again in step.
"""

from __future__ import annotations

import random
import time
from contextlib import nullcontext
from typing import Callable, TypeVar

import pymongo
from pymongo.errors import ConnectionFailure, PyMongoError

from ..errors import Conflict
from ..messaging.outbox import ConcurrencyConflict

T = TypeVar("T")

RETRY_FOR_S = 10.0


def lost_race(exc: BaseException) -> bool:
    """A stale version, a write conflict, or a transaction the server asks to retry (not an outage)."""
    if isinstance(exc, ConcurrencyConflict):
        return True
    if not isinstance(exc, PyMongoError) or isinstance(exc, ConnectionFailure) or getattr(exc, "timeout", False):
        return False  # an unreachable or stalled database answers 503 at once (shared/web/outages.py)
    return getattr(exc, "code", None) == 112 or exc.has_error_label("TransientTransactionError")


def backoff_s(attempt: int) -> float:
    return random.uniform(0, min(0.2, 0.004 * 2 ** min(attempt, 8)))


def retrying_lost_races(
    work: Callable[[], T], retry_for_s: float = RETRY_FOR_S, attempt_budget_s: float | None = None
) -> T:
    """`work()`, again after every lost race, until `retry_for_s` has passed: then 409. With
    `attempt_budget_s`, each attempt's database work shares that budget (pymongo's operation timeout):
    a stalled database ends the first attempt, and a race lost under load does not eat the next one's."""
    deadline = time.monotonic() + retry_for_s
    attempt = 0
    while True:
        attempt += 1
        try:
            with pymongo.timeout(attempt_budget_s) if attempt_budget_s else nullcontext():
                return work()
        except Exception as exc:  # noqa: BLE001 - only lost races are retried, the rest is re-raised
            if not lost_race(exc):
                raise
        if time.monotonic() >= deadline:
            raise Conflict("the resource is being changed by others right now; try again")
        time.sleep(backoff_s(attempt))
