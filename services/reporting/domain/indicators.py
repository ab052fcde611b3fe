"""The indicators of the contract, their definitions and how counters become indicator values.

value        the figure for the period;
cumulative   since the programme started, up to the end of the period (OI.1, a stock, is the
             number of active members at the end of the period in both);
target       from the programme settings;
percent_of_target  cumulative / target x 100, one decimal (OI.1: value / target).
"""
from __future__ import annotations

from dataclasses import dataclass

CODES = ("OI.1", "OI.2", "OI.3", "OI.4", "OI.5", "OI.6", "FI.1")


@dataclass(frozen=True)
class Definition:
    code: str
    group: str
    name_en: str
    name_tr: str
    unit_en: str
    unit_tr: str
    dimensions: tuple[tuple[str, str], ...]   # (breakdown name, counter dimension)


DEFINITIONS = {d.code: d for d in (
    Definition("OI.1", "oi1", "Active member organisations (at period end)", "Aktif üye kuruluşlar (dönem sonunda)",
               "organisations", "kuruluş", (("kind", "kind"), ("province", "province"))),
    Definition("OI.2", "oi2", "Governance meetings held (with quorum)", "Yapılan yönetişim toplantıları (nisaplı)",
               "meetings", "toplantı", (("body", "body"),)),
    Definition("OI.3", "oi3", "Capacity-building meetings held", "Yapılan kapasite geliştirme etkinlikleri",
               "meetings", "etkinlik", (("kind", "kind"), ("theme", "theme"), ("province", "province"))),
    Definition("OI.4", "oi4", "Attendances at capacity-building meetings", "Kapasite geliştirme etkinliklerine katılım",
               "attendances", "katılım", (("gender", "gender"), ("province", "province"),
                                          ("organisation_kind", "organisation_kind"))),
    Definition("OI.5", "oi5", "Distinct SMEs attending capacity-building meetings",
               "Kapasite geliştirme etkinliklerine katılan KOBİ sayısı", "SMEs", "KOBİ",
               (("size_class", "size_class"), ("province", "province"))),
    Definition("OI.6", "oi6", "Distinct organisations taking part in meetings", "Toplantılara katılan kuruluş sayısı",
               "organisations", "kuruluş", (("kind", "kind"),)),
    Definition("FI.1", "fi1", "Eligible expenditure (EUR)", "Uygun harcama (EUR)", "EUR", "EUR",
               (("budget_line", "budget_line"),)),
)}


def percent(achieved, target) -> float | None:
    if target in (None, 0) or achieved is None:
        return None
    return round(float(achieved) * 100.0 / float(target), 1)


def breakdown(counters: dict, prefix: str) -> dict:
    """{value: n} of the counters `<prefix>.<value>`, largest first (ties by name)."""
    start = prefix + "."
    items = [(path[len(start):], n) for path, n in counters.items()
             if path.startswith(start) and "." not in path[len(start):] and n]
    return dict(sorted(items, key=lambda item: (-item[1], item[0])))


def count_indicator(code: str, period: dict, cumulative: dict, target) -> dict:
    d = DEFINITIONS[code]
    value, total = period.get(f"{d.group}.total", 0), cumulative.get(f"{d.group}.total", 0)
    achieved = value if code == "OI.1" else total
    result = {
        "code": code, "name": d.name_en, "name_tr": d.name_tr, "unit": d.unit_en, "unit_tr": d.unit_tr,
        "value": value, "cumulative": total, "target": target, "percent_of_target": percent(achieved, target),
        "breakdowns": {name: breakdown(period, f"{d.group}.{dim}") for name, dim in d.dimensions},
        "cumulative_breakdowns": {name: breakdown(cumulative, f"{d.group}.{dim}") for name, dim in d.dimensions},
        "details": {},
    }
    if code == "OI.2":
        result["details"] = {"with_quorum": period.get("oi2.quorum.total", 0),
                             "cumulative_with_quorum": cumulative.get("oi2.quorum.total", 0)}
        result["breakdowns"]["body_with_quorum"] = breakdown(period, "oi2.quorum.body")
        result["cumulative_breakdowns"]["body_with_quorum"] = breakdown(cumulative, "oi2.quorum.body")
    return result


def financial_indicator(period: dict, cumulative: dict, target) -> dict:
    """`period`/`cumulative`: {"total", "eu", "national", "by_line": {line: amount}} as numbers."""
    d = DEFINITIONS["FI.1"]
    return {
        "code": "FI.1", "name": d.name_en, "name_tr": d.name_tr, "unit": d.unit_en, "unit_tr": d.unit_tr,
        "value": period["total"], "cumulative": cumulative["total"], "target": target,
        "percent_of_target": percent(cumulative["total"], target),
        "breakdowns": {"budget_line": dict(period["by_line"])},
        "cumulative_breakdowns": {"budget_line": dict(cumulative["by_line"])},
        "details": {"eu_share_eur": period["eu"], "national_share_eur": period["national"],
                    "cumulative_eu_share_eur": cumulative["eu"],
                    "cumulative_national_share_eur": cumulative["national"]},
    }
