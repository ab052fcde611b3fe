"""What every page of the console stands on: the signed-in user, the API client acting for them, the gate
that sends a visitor without a session to /login, the navigation, the security headers, and the form
error convention.

A page is private unless its view is marked `@public`: a new page cannot be left open by forgetting.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from flask import abort, current_app, g, redirect, render_template, request, session, url_for
from flask_babel import LazyString, get_locale
from flask_babel import lazy_gettext as _l

from shared.auth import ROLES, Principal, TokenIssuer

from .adapters.api import ApiClient, ApiError, UserApi
from .adapters.store import SessionStore, UsedLoginCodes
from .config import ConsoleSettings
from .i18n import DEFAULT as DEFAULT_LANGUAGE
from .i18n import api_message

EXTENSION = "tvp_console"
USER_KEY = "user"
# Routes that are not the console's own views: its static files and the metrics of shared/web/metrics.py.
PUBLIC_ENDPOINTS = frozenset({"static", "metrics"})
# Whatever a response may load comes from the console itself (contract: no CDN, no external URL);
# no inline script or style runs. frame-ancestors: no other site frames the console (clickjacking).
CONTENT_SECURITY_POLICY = "default-src 'self'; base-uri 'self'; frame-ancestors 'none'"


@dataclass
class ConsoleContext:
    settings: ConsoleSettings
    client: Any
    db: Any
    sessions: SessionStore
    used_codes: UsedLoginCodes
    issuer: TokenIssuer
    public_key: Any
    api: ApiClient
    oidc: Any = None  # authlib's registered client when OpenID Connect is configured
    nav: list = field(default_factory=list)
    figures: Any = None  # adapters.health.RecentFigures: each service's /metrics figures, kept seconds


def console() -> ConsoleContext:
    return current_app.extensions[EXTENSION]


# --- who is signed in -------------------------------------------------------------------------------------

def sign_in(principal: Principal, method: str) -> None:
    """Starts a session for `principal`: a fresh session id, whatever the visitor had before."""
    language = session.get("lang")
    session.clear()
    session.regenerate()
    session[USER_KEY] = {"sub": principal.subject, "role": principal.role, "org": principal.organisation_id,
                         "via": method}
    if language:
        session["lang"] = language


def current_user() -> Principal | None:
    if "user" not in g:
        data = session.get(USER_KEY)
        g.user = Principal(data["sub"], data["role"], data.get("org")) if data else None
    return g.user


def role_in(*roles: str) -> bool:
    user = current_user()
    return user is not None and user.role in roles


def requires_role(*roles: str) -> Callable:
    """A page for some roles only: another role gets 403 (its nav entry is hidden as well)."""
    def decorate(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            if not role_in(*roles):
                abort(403)
            return view(*args, **kwargs)
        return guarded
    return decorate


def public(view):
    """A view anyone may open without a session (sign-in pages, health, static files)."""
    view.console_public = True
    return view


def service_token() -> str | None:
    """A short-lived bearer token for the signed-in user (their sub, role and org), one per request: the
    console holds the platform's private key, the services check it as they check any token."""
    user = current_user()
    if user is None:
        return None
    if "service_token" not in g:
        g.service_token = console().issuer.issue(user.role, user.organisation_id, user.subject,
                                                 ttl_s=console().settings.service_token_ttl_s)
    return g.service_token


def api() -> UserApi:
    """The three services' APIs as the signed-in user of this request (safe to hand to worker threads)."""
    if "user_api" not in g:
        g.user_api = console().api.as_user(service_token(), g.get("correlation_id"))
    return g.user_api


_POOL: dict[int, ThreadPoolExecutor] = {}


def gather(jobs: dict[str, Callable[[], Any]]) -> dict[str, Any]:
    """Runs a page's independent API calls at once; each name maps to its result or to its ApiError.
    The jobs must not touch Flask's request globals: give them a caller from `api()` made beforehand."""
    pool = _POOL.get(os.getpid())
    if pool is None:  # made in the process that uses it: threads do not survive gunicorn's fork
        pool = _POOL[os.getpid()] = ThreadPoolExecutor(max_workers=16, thread_name_prefix="console-api")
    futures = {name: pool.submit(job) for name, job in jobs.items()}
    results: dict[str, Any] = {}
    for name, future in futures.items():
        try:
            results[name] = future.result()
        except ApiError as error:
            results[name] = error
    return results


# --- the gate and the headers -----------------------------------------------------------------------------

def init_app(app) -> None:
    @app.before_request
    def _require_session():
        view = app.view_functions.get(request.endpoint) if request.endpoint else None
        if view is None or getattr(view, "console_public", False) or request.endpoint in PUBLIC_ENDPOINTS:
            return None
        if current_user() is None:
            if request.headers.get("HX-Request"):
                # htmx follows no redirect into a fragment; it reloads the page, which then goes to /login.
                return "", 401, {"HX-Redirect": url_for("auth.login_page")}
            return redirect(url_for("auth.login_page", next=request.full_path.rstrip("?")))
        return None

    @app.after_request
    def _security_headers(response):
        response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        if request.endpoint != "static":
            # Pages show personal data and carry CSRF tokens: no cache keeps them.
            response.headers["Cache-Control"] = "no-store"
        started = g.get("access_started")
        if started is not None:
            # The page's server time, for the browser's developer tools and benchmarks/console_pages.py.
            response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
        return response

    @app.context_processor
    def _page_context():
        return {"current_user": current_user(), "nav_entries": visible_nav(), "role_in": role_in,
                "role_names": ROLE_NAMES, "page_language": page_language(), "language_url": language_url}


ROLE_NAMES = {
    "platform_admin": _l("platform administrator"),
    "chamber_admin": _l("chamber administrator"),
    "programme_officer": _l("programme officer"),
    "auditor": _l("auditor"),
}


def page_language() -> str:
    locale = get_locale()
    return locale.language if locale else DEFAULT_LANGUAGE


def language_url(language: str) -> str:
    """This page in another language, its filters and page number kept."""
    if request.endpoint is None:
        return f"?lang={language}"
    args = request.args.to_dict(flat=False)
    args["lang"] = [language]
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def new_idempotency_key() -> str:
    return uuid.uuid4().hex


# --- navigation -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class NavEntry:
    endpoint: str
    label: LazyString | str
    roles: tuple[str, ...] = ROLES  # who sees the entry; default every role


def visible_nav() -> list[NavEntry]:
    user = current_user()
    if user is None:
        return []
    return [entry for entry in console().nav if user.role in entry.roles]


# --- forms ------------------------------------------------------------------------------------------------

def render_form_errors(template: str, error: ApiError, status: int | None = None, **context):
    """A form page again, after the API refused it: each field's messages next to that field (the template
    shows `g.form_field_errors[name]` with the `field_errors` macro of _forms.html), the rest at the top."""
    g.form_field_errors = {name: [api_message(message) for message in messages]
                           for name, messages in error.field_errors.items()}
    g.form_error = error
    body = render_template(template, **context)
    return body, status or (error.status if 400 <= error.status < 500 else 422)


def api_error_status(error: ApiError) -> int:
    return error.status if 400 <= error.status < 600 else 502
