"""The console's application factory: the services' family (configuration from the environment, JSON logs,
correlation ids, the access log, /healthz, /readyz, /metrics), then sessions, CSRF, languages and pages."""

from __future__ import annotations

import logging

import pymongo
from cryptography.hazmat.primitives import serialization
from flask import Flask
from flask_wtf.csrf import CSRFProtect

from shared.auth import TokenIssuer, ensure_dev_keys
from shared.config import Settings
from shared.db import connect
from shared.logs import configure_logging
from shared.web import access_log, correlation_ids, metrics, outages

from . import errors, i18n, oidc, web
from .adapters.api import ApiClient
from .adapters.health import RecentFigures, service_figures
from .adapters.store import SessionStore, UsedLoginCodes, ensure_indexes
from .config import SERVICE, ConsoleSettings, load_console_settings, with_secret
from .sessions import ServerSessionInterface

log = logging.getLogger(__name__)


def page_areas() -> list:
    """Every page area of the console, in the order of the navigation: each module has a blueprint `blp`
    and `NAV`, its navigation entries (services/console/README.md: how to add one)."""
    from .entrypoints import (
        auth,
        bodies,
        dashboard,
        expenditures,
        health,
        indicators,
        meetings,
        operations,
        organisations,
        people,
        reports,
        streams,
    )

    return [operations, auth, dashboard, organisations, people, bodies, meetings, indicators, expenditures, reports,
            streams, health]


def create_console_app(settings: ConsoleSettings | Settings | None = None) -> Flask:
    if not isinstance(settings, ConsoleSettings):
        settings = load_console_settings(settings)
    base = settings.base
    configure_logging(SERVICE, base.log_level)
    ensure_dev_keys(base.jwt_private_key_file, base.jwt_public_key_file)
    settings = with_secret(settings)

    app = Flask("services.console")
    app.config.update(
        SECRET_KEY=settings.secret_key,
        SESSION_COOKIE_SECURE=settings.cookie_secure,
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session it belongs to
        WTF_CSRF_SSL_STRICT=settings.cookie_secure,
        TEMPLATES_AUTO_RELOAD=False,
    )
    client, db = connect(base, operation_timeout_s=outages.DATABASE_BUDGET_S)
    try:
        with pymongo.timeout(outages.STARTUP_BUDGET_S):
            ensure_indexes(db)
    except Exception as exc:  # noqa: BLE001 - the app starts; /readyz says why it is not ready
        log.warning("could not prepare indexes yet: %s", exc)

    private_pem = base.jwt_private_key_file.read_bytes()
    context = web.ConsoleContext(
        settings=settings,
        client=client,
        db=db,
        sessions=SessionStore(db, settings.session_idle_s),
        used_codes=UsedLoginCodes(db),
        # The parsed key, not its PEM: PyJWT would parse (and check) the PEM again for every token, which
        # took 20-140 ms per page; the console signs one token per request.
        issuer=TokenIssuer(serialization.load_pem_private_key(private_pem, password=None), base.jwt_issuer),
        public_key=serialization.load_pem_public_key(base.jwt_public_key_file.read_bytes()),
        api=ApiClient(settings.api_urls, settings.api_timeout_s),
    )
    context.figures = RecentFigures(lambda service: service_figures(context.api, service))
    app.extensions[web.EXTENSION] = context
    context.oidc = oidc.init_app(app, settings.oidc)
    app.session_interface = ServerSessionInterface(context.sessions, settings.cookie_secure)

    access_log.init_app(app)
    correlation_ids.init_app(app)
    # The console has no outbox and consumes nothing: its runtime gauges stay 0, its request metrics count.
    metrics.init_app(app, SERVICE, db, [])
    CSRFProtect(app)
    i18n.init_app(app)
    web.init_app(app)
    errors.init_app(app)
    for area in page_areas():
        app.register_blueprint(area.blp)
        context.nav.extend(getattr(area, "NAV", []))
    _init_template_helpers(app)
    return app


def _init_template_helpers(app: Flask) -> None:
    from . import formats, labels

    app.jinja_env.globals.update(formats.TEMPLATE_GLOBALS)
    app.jinja_env.globals["api_status_message"] = errors.status_message
    # A global, not a context variable: the macros of _forms.html, imported without context, use it.
    app.jinja_env.globals["new_idempotency_key"] = web.new_idempotency_key
    app.jinja_env.filters.update(formats.TEMPLATE_FILTERS)
    app.jinja_env.filters["label"] = lambda code, table: labels.label(table, code)
