"""HTTP entrypoint for the programme settings."""
from __future__ import annotations

from flask.views import MethodView

from shared.web.bus import handle, reading
from shared.web.http import ETAG, IF_MATCH, ApiBlueprint, precondition, with_etag
from shared.web.schemas import ErrorSchema
from shared.web.security import guarded

from ..service_layer import programme
from ..service_layer.commands import UpdateProgramme
from .schemas import ProgrammeSchema, ProgrammeUpdateSchema

blp = ApiBlueprint("programme", __name__, url_prefix="/api/v1/programme",
                  description="The programme: dates, co-financing shares and indicator targets")


def _shown(current: dict):
    return with_etag(programme.shown(current))


@blp.route("")
class Programme(MethodView):
    @guarded(blp)
    @blp.response(200, ProgrammeSchema, headers=ETAG)
    def get(self):
        """The programme settings (defaults with `configured: false` until set)"""
        return _shown(programme.get(reading()))

    @guarded(blp)
    @blp.doc(parameters=[IF_MATCH])
    @blp.arguments(ProgrammeUpdateSchema)
    @blp.response(200, ProgrammeSchema, headers=ETAG)
    @blp.alt_response(412, schema=ErrorSchema, description="If-Match is stale")
    def put(self, data):
        """Set the programme settings (shares must add up to 100)"""
        command = UpdateProgramme(**data, precondition=precondition())
        return _shown(handle(command))
