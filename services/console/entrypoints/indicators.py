"""`/indicators`: every indicator of a period (value, cumulative, target, % of target), progress against the
targets as a chart, and each indicator's breakdowns as bars with their tables."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import lazy_gettext as _l

from .. import charts, periods
from ..access import roles_that_may
from ..adapters.api import ApiError
from ..labels import label
from ..errors import install as install_api_errors
from ..web import NavEntry, api, api_error_status, page_language

blp = Blueprint("indicators", __name__)
install_api_errors(blp)
NAV = [NavEntry("indicators.index", _l("Indicators"), roles_that_may("reporting", "GET", "/api/v1/indicators"))]

# Which label table names a breakdown's items: a "kind" is an organisation's kind for OI.1 and OI.6 and a
# meeting's kind for OI.3.
ITEM_TABLES = {"organisation_kind": "organisation_kind", "gender": "gender", "size_class": "size_class",
               "budget_line": "budget_line", "theme": "theme", "body": "body", "body_with_quorum": "body"}
KIND_TABLES = {"OI.3": "meeting_kind"}


@blp.get("/indicators")
def index():
    period = request.args.get("period") or periods.current_quarter()
    try:
        body = api().get("reporting", "/api/v1/indicators", params={"period": period}).data
    except ApiError as error:
        if error.status not in (400, 422):
            raise
        # An unknown period label: the picker again, with the API's reason next to it.
        return render_template("indicators/index.html", period=period, choices=periods.choices(), body=None,
                               period_error=error), api_error_status(error)
    return render_template("indicators/index.html", period=period, choices=periods.choices(), body=body,
                           indicators=[_indicator_view(i) for i in body["indicators"]],
                           progress=_progress(body["indicators"]), period_error=None)


def _name(indicator: dict, key: str) -> str:
    return indicator[f"{key}_tr"] if page_language() == "tr" else indicator[key]


def _achieved(indicator: dict):
    """What the target is measured against: OI.1 is a stock (its value at the period's end), the rest add up."""
    return indicator["value"] if indicator["code"] == "OI.1" else indicator["cumulative"]


def _progress(indicators: list[dict]) -> charts.ProgressChart:
    return charts.progress_chart([(i["code"], _name(i, "name"), _achieved(i), i["target"])
                                  for i in indicators if i.get("target")])


def _indicator_view(indicator: dict) -> dict:
    breakdowns = []
    for dimension, items in indicator["breakdowns"].items():
        table = KIND_TABLES.get(indicator["code"], "organisation_kind") if dimension == "kind" \
            else ITEM_TABLES.get(dimension)
        rows = [(label(table, item) if table else item, value) for item, value in items.items()]
        cumulative = indicator["cumulative_breakdowns"].get(dimension, {})
        breakdowns.append({
            "dimension": dimension,
            "title": label("breakdown", dimension),
            "chart": charts.bar_chart(rows, limit=10),
            "rows": [(name, value, cumulative.get(item)) for (name, value), item in zip(rows, items)],
        })
    return {**indicator, "title": _name(indicator, "name"), "unit_name": _name(indicator, "unit"),
            "fraction": None if indicator["percent_of_target"] is None else indicator["percent_of_target"] / 100,
            "breakdowns": breakdowns}
