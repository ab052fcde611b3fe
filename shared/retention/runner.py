"""A retention run: every category of a service's policy, under a lease, logged as counts only.

The same use case serves the API (`POST /api/v1/retention/run`), `tvp retention run` (through the API)
and the worker's schedule (`RunRetention(scheduled=True)`, which runs only when the last real run is
older than the interval). Why it is safe:
- idempotent: what a run anonymised is no longer due (an erased person, a participant without contact
  data), so running twice anonymises nothing the second time;
- concurrent runs: a lease in the service's database lets one run at a time (the other gets 409);
  a lease outlives a killed run by at most its time to live;
- each item is anonymised by the service's own path (members: the erasure use case, so person.erased
  reaches the other services), one item at a time: an item changed meanwhile is left for the next run.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

from ..auth import Principal
from ..clock import utc_now
from ..errors import Conflict
from ..ids import new_id
from ..messaging.outbox import Causation
from .policy import Category, months_before

LEASE_TTL = timedelta(minutes=15)
MAX_INTERVAL_DAYS = 183  # the contract: at least every 6 months
DEFAULT_INTERVAL_DAYS = 30


@dataclass(frozen=True)
class RunRetention:
    dry_run: bool = True
    scheduled: bool = False  # the worker's call: runs only if the last real run is older than the interval


def interval(environ=None) -> timedelta:
    """How often the worker runs retention (TVP_RETENTION_INTERVAL_DAYS, at most 183: every 6 months)."""
    raw = ((environ if environ is not None else os.environ).get("TVP_RETENTION_INTERVAL_DAYS") or "").strip()
    days = int(raw) if raw else DEFAULT_INTERVAL_DAYS
    if not 1 <= days <= MAX_INTERVAL_DAYS:
        raise ValueError(f"TVP_RETENTION_INTERVAL_DAYS must be between 1 and {MAX_INTERVAL_DAYS}, not {days}")
    return timedelta(days=days)


def actor_of(principal: Principal) -> dict:
    return {"sub": principal.subject, "role": principal.role, "org": principal.organisation_id}


def run_categories(
    uow, categories: list[Category], dry_run: bool, principal: Principal, cause: Causation, now: datetime
) -> dict:
    """Each category's due items, anonymised unless `dry_run`; one log entry per category."""
    run_id = new_id()
    results = []
    for category in categories:
        cutoff = months_before(now, category.months)
        due = category.due(uow, cutoff)
        count = (
            len(due)
            if dry_run
            else sum(1 for key in due if category.anonymise(uow, key, principal, Causation(cause.correlation_id)))
        )
        results.append(
            {
                "category": category.name,
                "count": count,
                "period_months": category.months,
                "basis": category.basis,
                "cutoff": cutoff,
            }
        )
    finished = utc_now()
    uow.retention.log(
        [
            {
                "_id": new_id(),
                "run_id": run_id,
                "at": finished,
                "dry_run": dry_run,
                "actor": actor_of(principal),
                **result,
            }
            for result in results
        ]
    )
    return {"run_id": run_id, "dry_run": dry_run, "started_at": now, "finished_at": finished, "categories": results}


def retention_use_case(categories: Callable[[], list[Category]]):
    """The `RunRetention` handler of a service whose policy `categories()` returns (read at each run, so a
    changed environment applies at the next one)."""

    def run_retention(uow, command: RunRetention, principal: Principal, cause: Causation) -> dict | None:
        now = utc_now()
        if command.scheduled:
            last = uow.retention.last_run()
            if last is not None and last + interval() > now:
                return None
        holder = new_id()
        if not uow.retention.acquire(holder, now, now + LEASE_TTL):
            raise Conflict("a retention run is already running; try again when it has finished")
        try:
            result = run_categories(uow, categories(), command.dry_run, principal, cause, now)
            if not command.dry_run:
                uow.retention.mark_run(now)
            return result
        finally:
            uow.retention.release(holder)

    return run_retention
