"""GET /api/v1/audit and GET /api/v1/data-subjects/{person_id}: mounted by every service the same way.

Each service lists `audit_blueprint()` and `data_subjects_blueprint(service, holdings)` among its
blueprints; `holdings(uow, person_id, principal)` is the service's own read of what it holds about a
person (raising NotFound or Forbidden), the rest (audit entries, the record of the access) is here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Callable

from flask import g
from flask.views import MethodView

from ..auth import Principal
from ..clock import local_iso, utc_now
from ..permissions import acts_for
from ..service_layer.unit_of_work import UnitOfWork
from ..web.bus import reading
from ..web.http import ApiBlueprint
from ..web.schemas import ErrorSchema, page_schema
from ..web.security import current_principal, requires
from .actor import actor_of
from .query import AuditQuery
from .schemas import AuditEntrySchema, AuditQuerySchema, DataSubjectSchema

Holdings = Callable[[UnitOfWork, str, Principal], dict]
# Who reads the trail: auditors (and platform admins, who may do everything).
AUDIT_ROLES = ("auditor",)
# Who asks for a person's data: platform admins, and chamber admins for people of their organisation.
ACCESS_REQUEST_ROLES = ("chamber_admin",)


def may_see_data_subject(principal: Principal, organisation_id: str | None) -> bool:
    """Who gets an access request's answer about a person of `organisation_id`: platform admins, and the
    chamber admin of that organisation (the person's own chamber acts for the person)."""
    return principal.is_admin or acts_for(principal, organisation_id)


def plain(value: Any) -> Any:
    """A service's holdings as JSON: stored times as ISO 8601 with the platform's offset."""
    if isinstance(value, datetime):
        return local_iso(value)
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def audit_blueprint() -> ApiBlueprint:
    blp = ApiBlueprint(
        "audit",
        __name__,
        url_prefix="/api/v1/audit",
        description="The audit trail: who changed what (one entry per event), who read whose data",
    )

    @blp.route("")
    class Audit(MethodView):
        @requires(blp, *AUDIT_ROLES)
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
        @requires(blp, *ACCESS_REQUEST_ROLES)
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


def access_request(
    uow: UnitOfWork, service: str, holdings: Holdings, person_id: str, principal: Principal, with_audit: bool = True
) -> dict:
    """The answer to an access request: the service's holdings, its audit entries naming the person."""
    return {
        "person_id": person_id,
        "service": service,
        "generated_at": utc_now(),
        "holds": plain(holdings(uow, person_id, principal)),
        # No service sends messages to people yet; their notifications will be listed here.
        "notifications": None,
        "audit": uow.audit_trail.naming(f"person/{person_id}") if with_audit else None,
    }
