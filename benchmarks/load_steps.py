"""How benchmarks/load_mixed.py judges its load steps: which pass, and the highest rate the platform held.

Pure functions over the step figures (no locust, no servers), shared by the locust child that decides when to
stop stepping up and the parent that prints the verdict.
"""
from __future__ import annotations

from dataclasses import dataclass

P99_LIMIT_MS = 250.0
# A step whose failures exceed this share of its requests does not pass, whatever its latency: errors
# answered fast would otherwise flatter the figure.
FAILURE_LIMIT = 0.01
# A step that could not deliver what it offered (the client or the server saturated) is not a pass either:
# the rate it proves is the achieved one, and only if it is close to the offered one.
ACHIEVED_LIMIT = 0.9


@dataclass(frozen=True)
class Step:
    offered: float      # requests/s the users were paced to send
    achieved: float     # requests/s answered during the measured window
    requests: int
    failures: int
    p50: float
    p95: float
    p99: float

    @classmethod
    def from_dict(cls, data: dict) -> "Step":
        return cls(**{name: data[name] for name in cls.__dataclass_fields__})


def passes(step: Step, p99_limit_ms: float = P99_LIMIT_MS) -> bool:
    return (step.requests > 0 and step.p99 <= p99_limit_ms and step.failures <= FAILURE_LIMIT * step.requests
            and step.achieved >= ACHIEVED_LIMIT * step.offered)


def highest_passing(steps: list[Step], p99_limit_ms: float = P99_LIMIT_MS) -> Step | None:
    """The last step that passed before the first one that did not (steps in the order they ran, rising load).
    A pass after a failure is luck on a shared machine, not capacity: it does not count."""
    best = None
    for step in steps:
        if not passes(step, p99_limit_ms):
            break
        best = step
    return best


def ramp(start: int, limit: int, factor: float = 1.5) -> list[int]:
    """Offered rates from `start` up to `limit`, each about `factor` times the one before (rounded to 5/s)."""
    rates, rate = [], float(start)
    while rate <= limit:
        rounded = max(5, int(round(rate / 5)) * 5)
        if not rates or rounded > rates[-1]:
            rates.append(rounded)
        rate *= factor
    return rates
