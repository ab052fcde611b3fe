"""Members service: organisations, people, governance bodies and the membership lifecycle."""
from shared.asyncapi import build_document
from shared.audit.api import audit_blueprint, data_subjects_blueprint
from shared.contracts import REGISTRY
from shared.web.app import create_service_app

from .adapters.documents import AGGREGATE_COLLECTIONS, ensure_indexes
from .domain.permissions import ACCESS


def create_app(settings=None):
    from . import bootstrap
    from .entrypoints.bodies_api import blp as bodies
    from .entrypoints.organisation_files_api import blp as organisation_files
    from .entrypoints.organisations_api import blp as organisations
    from .entrypoints.people_api import blp as people
    from .entrypoints.retention_api import blp as retention
    from .service_layer import data_subject

    app = create_service_app(
        "members", "TVP Members API",
        "Organisations, people, governance bodies and the membership lifecycle of the Thrace Productivity Platform.",
        [organisations, organisation_files, people, bodies, retention, audit_blueprint(),
         data_subjects_blueprint("members", data_subject.holdings)],
        AGGREGATE_COLLECTIONS, REGISTRY, settings=settings, setup=ensure_indexes,
        asyncapi_document=lambda: build_document(REGISTRY), bus=bootstrap.bus,
        access=ACCESS, organisations=lambda db: db["organisations"])
    return app
