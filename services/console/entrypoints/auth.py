"""Sign-in and sign-out: one-time links from `tvp login-link`, OpenID Connect in production, `/logout`."""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from urllib.parse import urlsplit

import requests
from authlib.integrations.base_client.errors import OAuthError
from flask import Blueprint, abort, redirect, render_template, request, session, url_for
from joserfc.errors import JoseError

from shared.auth import InvalidToken

from .. import login_codes, oidc
from ..web import console, current_user, public, sign_in

log = logging.getLogger(__name__)
blp = Blueprint("auth", __name__)
NAV: list = []


def _safe_next(target: str | None) -> str:
    """Only a path of this site: never an open redirect to another host."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return url_for("dashboard.index")
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else url_for("dashboard.index")


@blp.get("/login")
@public
def login_page():
    if current_user() is not None:
        return redirect(_safe_next(request.args.get("next")))
    target = _safe_next(request.args.get("next"))
    if target != url_for("dashboard.index"):
        session["next"] = target  # only then: a plain visit to /login leaves no session behind
    return render_template("auth/login.html", oidc=console().oidc is not None)


@blp.get("/login/<code>")
@public
def login_with_code(code: str):
    context = console()
    try:
        found = login_codes.verify(code, context.public_key, context.settings.base.jwt_issuer)
    except InvalidToken as exc:
        log.info("sign-in link refused: %s", exc)
        return render_template("auth/login.html", oidc=context.oidc is not None, refused=True), 400
    expires_at = datetime.fromtimestamp(found.expires_at, timezone.utc)
    if not context.used_codes.claim(found.jti, expires_at, found.principal.subject):
        log.info("sign-in link refused: already used")
        return render_template("auth/login.html", oidc=context.oidc is not None, refused=True), 400
    target = session.get("next") or url_for("dashboard.index")
    sign_in(found.principal, "link")
    log.info("signed in", extra={"sub": found.principal.subject, "role": found.principal.role, "via": "link"})
    return redirect(_safe_next(target))


@blp.post("/oidc/login")
@public
def oidc_start():
    """The sign-in button: off to the identity provider (a POST with the CSRF token, so no other site can
    start a sign-in in the visitor's name)."""
    client = console().oidc
    if client is None:
        abort(404)
    redirect_uri = console().settings.oidc_redirect_url or url_for("auth.oidc_callback", _external=True)
    return client.authorize_redirect(redirect_uri)


@blp.get("/oidc/callback")
@public
def oidc_callback():
    context = console()
    if context.oidc is None:
        abort(404)
    try:
        token = context.oidc.authorize_access_token()
        principal = oidc.principal_from(token.get("userinfo") or {}, context.settings.oidc)
    except InvalidToken as exc:
        log.info("OpenID Connect sign-in refused: %s", exc)
        return render_template("auth/login.html", oidc=True, no_role=True), 403
    except (OAuthError, JoseError, ValueError, KeyError) as exc:
        log.info("OpenID Connect sign-in failed: %s: %s", exc.__class__.__name__, exc)
        return render_template("auth/login.html", oidc=True, oidc_failed=True), 400
    except requests.RequestException as exc:
        log.warning("identity provider unreachable: %s", exc.__class__.__name__)
        return render_template("auth/login.html", oidc=True, oidc_failed=True), 502
    target = session.get("next") or url_for("dashboard.index")
    sign_in(principal, "oidc")
    log.info("signed in", extra={"sub": principal.subject, "role": principal.role, "via": "oidc"})
    return redirect(_safe_next(target))


@blp.post("/logout")
@public
def logout():
    language = session.get("lang")
    session.clear()
    response = redirect(url_for("auth.login_page", lang=language) if language else url_for("auth.login_page"))
    return response
