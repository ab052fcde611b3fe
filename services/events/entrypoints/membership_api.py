"""HTTP entrypoint for this service's view of the member organisations (read only)."""
from __future__ import annotations

from flask.views import MethodView

from shared.web.bus import reading
from shared.web.http import ApiBlueprint
from shared.web.schemas import ErrorSchema, page_schema
from shared.web.security import current_principal, guarded

from ..service_layer import views
from .schemas import MemberOrganisationSchema, OrganisationQuerySchema

blp = ApiBlueprint("member_organisations", __name__, url_prefix="/api/v1/member-organisations",
                description="The member organisations as the events service knows them from the members' events")


@blp.route("")
class MemberOrganisations(MethodView):
    @guarded(blp)
    @blp.arguments(OrganisationQuerySchema, location="query")
    @blp.response(200, page_schema(MemberOrganisationSchema))
    def get(self, query):
        """List the organisations known to the events service"""
        return views.list_member_organisations(reading(), query, current_principal())


@blp.route("/<organisation_id>")
class MemberOrganisationById(MethodView):
    @guarded(blp)
    @blp.response(200, MemberOrganisationSchema)
    @blp.alt_response(404, schema=ErrorSchema, description="Not known to the events service (yet)")
    def get(self, organisation_id):
        """An organisation as the events service knows it, and whether it may host meetings"""
        return views.get_member_organisation(reading(), {"organisation_id": organisation_id}, current_principal())
