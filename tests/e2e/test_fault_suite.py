"""The short fault suite (`python -m benchmarks.faults --short`): under an idempotent write load, a kill -9 of the
database and of a worker lose no acknowledged write, and the supervised stack heals by itself."""
import pytest

from benchmarks import faults

# A whole `tvp up` stack (or the fault suite's) per test, with boot timeouts: under pytest-xdist these files run
# one after another on one worker (tests/support/parallel.py), so that no two such stacks boot at once.
pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("whole stacks")]


def test_database_and_worker_kills_lose_nothing_and_heal(capsys):
    rows = faults.run(faults.SHORT_FAULTS, rate=4.0, settle_s=2.0)
    report = faults.table(rows)
    assert [r["fault"] for r in rows] == ["kill -9 database", "kill -9 members worker", "whole run"]
    for row in rows:
        assert row["acknowledged"] > 0, report
        assert row["lost"] == 0, report
        assert row["duplicated"] == 0, report
        assert row["server_errors"] == 0, report
        assert row["healed_s"] is not None and row["healed_s"] < 20, report
        assert row["downstream_complete"], report
