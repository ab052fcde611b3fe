"""The application factory every service's `create_app()` calls."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pymongo
from flask import Flask, current_app, jsonify
from flask_smorest import Api

from ..access import HTTP_METHODS, Table, check_covers, openapi_path
from ..auth import TokenVerifier, ensure_dev_keys
from ..config import Settings, load_settings
from ..db import connect, ping
from ..logs import configure_logging
from ..messaging.kafka import broker_reachable
from ..messaging.outbox import Outbox, ensure_outbox_indexes
from . import access_log, api_docs, correlation_ids, errors, headers, idempotency, limits, metrics, outages
from .bus import EXTENSION as BUS_EXTENSION
from .security import ACCESS_EXTENSION, KnownOrganisations

log = logging.getLogger(__name__)


@dataclass
class ServiceContext:
    """What a request handler needs of its service, kept in app.extensions["tvp"]."""

    settings: Settings
    client: object
    db: object
    outbox: Outbox
    verifier: TokenVerifier
    known_organisations: KnownOrganisations


def service() -> ServiceContext:
    return current_app.extensions["tvp"]


def create_service_app(
    name: str,
    title: str,
    description: str,
    blueprints: list,
    aggregates: list[str],
    registry,
    settings: Settings | None = None,
    setup=None,
    asyncapi_document: Callable[[], dict] | None = None,
    bus: Callable[..., Any] | None = None,
    access: Table | None = None,
    organisations: Callable[[Any], Any] | None = None,
) -> Flask:
    """The service's Flask app. `registry` and `asyncapi_document` (builds the AsyncAPI document
    served at /api/v1/asyncapi.json and /api/v1/asyncapi) come from the service, so this runtime
    module never imports the published language (shared/contracts, shared/asyncapi). `bus(client, db, outbox)`
    makes the service's message bus (its bootstrap), kept for the entrypoints (shared/web/bus.py). `access` is the
    service's authorisation table (shared/access.py): every route of `blueprints` has exactly one row per method.
    `organisations(db)` is the collection of the organisations a chamber admin's token may name."""
    settings = settings or load_settings(name)
    configure_logging(name, settings.log_level)
    app = Flask(f"services.{name}")
    app.config.update(
        API_TITLE=title,
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api/v1",
        OPENAPI_JSON_PATH="openapi.json",
        **api_docs.SWAGGER_UI_CONFIG,
        API_SPEC_OPTIONS={
            "info": {"description": description},
            "components": {
                "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}
            },
        },
        JSON_SORT_KEYS=False,
    )
    ensure_dev_keys(settings.jwt_private_key_file, settings.jwt_public_key_file)
    client, db = connect(settings, operation_timeout_s=outages.DATABASE_BUDGET_S)
    app.extensions["tvp"] = ServiceContext(
        settings=settings,
        client=client,
        db=db,
        outbox=Outbox(db, registry),
        verifier=TokenVerifier(settings.jwt_public_key_file.read_bytes(), settings.jwt_issuer),
        known_organisations=KnownOrganisations(db, organisations or (lambda db: db["member_organisations"])),
    )
    app.extensions[ACCESS_EXTENSION] = access or {}
    if bus is not None:
        context = app.extensions["tvp"]
        app.extensions[BUS_EXTENSION] = bus(context.client, context.db, context.outbox)
    try:
        # Index creation may take longer than a request's database budget (the client's timeoutMS).
        with pymongo.timeout(outages.STARTUP_BUDGET_S):
            ensure_outbox_indexes(db, aggregates)
            if setup:
                setup(db)
    except Exception as exc:  # noqa: BLE001 - the app starts; /readyz says why it is not ready
        log.warning("could not prepare indexes yet: %s", exc)

    access_log.init_app(app)
    correlation_ids.init_app(app)
    metrics.init_app(app, name, db, aggregates)
    limits.init_app(app)
    api = Api(app, spec_kwargs={"extra_plugins": [idempotency.IdempotencyKeyDocs()]})
    errors.init_app(app)
    outages.init_app(app)
    for blueprint in blueprints:
        api.register_blueprint(blueprint)
    check_covers(name, app.extensions[ACCESS_EXTENSION], api_routes(app, blueprints))
    headers.init_app(app)
    idempotency.init_app(app, client, db)
    api_docs.init_app(app, asyncapi_document)
    _init_operations(app, settings)
    return app


def _init_operations(app: Flask, settings: Settings) -> None:
    @app.get("/healthz")
    def healthz():
        return jsonify(status="alive", service=settings.service)

    @app.get("/readyz")
    def readyz():
        mongo_ok, mongo_detail = ping(service().client)
        kafka_ok, kafka_detail = broker_reachable(settings.kafka_bootstrap)
        checks = {"mongodb": mongo_detail, "kafka": kafka_detail}
        if mongo_ok and kafka_ok:
            return jsonify(status="ready", checks=checks)
        failing = [name for name, ok in (("mongodb", mongo_ok), ("kafka", kafka_ok)) if not ok]
        body = {
            "code": 503,
            "status": "Service Unavailable",
            "message": f"not ready: {' and '.join(failing)} unreachable",
            "failing": failing,
            "checks": checks,
        }
        return jsonify(body), 503


def api_routes(app: Flask, blueprints: list) -> list[tuple[str, str]]:
    """(method, OpenAPI path) of every route the blueprints serve: what the access table must cover."""
    names = {blueprint.name for blueprint in blueprints}
    return [
        (method, openapi_path(rule.rule))
        for rule in app.url_map.iter_rules()
        if rule.endpoint.split(".", 1)[0] in names
        for method in sorted(rule.methods or ())
        if method in HTTP_METHODS
    ]
