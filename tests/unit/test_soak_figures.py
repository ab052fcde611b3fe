"""How benchmarks/soak.py judges a run: where the warm-up ends, the rate and load per minute, their correlation."""
from __future__ import annotations

from benchmarks.soak import Samples, by_minute, correlation, warm_up_index
from infra.embedded import OPLOG_MAX_ENTRIES

TIMES = [float(t) for t in range(5, 605, 5)]  # a 10-minute run sampled every 5 s


def test_the_warm_up_is_a_fifth_of_the_run_when_the_oplog_filled_before():
    oplog = [min(OPLOG_MAX_ENTRIES, 500 * i) for i in range(1, len(TIMES) + 1)]  # full after 100 s
    assert TIMES[warm_up_index(TIMES, 600, oplog)] == 120


def test_the_warm_up_lasts_until_the_oplog_reached_its_cap():
    oplog = [min(OPLOG_MAX_ENTRIES + 400, 100 * i) for i in range(1, len(TIMES) + 1)]
    warm = warm_up_index(TIMES, 600, oplog)
    assert oplog[warm] >= OPLOG_MAX_ENTRIES > oplog[warm - 1]
    assert TIMES[warm] > 120


def test_an_oplog_never_full_leaves_the_warm_up_at_a_fifth():
    assert TIMES[warm_up_index(TIMES, 600, [10] * len(TIMES))] == 120


def test_a_short_run_has_no_minimum_warm_up():
    times = [5.0, 10.0, 15.0, 20.0, 25.0, 30.0]
    assert times[warm_up_index(times, 30, [OPLOG_MAX_ENTRIES] * 6)] == 10.0


def test_rate_and_load_per_minute():
    samples = Samples(t=[20.0, 40.0, 60.0, 80.0, 100.0, 120.0], rate=[30, 30, 30, 10, 10, 10],
                      load=[2.0, 2.0, 2.0, 8.0, 8.0, 8.0], oplog=[1, 2, 3, 4, 5, 6],
                      rss_mb={"mongodb": [100.0, 101.0, 102.0, 103.0, 104.0, 105.0]})
    assert by_minute(samples) == [{"minute": 1, "rate": 30, "load": 2.0, "database_mb": 102.0, "oplog": 3},
                                  {"minute": 2, "rate": 10, "load": 8.0, "database_mb": 105.0, "oplog": 6}]


def test_a_rate_falling_as_the_load_rises_correlates_negatively():
    assert correlation([30, 25, 20, 10], [2, 4, 6, 10]) == -1.0
    assert correlation([30, 30, 30], [2, 4, 6]) is None
