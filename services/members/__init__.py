"""Members service: organisations, people, governance bodies and the membership lifecycle."""
from shared.asyncapi import build_document
from shared.contracts import REGISTRY
from shared.web.app import create_service_app

from .adapters.documents import AGGREGATE_COLLECTIONS, ensure_indexes


def create_app(settings=None):
    from . import bootstrap
    from .entrypoints.bodies_api import blp as bodies
    from .entrypoints.organisations_api import blp as organisations
    from .entrypoints.people_api import blp as people
    from .entrypoints.retention_api import blp as retention

    app = create_service_app(
        "members", "TVP Members API",
        "Organisations, people, governance bodies and the membership lifecycle of the Thrace Productivity Platform.",
        [organisations, people, bodies, retention], AGGREGATE_COLLECTIONS, REGISTRY, settings=settings,
        setup=ensure_indexes,
        asyncapi_document=lambda: build_document(REGISTRY), bus=bootstrap.bus)
    return app
