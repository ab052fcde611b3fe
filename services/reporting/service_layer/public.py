"""The public view of a submitted report (tvp.public.reports.v1, shared/contracts/public.py).

Written by `reports.submit` in the same outbox write as `report.submitted`: the frozen
indicator table (value, cumulative, target, % of target, breakdowns) with the period and the
SHA-256 (of the package's manifest; a revision adds its number and the SHA-256 of the version it corrects).
Not shown: who submitted it, why a revision corrects, the expenditures and their descriptions, the meetings.
"""
from __future__ import annotations

from shared.contracts import public as contract

INDICATOR_FIELDS = ("code", "name", "unit", "value", "cumulative", "target", "percent_of_target")


def _breakdowns(indicator: dict) -> dict:
    return {dimension: {category: float(value) for category, value in (counts or {}).items()}
            for dimension, counts in (indicator.get("breakdowns") or {}).items()}


def view(report: dict, content: dict, sha256: str, submitted_at: str) -> dict:
    return {
        "id": report["_id"], "period": report["period"], "kind": report["kind"],
        "period_start": report.get("from"), "period_end": report.get("to"),
        "submitted_at": submitted_at, "sha256": sha256,
        "indicators": [{name: indicator.get(name) for name in INDICATOR_FIELDS} | {"breakdowns": _breakdowns(indicator)}
                       for indicator in content.get("indicators") or []],
    }


def publication(report: dict, content: dict, sha256: str, submitted_at: str) -> list[tuple[str, dict]]:
    revision = report.get("revision") or 1
    return [(contract.REPORT_PUBLISHED, view(report, content, sha256, submitted_at) | {
        "changes": ["submitted"] if revision == 1 else ["revised"], "revision": revision,
        "previous_sha256": report.get("previous_sha256")})]
