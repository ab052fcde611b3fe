"""Events service: meetings, workshops and trainings with registrations, attendance, quorum and decisions."""
from shared.asyncapi import build_document
from shared.audit.api import audit_blueprint, data_subjects_blueprint
from shared.contracts import REGISTRY
from shared.web.app import create_service_app

from .adapters.documents import AGGREGATE_COLLECTIONS, ensure_indexes
from .domain.permissions import ACCESS


def _setup(db) -> None:
    from .bootstrap import unit_of_work
    from .service_layer.check_in_codes import issue_missing_codes

    ensure_indexes(db)
    issue_missing_codes(unit_of_work(db))  # registrations confirmed before check-in codes existed


def create_app(settings=None):
    from .bootstrap import bus
    from .entrypoints.calendars_api import blp as calendars
    from .entrypoints.evidence_api import blp as evidence
    from .entrypoints.meetings_api import blp as meetings
    from .entrypoints.membership_api import blp as member_organisations
    from .entrypoints.notifications_api import blp as notifications
    from .entrypoints.printouts_api import blp as printouts
    from .entrypoints.retention_api import blp as retention
    from .service_layer import data_subject

    app = create_service_app(
        "events", "TVP Events API",
        "Board and advisory-board meetings, workshops and trainings of the Thrace Productivity Platform.",
        [meetings, calendars, printouts, evidence, member_organisations, notifications, retention, audit_blueprint(),
         data_subjects_blueprint("events", data_subject.holdings)],
        AGGREGATE_COLLECTIONS, REGISTRY, settings=settings, setup=_setup,
        asyncapi_document=lambda: build_document(REGISTRY), bus=bus,
        access=ACCESS, organisations=lambda db: db["member_organisations"])
    return app
