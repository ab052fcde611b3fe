"""CSV: one tidy table (UTF-8 with BOM, comma separated) with a `section` column.

section   report | indicator | breakdown | meeting | financial | expenditure
"""
from __future__ import annotations

import csv
import io

from ...domain import labels
from . import common

HEADER = ["section", "code", "name", "dimension", "item", "value", "cumulative", "target", "percent_of_target"]


def _num(value):
    if value is None:
        return ""
    return int(value) if float(value).is_integer() else round(float(value), 2)


def render_csv(report: dict, lang: str) -> bytes:
    content = report["content"]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for key, value in (("id", report["_id"]), ("period", report["period"]), ("from", report["from"]),
                       ("to", report["to"]), ("kind", report["kind"]), ("status", report["status"]),
                       ("computed_at", content["computed_at"]), ("cumulative_from", content["cumulative_from"]),
                       ("sha256", report["sha256"]), ("programme", content["programme"]["name"])):
        writer.writerow(["report", "", "", key, value, "", "", "", ""])
    for indicator in common.indicators(content):
        name = labels.indicator_name(indicator, lang)
        writer.writerow(["indicator", indicator["code"], name, "", "", _num(indicator["value"]),
                         _num(indicator["cumulative"]), _num(indicator["target"]),
                         _num(indicator["percent_of_target"])])
        for dimension in indicator["breakdowns"]:
            for _, label, value, cumulative in common.breakdown_rows(indicator, dimension, lang):
                writer.writerow(["breakdown", indicator["code"], name, labels.dimension(dimension, lang), label,
                                 _num(value), _num(cumulative), "", ""])
    for meeting in content["meetings"]:
        writer.writerow(["meeting", meeting["date"], common.meeting_title(meeting, lang),
                         labels.value(meeting["kind"], lang), meeting.get("host_name") or "",
                         meeting["attendances"], "", "", ""])
    financial = content["financial"]
    for row in financial["by_budget_line"]:
        writer.writerow(["financial", "FI.1", labels.value(row["budget_line"], lang), "budget_line",
                         row["budget_line"], _num(row["amount_eur"]), "", "", ""])
    for key, value in (("total_eur", financial["total_eur"]), ("eu_eur", financial["eu_eur"]),
                       ("national_eur", financial["national_eur"])):
        writer.writerow(["financial", "FI.1", labels.text({"total_eur": "total", "eu_eur": "eu_share",
                                                           "national_eur": "national_share"}[key], lang),
                         "total", key, _num(value), "", "", ""])
    for item in financial["expenditures"]:
        writer.writerow(["expenditure", item["date"], item["description"], item["budget_line"],
                         f"{item['amount']} {item['currency']}", _num(float(item["amount_eur"])), "", "", ""])
    for text in common.funding_statement(content, lang):
        writer.writerow(["report", "", "", "funding_statement", text, "", "", "", ""])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
