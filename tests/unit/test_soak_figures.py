"""How benchmarks/soak.py judges a run: where the warm-up ends, the rate and load per minute, their correlation."""
from __future__ import annotations

from benchmarks.soak import Samples, by_minute, correlation, warm_up_index, warm_up_s

TIMES = [float(t) for t in range(5, 605, 5)]  # a 10-minute run sampled every 5 s


def test_the_warm_up_is_a_fifth_of_the_run_with_a_minute_at_least_for_long_runs():
    assert warm_up_s(600) == 120 and warm_up_s(300) == 60 and warm_up_s(240) == 48


def test_the_warm_up_ends_where_the_run_found_both_a_fifth_passed_and_the_oplog_full():
    samples = Samples(t=TIMES, warm=TIMES.index(250.0))
    assert TIMES[warm_up_index(samples, 600)] == 250


def test_an_oplog_never_full_leaves_the_warm_up_at_a_fifth():
    assert TIMES[warm_up_index(Samples(t=TIMES), 600)] == 120


def test_a_short_run_has_no_minimum_warm_up():
    times = [5.0, 10.0, 15.0, 20.0, 25.0, 30.0]
    assert times[warm_up_index(Samples(t=times), 30)] == 10.0


def test_rate_and_load_per_minute():
    samples = Samples(t=[20.0, 40.0, 60.0, 80.0, 100.0, 120.0], rate=[30, 30, 30, 10, 10, 10],
                      load=[2.0, 2.0, 2.0, 8.0, 8.0, 8.0],
                      rss_mb={"mongodb": [100.0, 101.0, 102.0, 103.0, 104.0, 105.0]})
    assert by_minute(samples) == [{"minute": 1, "rate": 30, "load": 2.0, "database_mb": 102.0},
                                  {"minute": 2, "rate": 10, "load": 8.0, "database_mb": 105.0}]


def test_a_rate_falling_as_the_load_rises_correlates_negatively():
    assert correlation([30, 25, 20, 10], [2, 4, 6, 10]) == -1.0
    assert correlation([30, 30, 30], [2, 4, 6]) is None
