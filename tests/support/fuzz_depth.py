"""How hard the API fuzzers push: TVP_FUZZ_DEPTH (default 1) multiplies the examples per operation of every fuzzer.

`make test` runs depth 1, which still sends generated requests to every operation of every service (the fuzzers
assert that coverage); `make test-fuzz` runs the fuzz modules alone at a greater depth, for a search that is
deeper, not wider. The minimum numbers of cases the tests ask for shrink with a depth below 1 (and stay above it);
their time bounds grow with a depth above 1.
"""
from __future__ import annotations

import os

DEPTH = float(os.environ.get("TVP_FUZZ_DEPTH", "1"))


def examples(everyday: int) -> int:
    """Examples per operation (and mode) at this depth, `everyday` at depth 1."""
    return max(1, round(everyday * DEPTH))


def at_least(everyday: int) -> int:
    """A minimum number of generated cases, `everyday` at depth 1."""
    return max(1, round(everyday * min(DEPTH, 1.0)))


def time_bound(everyday: float) -> float:
    """A fuzzer's time bound, `everyday` at depth 1 and longer in proportion at a greater depth."""
    return everyday * max(DEPTH, 1.0)
