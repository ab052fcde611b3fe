"""Indicator values for a period, read from the pre-aggregated buckets.

A named period (year, half, quarter, month) is one bucket: its counters are its
values, distinct counts included. Any other range is tiled by the fewest
buckets (decompose): sums add up across tiles, and distinct organisations are
taken from the per-bucket reach marks of those tiles (exact, slower). The
cumulative figures run from the programme start to the period end; distinct
ones use the first-reached counters when nothing was reached before the
programme started (the usual case), and the marks otherwise.
"""
from __future__ import annotations

import time
from datetime import date

from shared.clock import local_iso, utc_now
from shared.errors import Unprocessable

from ..domain import indicators as definitions
from ..domain.periods import (
    EARLIEST,
    Period,
    PeriodError,
    bucket_span,
    decompose,
    parse_period,
    period_between,
)
from ..domain.rules import reach_of
from . import expenditures
from . import programme as programme_settings

ADDITIVE = ("oi2", "oi3", "oi4")


def _flatten(tree: dict, prefix: str = "") -> dict:
    flat = {}
    for key, value in (tree or {}).items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, path + "."))
        else:
            flat[path] = value
    return flat


def _sum(docs: dict, tiles: list[str], groups: tuple[str, ...], rename: dict | None = None) -> dict:
    total: dict = {}
    for tile in tiles:
        for path, n in docs.get(tile, {}).items():
            group = path.split(".", 1)[0]
            if group in groups:
                if rename and group in rename:
                    path = rename[group] + path[len(group):]
                total[path] = total.get(path, 0) + n
    return total


def _day_ranges(days: list[str]) -> list[tuple[str, str]]:
    """Consecutive day tiles as (first, last) ranges."""
    ranges: list[list[date]] = []
    for day in sorted(date.fromisoformat(d) for d in days):
        if ranges and (day - ranges[-1][1]).days == 1:
            ranges[-1][1] = day
        else:
            ranges.append([day, day])
    return [(a.isoformat(), b.isoformat()) for a, b in ranges]


def _distinct(gen, tiles: list[str]) -> dict:
    """OI.5 and OI.6 counters over several buckets, each organisation once: the reach marks of the
    whole months (and larger) and the organisations reached by the meetings of the remaining days."""
    if not tiles:
        return {}
    chosen: dict[tuple[str, str], tuple[str, dict]] = {}

    def consider(category, key, since, attrs):
        if (category, key) not in chosen or since < chosen[(category, key)][0]:
            chosen[(category, key)] = (since, attrs)

    months = [t for t in tiles if not t.startswith("D:")]
    if months:
        for mark in gen.marks_in(months):
            consider(mark["cat"], mark["k"], bucket_span(mark["b"])[0].isoformat(), mark["a"])
    for first, last in _day_ranges([t[2:] for t in tiles if t.startswith("D:")]):
        for meeting in gen.meetings_reaching(first, last):
            for key, organisation in (meeting.get("reached") or {}).items():
                for category, attrs in reach_of(meeting, {**organisation, "key": key}):
                    consider(category, key, meeting["day"], attrs)
    counters: dict = {}
    for (category, _), (_, attrs) in chosen.items():
        group = "oi6" if category == "org" else "oi5"
        for path in [f"{group}.total"] + [f"{group}.{name}.{value}" for name, value in attrs.items()]:
            counters[path] = counters.get(path, 0) + 1
    return counters


def counters(gen, period: Period, programme_start: date) -> tuple[dict, dict]:
    """(period counters, cumulative counters) for OI.1–OI.6, from the projection generation `gen`."""
    period_tiles = decompose(period.start, period.end)
    cumulative_tiles = decompose(programme_start, period.end) if programme_start <= period.end else []
    stock_tiles = decompose(EARLIEST, period.end)
    found, min_day = gen.buckets_and_first_reach(set(period_tiles) | set(cumulative_tiles) | set(stock_tiles))
    docs = {b: _flatten(d.get("c") or {}) for b, d in found.items()}

    stock = _sum(docs, stock_tiles, ("oi1",))
    period_counters = {**stock, **_sum(docs, period_tiles, ADDITIVE)}
    if len(period_tiles) == 1:
        period_counters.update(_sum(docs, period_tiles, ("oi5", "oi6")))
    else:
        period_counters.update(_distinct(gen, period_tiles))
    cumulative = {**stock, **_sum(docs, cumulative_tiles, ADDITIVE)}
    if cumulative_tiles:
        if min_day is None or min_day >= programme_start.isoformat():
            cumulative.update(_sum(docs, stock_tiles, ("oi5f", "oi6f"), rename={"oi5f": "oi5", "oi6f": "oi6"}))
        else:
            cumulative.update(_distinct(gen, cumulative_tiles))
    return period_counters, cumulative


def compute(uow, period: Period, programme: dict | None = None) -> dict:
    return compute_with_expenditures(uow, period, programme)[0]


def compute_with_expenditures(uow, period: Period, programme: dict | None = None) -> tuple[dict, list[dict]]:
    """The indicators and the expenditures of the period they were computed from (read once, for reports)."""
    started = time.perf_counter()
    programme = programme or programme_settings.get(uow)
    start = programme_settings.start_date(programme)
    targets = programme.get("targets") or {}
    period_counters, cumulative = counters(uow.projections.active(), period, start)
    results = [definitions.count_indicator(code, period_counters, cumulative, targets.get(code))
               for code in definitions.CODES if code != "FI.1"]
    spent = expenditures.in_range(uow, min(start, period.start), period.end)
    in_period = [e for e in spent if period.start.isoformat() <= e["date"] <= period.end.isoformat()]
    since_start = [e for e in spent if e["date"] >= start.isoformat()]
    results.append(definitions.financial_indicator(
        expenditures.as_numbers(expenditures.totals(in_period, programme["eu_share"])),
        expenditures.as_numbers(expenditures.totals(since_start, programme["eu_share"])), targets.get("FI.1")))
    return {
        "period": period.to_dict(),
        "cumulative_from": start.isoformat(),
        "programme": programme_settings.shown(programme),
        "indicators": results,
        # A string, not a BSON date: it is part of a report's frozen content, whose SHA-256 is published.
        "computed_at": local_iso(utc_now()),
        "query_ms": round((time.perf_counter() - started) * 1000, 1),
    }, in_period


def period_from_query(query: dict) -> Period:
    try:
        if query.get("period"):
            if query.get("from") or query.get("to"):
                raise PeriodError("give either period or from/to, not both")
            return parse_period(query["period"])
        if query.get("from") and query.get("to"):
            return period_between(query["from"], query["to"])
        raise PeriodError("give period (2026-Q3, 2026-H2, 2026) or both from and to")
    except PeriodError as exc:
        raise Unprocessable(str(exc), {"period": [str(exc)]}) from None
