"""HTTP entrypoint for the indicators."""
from __future__ import annotations

from flask.views import MethodView

from shared.web.bus import reading
from shared.web.http import ApiBlueprint
from shared.web.security import guarded

from ..service_layer import indicators
from .schemas import IndicatorQuerySchema, IndicatorsSchema

blp = ApiBlueprint("indicators", __name__, url_prefix="/api/v1/indicators",
                         description="OI.1–OI.6 and FI.1 for a period, cumulative, against target, with breakdowns")


@blp.route("")
class Indicators(MethodView):
    @guarded(blp)
    @blp.arguments(IndicatorQuerySchema, location="query")
    @blp.response(200, IndicatorsSchema)
    def get(self, query):
        """Every indicator for a period (`period=2026-Q3`, `2026-H2`, `2026`, or `from` and `to`)"""
        query["from"] = query.pop("from_", None)
        return indicators.compute(reading(), indicators.period_from_query(query))
