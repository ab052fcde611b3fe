"""HTTP entrypoint for this service's view of the member organisations (read only)."""
from __future__ import annotations

from flask.views import MethodView

from shared.errors import NotFound
from shared.web.app import service
from shared.web.http import ApiBlueprint
from shared.web.schemas import ErrorSchema, find_page, page_schema
from shared.web.security import READ_ROLES, requires

from ..adapters.documents import ORGANISATIONS
from .schemas import MemberOrganisationSchema, OrganisationQuerySchema

blp = ApiBlueprint("member_organisations", __name__, url_prefix="/api/v1/member-organisations",
                description="The member organisations as the events service knows them from the members' events")


def _shown(doc: dict) -> dict:
    return {"id": doc["_id"], **{k: doc.get(k) for k in ("name", "kind", "province", "size_class", "is_sme", "status")},
            "version": doc.get("version") or 0, "may_host": doc.get("status") == "active" and bool(doc.get("kind"))}


@blp.route("")
class MemberOrganisations(MethodView):
    @requires(blp, *READ_ROLES)
    @blp.arguments(OrganisationQuerySchema, location="query")
    @blp.response(200, page_schema(MemberOrganisationSchema))
    def get(self, query):
        """List the organisations known to the events service"""
        criteria = {name: query[name] for name in ("status", "kind") if name in query}
        found = find_page(service().db[ORGANISATIONS], criteria, None, [("_id", 1)], query["page"], query["page_size"])
        return found | {"items": [_shown(d) for d in found["items"]]}


@blp.route("/<organisation_id>")
class MemberOrganisationById(MethodView):
    @requires(blp, *READ_ROLES)
    @blp.response(200, MemberOrganisationSchema)
    @blp.alt_response(404, schema=ErrorSchema, description="Not known to the events service (yet)")
    def get(self, organisation_id):
        """An organisation as the events service knows it, and whether it may host meetings"""
        found = service().db[ORGANISATIONS].find_one({"_id": organisation_id})
        if found is None:
            raise NotFound(f"organisation {organisation_id} is not known to the events service")
        return _shown(found)
