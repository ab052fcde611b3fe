"""HTTP entrypoint for governance bodies and their seats."""
from __future__ import annotations

from flask.views import MethodView

from shared.web.bus import handle, reading
from shared.web.http import ETAG, IF_MATCH, ApiBlueprint, precondition, with_etag
from shared.web.schemas import ErrorSchema, PageQuerySchema, page_schema
from shared.web.security import current_principal, guarded

from ..service_layer import bodies, seats
from ..service_layer.commands import (
    AssignSeat,
    CreateWorkingGroup,
    EndSeat,
    GetBody,
    GetBodyHistory,
    GetSeat,
    ListBodies,
)
from .schemas import (
    BodyCreateSchema,
    BodyHistoryQuerySchema,
    BodySchema,
    BodyWithSeatsSchema,
    SeatCreateSchema,
    SeatEndSchema,
    SeatSchema,
)

blp = ApiBlueprint("bodies", __name__, url_prefix="/api/v1/bodies",
                       description="Governance bodies (board, advisory board, working groups) and their seats")


@blp.route("")
class Bodies(MethodView):
    @guarded(blp)
    @blp.arguments(PageQuerySchema, location="query")
    @blp.response(200, page_schema(BodySchema))
    def get(self, query):
        """List governance bodies"""
        return bodies.list_bodies(reading(), ListBodies(**query), current_principal())

    @guarded(blp)
    @blp.arguments(BodyCreateSchema)
    @blp.response(201, BodySchema)
    @blp.alt_response(409, schema=ErrorSchema, description="A body with this code exists")
    def post(self, data):
        """Create a working group"""
        return handle(CreateWorkingGroup(**data))


@blp.route("/<code>")
class BodyByCode(MethodView):
    @guarded(blp)
    @blp.response(200, BodyWithSeatsSchema)
    @blp.alt_response(404, schema=ErrorSchema, description="Unknown body")
    def get(self, code):
        """A body and its current seats"""
        return seats.body_with_seats(reading(), GetBody(code), current_principal())


@blp.route("/<code>/history")
class BodyHistory(MethodView):
    @guarded(blp)
    @blp.arguments(BodyHistoryQuerySchema, location="query")
    @blp.response(200, page_schema(SeatSchema))
    @blp.alt_response(404, schema=ErrorSchema, description="Unknown body")
    def get(self, query, code):
        """Every seat the body has had, in order of term start (filter: status)"""
        return seats.body_history(reading(), GetBodyHistory(code=code, **query), current_principal())


@blp.route("/<code>/seats")
class Seats(MethodView):
    @guarded(blp)
    @blp.arguments(SeatCreateSchema)
    @blp.response(201, SeatSchema, headers=ETAG)
    @blp.alt_response(404, schema=ErrorSchema, description="Unknown body")
    @blp.alt_response(409, schema=ErrorSchema, description="Organisation not active, chair taken, or person seated")
    def post(self, data, code):
        """Seat a person of an active organisation"""
        return with_etag(handle(AssignSeat(code, **data)))


@blp.route("/<code>/seats/<seat_id>")
class SeatById(MethodView):
    @guarded(blp)
    @blp.response(200, SeatSchema, headers=ETAG)
    @blp.alt_response(404, schema=ErrorSchema, description="Unknown body or seat")
    def get(self, code, seat_id):
        """A seat"""
        return with_etag(seats.get_seat(reading(), GetSeat(code, seat_id), current_principal()))


@blp.route("/<code>/seats/<seat_id>/end")
class SeatEnd(MethodView):
    @guarded(blp)
    @blp.doc(parameters=[IF_MATCH])
    @blp.arguments(SeatEndSchema)
    @blp.response(200, SeatSchema, headers=ETAG)
    @blp.alt_response(404, schema=ErrorSchema, description="Unknown body or seat")
    @blp.alt_response(409, schema=ErrorSchema, description="The seat has already ended")
    @blp.alt_response(412, schema=ErrorSchema, description="If-Match is stale")
    def post(self, data, code, seat_id):
        """End a seat"""
        command = EndSeat(code, seat_id, precondition=precondition(), **data)
        return with_etag(handle(command))
