"""HTTP entrypoint for organisations."""
from __future__ import annotations

import re


from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint

from shared.messaging.outbox import Causation
from shared.web.app import service
from shared.web.schemas import ErrorSchema, page_schema, paginate
from shared.web.security import READ_ROLES, current_principal, requires

from ..adapters.documents import OrganisationDocument
from ..domain.provinces import fold
from ..service_layer import organisations
from .schemas import OrganisationCreateSchema, OrganisationQuerySchema, OrganisationSchema

blp = Blueprint("organisations", __name__, url_prefix="/api/v1/organisations",
                description="Member organisations and their membership")


@blp.route("")
class Organisations(MethodView):
    @requires(blp, *READ_ROLES)
    @blp.arguments(OrganisationQuerySchema, location="query")
    @blp.response(200, page_schema(OrganisationSchema))
    def get(self, query):
        """List organisations"""
        filters = {name: query[name] for name in ("kind", "province", "status") if name in query}
        queryset = OrganisationDocument.objects(**filters).order_by("name_folded")
        if "q" in query:
            # A $regex string, not a compiled pattern: SecantusDB ignores BSON regex values.
            queryset = queryset.filter(__raw__={"name_folded": {"$regex": re.escape(fold(query["q"]))}})
        return paginate(queryset, query["page"], query["page_size"])

    @requires(blp, "platform_admin", "chamber_admin")
    @blp.arguments(OrganisationCreateSchema)
    @blp.response(201, OrganisationSchema)
    @blp.alt_response(409, schema=ErrorSchema, description="Tax number already registered")
    def post(self, data):
        """Register an organisation (it starts as an applicant)"""
        cause = Causation(correlation_id=g.correlation_id)
        return organisations.register_organisation(service().outbox, data, cause, current_principal().subject)


@blp.route("/<organisation_id>")
class OrganisationById(MethodView):
    @requires(blp, *READ_ROLES)
    @blp.response(200, OrganisationSchema)
    @blp.alt_response(404, schema=ErrorSchema, description="Unknown organisation")
    def get(self, organisation_id):
        """Get an organisation"""
        return organisations.get_organisation(organisation_id)


