"""HTTP entrypoint for expenditures."""
from __future__ import annotations

from flask.views import MethodView

from shared.web.bus import handle, reading
from shared.web.http import ApiBlueprint
from shared.web.schemas import ErrorSchema, page_schema
from shared.web.security import guarded

from ..service_layer import expenditures
from ..service_layer.commands import RecordExpenditure
from .schemas import ExpenditureCreateSchema, ExpenditureQuerySchema, ExpenditureSchema

blp = ApiBlueprint("expenditures", __name__, url_prefix="/api/v1/expenditures",
                         description="Eligible expenditure by budget line, in EUR or TRY with the EUR rate used")


@blp.route("")
class Expenditures(MethodView):
    @guarded(blp)
    @blp.arguments(ExpenditureQuerySchema, location="query")
    @blp.response(200, page_schema(ExpenditureSchema))
    def get(self, query):
        """List expenditures (filters: from, to, budget_line, meeting_id)"""
        query["from"] = query.pop("from_", None)
        return expenditures.listing(reading(), query)

    @guarded(blp)
    @blp.arguments(ExpenditureCreateSchema)
    @blp.response(201, ExpenditureSchema)
    def post(self, data):
        """Record an expenditure (TRY needs eur_rate: TRY per 1 EUR)"""
        return handle(RecordExpenditure(**data))


@blp.route("/<expenditure_id>")
class ExpenditureById(MethodView):
    @guarded(blp)
    @blp.response(200, ExpenditureSchema)
    @blp.alt_response(404, schema=ErrorSchema, description="Unknown expenditure")
    def get(self, expenditure_id):
        """Get an expenditure"""
        return expenditures.get(reading(), expenditure_id)
