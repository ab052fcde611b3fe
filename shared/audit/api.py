"""GET /api/v1/audit and GET /api/v1/data-subjects/{person_id}: mounted by every service the same way.

Each service lists `audit_blueprint()` and `data_subjects_blueprint(service, holdings)` among its
blueprints; `holdings(uow, person_id, principal)` is the service's own read of what it holds about a
person (shared/audit/access.py); the answer's frame and the record of the access are the same for all.
"""

from __future__ import annotations

from typing import Callable

from flask import g
from flask.views import MethodView

from ..auth import Principal
from ..web.bus import reading
from ..web.http import ApiBlueprint
from ..web.schemas import ErrorSchema, page_schema
from ..web.security import current_principal, guarded
from .access import Holdings, access_request
from .actor import actor_of
from .query import AuditQuery
from .schemas import AuditEntrySchema, AuditQuerySchema, DataSubjectSchema


def audit_blueprint() -> ApiBlueprint:
    blp = ApiBlueprint(
        "audit",
        __name__,
        url_prefix="/api/v1/audit",
        description="The audit trail: who changed what (one entry per event), who read whose data",
    )

    @blp.route("")
    class Audit(MethodView):
        @guarded(blp)
        @blp.arguments(AuditQuerySchema, location="query")
        @blp.response(200, page_schema(AuditEntrySchema))
        def get(self, query):
            """The audit trail, newest first (platform admins, auditors)"""
            return reading().audit_trail.entries(AuditQuery(**query))

    return blp


def everyone_allowed(principal: Principal) -> bool:
    return True


def data_subjects_blueprint(
    service: str, holdings: Holdings, shows_audit: Callable[[Principal], bool] = everyone_allowed
) -> ApiBlueprint:
    """`shows_audit(principal)`: whether the answer lists the audit entries naming the person (a service that
    cannot tell the person's organisation shows them to platform admins only)."""
    blp = ApiBlueprint(
        "data_subjects",
        __name__,
        url_prefix="/api/v1/data-subjects",
        description="Access requests (KVKK Art. 11, GDPR Art. 15): what the service holds of a person",
    )

    @blp.route("/<person_id>")
    class DataSubject(MethodView):
        @guarded(blp)
        @blp.response(200, DataSubjectSchema)
        @blp.alt_response(404, schema=ErrorSchema, description="A person this service knows nothing of")
        def get(self, person_id):
            """Everything this service holds about a person (platform admins; the person's own chamber admin)"""
            principal = current_principal()
            uow = reading()
            answer = access_request(uow, service, holdings, person_id, principal, shows_audit(principal))
            # Recorded before anything is shown: an answer that could not be recorded is not given.
            uow.audit_trail.record_access(service, person_id, actor_of(principal), g.correlation_id)
            return answer

    return blp
