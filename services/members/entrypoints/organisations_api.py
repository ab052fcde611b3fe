"""HTTP entrypoint for organisations and their membership."""
from __future__ import annotations

from flask.views import MethodView

from shared.web.bus import handle, reading
from shared.web.http import ETAG, IF_MATCH, ApiBlueprint, precondition, with_etag
from shared.web.schemas import ErrorSchema, page_schema
from shared.web.security import current_principal, guarded

from ..service_layer import organisations
from ..service_layer.commands import (
    ChangeMembership,
    GetMembershipHistory,
    GetOrganisation,
    ListOrganisations,
    RegisterOrganisation,
    UpdateOrganisation,
)
from .schemas import (
    MembershipActionSchema,
    MembershipHistorySchema,
    OrganisationCreateSchema,
    OrganisationQuerySchema,
    OrganisationSchema,
    OrganisationUpdateSchema,
)

blp = ApiBlueprint("organisations", __name__, url_prefix="/api/v1/organisations",
                       description="Member organisations and their membership")


@blp.route("")
class Organisations(MethodView):
    @guarded(blp)
    @blp.arguments(OrganisationQuerySchema, location="query")
    @blp.response(200, page_schema(OrganisationSchema))
    def get(self, query):
        """List organisations (filters: kind, province, region, status, is_sme, q; order: sort)"""
        page = ListOrganisations(query.pop("page"), query.pop("page_size"), filters=query, sort=query.pop("sort"))
        return organisations.list_organisations(reading(), page, current_principal())

    @guarded(blp)
    @blp.arguments(OrganisationCreateSchema)
    @blp.response(201, OrganisationSchema, headers=ETAG)
    @blp.alt_response(409, schema=ErrorSchema, description="Tax number already registered")
    def post(self, data):
        """Register an organisation (it starts as an applicant)"""
        return with_etag(handle(RegisterOrganisation(data)))


@blp.route("/<organisation_id>")
class OrganisationById(MethodView):
    @guarded(blp)
    @blp.response(200, OrganisationSchema, headers=ETAG)
    @blp.alt_response(404, schema=ErrorSchema, description="Unknown organisation")
    def get(self, organisation_id):
        """Get an organisation (with its ETag)"""
        return with_etag(organisations.get_organisation(reading(), GetOrganisation(organisation_id),
                                                        current_principal()))

    @guarded(blp)
    @blp.doc(parameters=[IF_MATCH])
    @blp.arguments(OrganisationUpdateSchema)
    @blp.response(200, OrganisationSchema, headers=ETAG)
    @blp.alt_response(404, schema=ErrorSchema, description="Unknown organisation")
    @blp.alt_response(409, schema=ErrorSchema, description="Tax number taken, or the organisation has withdrawn")
    @blp.alt_response(412, schema=ErrorSchema, description="If-Match is stale")
    def patch(self, changes, organisation_id):
        """Change an organisation's details (chamber admins: their own only)"""
        command = UpdateOrganisation(organisation_id, changes, precondition())
        return with_etag(handle(command))


@blp.route("/<organisation_id>/membership")
class Membership(MethodView):
    @guarded(blp)
    @blp.response(200, MembershipHistorySchema)
    @blp.alt_response(404, schema=ErrorSchema, description="Unknown organisation")
    def get(self, organisation_id):
        """The membership history: every status change with its reason, actor and time"""
        return organisations.membership_history(reading(), GetMembershipHistory(organisation_id), current_principal())

    @guarded(blp)
    @blp.doc(parameters=[IF_MATCH])
    @blp.arguments(MembershipActionSchema)
    @blp.response(200, OrganisationSchema, headers=ETAG)
    @blp.alt_response(404, schema=ErrorSchema, description="Unknown organisation")
    @blp.alt_response(409, schema=ErrorSchema, description="Transition not allowed from the current status")
    @blp.alt_response(412, schema=ErrorSchema, description="If-Match is stale")
    def post(self, data, organisation_id):
        """Approve, suspend, reinstate or withdraw (platform admins; a chamber admin may withdraw its own)"""
        command = ChangeMembership(organisation_id, data["action"], data.get("reason"), precondition())
        return with_etag(handle(command))
