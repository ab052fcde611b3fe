"""Reporting service: indicators, expenditures and period reports for the Competitive Sectors Programme."""
from shared.asyncapi import build_document
from shared.audit.api import audit_blueprint, data_subjects_blueprint
from shared.contracts import REGISTRY
from shared.web.app import create_service_app

from .adapters.documents import AGGREGATE_COLLECTIONS, active_member_organisations, ensure_indexes
from .domain.permissions import ACCESS


def create_app(settings=None):
    from . import bootstrap
    from .entrypoints.evidence_api import blp as evidence
    from .entrypoints.expenditures_api import blp as expenditures
    from .entrypoints.indicators_api import blp as indicators
    from .entrypoints.programme_api import blp as programme
    from .entrypoints.reports_api import blp as reports
    from .service_layer import data_subject

    app = create_service_app(
        "reporting", "TVP Reporting API",
        "Indicators, expenditures and period reports of the Thrace Productivity Platform.",
        [programme, indicators, expenditures, evidence, reports, audit_blueprint(),
         data_subjects_blueprint("reporting", data_subject.holdings, data_subject.shows_audit)],
        AGGREGATE_COLLECTIONS, REGISTRY, settings=settings,
        setup=ensure_indexes, asyncapi_document=lambda: build_document(REGISTRY), bus=bootstrap.bus,
        access=ACCESS, organisations=active_member_organisations)
    return app
