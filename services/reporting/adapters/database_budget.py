"""CPU work inside a request whose database budget is running (shared/web/outages.py: DATABASE_BUDGET_S,
applied as pymongo's operation deadline to a whole command, or to a whole request with an Idempotency-Key).

Rendering a report's PDF and XLSX for its submission takes seconds of CPU and no database at all; counted
against the database budget it would turn a healthy database into a 503. `outside_database_budget()` moves
the running deadline on by the time the work took, so the budget keeps meaning what it says: how long the
database may take. pymongo keeps that deadline in a context variable of its own (pymongo._csot), pinned by
pyproject's exact version.
"""
from __future__ import annotations

import time
from contextlib import contextmanager
from typing import Iterator

from pymongo import _csot


@contextmanager
def outside_database_budget() -> Iterator[None]:
    started = time.monotonic()
    try:
        yield
    finally:
        deadline = _csot.get_deadline()
        if deadline != float("inf"):
            _csot.DEADLINE.set(deadline + (time.monotonic() - started))
