"""OpenID Connect sign-in (production): the chamber's identity provider says who someone is and which console
role they hold; authlib does the protocol (discovery, state, nonce, code exchange, ID token signature through
the provider's JWKS).

The role and the organisation come from two claims of the ID token whose names are configured
(TVP_OIDC_ROLE_CLAIM, default `tvp_role`; TVP_OIDC_ORG_CLAIM, default `tvp_org`): an identity provider holds
them as user attributes or group mappings. They pass the same strict checks as a bearer token's claims
(shared.auth.principal_of): an account without a known role, or a chamber admin without an organisation,
is not signed in.
"""

from __future__ import annotations

from authlib.integrations.flask_client import OAuth

from shared.auth import InvalidToken, Principal, principal_of

from .config import OidcSettings

NAME = "tvp"


def init_app(app, settings: OidcSettings | None):
    """The registered authlib client, or None when OpenID Connect is not configured."""
    if settings is None:
        return None
    oauth = OAuth(app)
    return oauth.register(
        NAME,
        client_id=settings.client_id,
        client_secret=settings.client_secret,
        server_metadata_url=f"{settings.issuer}/.well-known/openid-configuration",
        client_kwargs={"scope": settings.scope, "timeout": 5},
    )


def principal_from(claims: dict, settings: OidcSettings) -> Principal:
    """InvalidToken when the account holds no console role (or a malformed one)."""
    organisation = claims.get(settings.org_claim)
    return principal_of({
        "sub": claims.get("sub"),
        "role": claims.get(settings.role_claim),
        **({"org": organisation} if organisation not in (None, "") else {}),
    })


__all__ = ["InvalidToken", "init_app", "principal_from"]
