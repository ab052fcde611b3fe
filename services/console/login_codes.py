"""One-time sign-in codes: what `tvp login-link` mints and `/login/<code>` accepts.

A code is a JWT signed with the platform's private key (the key of `tvp token`), for the audience
`tvp-console-login` only, so a service bearer token is never a sign-in code and a code is never a bearer
token (PyJWT refuses a token with an `aud` to a verifier that expects none, as the services'
does).  It lives 10 minutes; its `jti` is recorded when used, so it works once.
"""

from __future__ import annotations

import time
import uuid

import jwt

from shared.auth import ALGORITHM, InvalidToken, Principal, TokenIssuer, principal_of

AUDIENCE = "tvp-console-login"
LIFETIME_S = 600


def mint(issuer: TokenIssuer, role: str, organisation_id: str | None = None, subject: str | None = None,
         now: float | None = None) -> str:
    # The issuer's own checks first (role known, --org only and always for chamber_admin).
    issuer.issue(role, organisation_id, subject, ttl_s=1)
    issued = int(now if now is not None else time.time())
    claims = {
        "sub": subject or f"{role}-{uuid.uuid4().hex[:8]}",
        "role": role,
        "iss": issuer.issuer,
        "aud": AUDIENCE,
        "iat": issued,
        "exp": issued + LIFETIME_S,
        "jti": uuid.uuid4().hex,
    }
    if organisation_id:
        claims["org"] = organisation_id
    return jwt.encode(claims, issuer.key, algorithm=ALGORITHM)


class LoginCode:
    def __init__(self, principal: Principal, jti: str, expires_at: int):
        self.principal, self.jti, self.expires_at = principal, jti, expires_at


def verify(code: str, public_key, issuer: str) -> LoginCode:
    """The code's principal, jti and expiry; InvalidToken if forged, expired, for another audience or malformed."""
    try:
        claims = jwt.decode(code, public_key, algorithms=[ALGORITHM], audience=AUDIENCE, issuer=issuer,
                            options={"require": ["exp", "sub", "iss", "aud", "jti"]})
    except jwt.PyJWTError as exc:
        raise InvalidToken(str(exc)) from exc
    jti = claims["jti"]
    if not isinstance(jti, str) or not 8 <= len(jti) <= 64:
        raise InvalidToken("the code's jti is not a short string")
    return LoginCode(principal_of(claims), jti, int(claims["exp"]))
