"""The worker's retention schedule: how often it looks, and the command it hands its bus.

The worker asks every TVP_RETENTION_CHECK_SECONDS (default an hour) and the run itself decides whether
the interval (TVP_RETENTION_INTERVAL_DAYS, default 30, at most 183) has passed since the last real run,
which is stored in the service's database: a restarted worker neither skips nor repeats a run.
"""

from __future__ import annotations

import os

from ..auth import Principal
from ..worker import Scheduled
from .runner import RunRetention, interval


def retention_schedule(principal: Principal) -> Scheduled:
    interval()  # a bad TVP_RETENTION_INTERVAL_DAYS stops the worker at start, not silently at each pass
    every_s = float(os.environ.get("TVP_RETENTION_CHECK_SECONDS") or 3600)
    return Scheduled("retention", lambda: RunRetention(dry_run=False, scheduled=True), principal, every_s)
