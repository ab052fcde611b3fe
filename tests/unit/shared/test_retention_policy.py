"""The shared retention mechanism's pure parts: months, periods from the environment, the interval."""
from datetime import datetime, timedelta, timezone

import pytest

from shared.retention.policy import Category, configured, months_before
from shared.retention.runner import interval


def category(name="former_contacts", months=24):
    return Category(name, "data", "starts", months, "basis", "action", due=lambda uow, cutoff: [],
                    anonymise=lambda uow, key, principal, cause: True)


@pytest.mark.parametrize("moment,months,expected", [
    (datetime(2026, 11, 29, 14, 0), 24, datetime(2024, 11, 29, 14, 0)),
    (datetime(2026, 3, 31, 9, 30), 1, datetime(2026, 2, 28, 9, 30)),
    (datetime(2024, 8, 31), 6, datetime(2024, 2, 29)),
    (datetime(2026, 1, 15), 13, datetime(2024, 12, 15)),
    (datetime(2026, 1, 15), 0, datetime(2026, 1, 15)),
])
def test_months_before_counts_calendar_months(moment, months, expected):
    assert months_before(moment, months) == expected


def test_periods_come_from_the_environment_and_bad_ones_are_refused():
    [default] = configured([category()], environ={})
    [changed] = configured([category()], environ={"TVP_RETENTION_FORMER_CONTACTS_MONTHS": "36"})
    assert (default.months, changed.months) == (24, 36)
    assert changed.describe()["configured_by"] == "TVP_RETENTION_FORMER_CONTACTS_MONTHS"
    assert changed.describe()["period_months"] == 36
    for bad in ("-1", "two", "1.5"):
        with pytest.raises(ValueError, match="TVP_RETENTION_FORMER_CONTACTS_MONTHS"):
            configured([category()], environ={"TVP_RETENTION_FORMER_CONTACTS_MONTHS": bad})


def test_the_worker_runs_at_least_every_six_months():
    assert interval({}) == timedelta(days=30)
    assert interval({"TVP_RETENTION_INTERVAL_DAYS": "183"}) == timedelta(days=183)
    for bad in ("0", "184", "400"):
        with pytest.raises(ValueError):
            interval({"TVP_RETENTION_INTERVAL_DAYS": bad})


def test_months_before_keeps_the_zone():
    moment = datetime(2026, 5, 31, 12, tzinfo=timezone.utc)
    assert months_before(moment, 3) == datetime(2026, 2, 28, 12, tzinfo=timezone.utc)


def test_the_worker_hands_a_scheduled_command_to_its_bus_every_period_and_survives_a_failure():
    import threading

    from shared.auth import Principal
    from shared.worker import Scheduled, run_every

    stop, handled = threading.Event(), []

    class Bus:
        def handle(self, command, principal, cause):
            handled.append((command, principal.subject, cause.correlation_id))
            if len(handled) == 1:
                raise RuntimeError("database away")  # the next pass tries again
            if len(handled) == 3:
                stop.set()
            return {"ran": True}

    task = Scheduled("retention", lambda: "run", Principal("tvp.members.retention", "platform_admin"), every_s=0.01)
    thread = threading.Thread(target=run_every, args=(task, Bus(), stop))
    thread.start()
    thread.join(timeout=5)
    assert not thread.is_alive() and [h[:2] for h in handled] == [("run", "tvp.members.retention")] * 3
    assert len({h[2] for h in handled}) == 3  # each pass its own correlation id
