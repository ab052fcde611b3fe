"""The console's settings: the platform's common ones (shared.config) plus where the three APIs are,
how long a session lives and, in production, the OpenID Connect provider.

Every variable is read from the environment so one image runs anywhere (docs/configuration.md).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field, replace

from shared.config import SERVICE_PORTS, Settings, load_settings

SERVICE = "console"
API_SERVICES = ("members", "events", "reporting")


def _env(name: str, default: str = "") -> str:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


@dataclass(frozen=True)
class OidcSettings:
    issuer: str
    client_id: str
    client_secret: str
    role_claim: str = "tvp_role"
    org_claim: str = "tvp_org"
    scope: str = "openid profile email"


@dataclass(frozen=True)
class ConsoleSettings:
    base: Settings  # MongoDB (its own database, tvp_console), keys, issuer, port, log level
    api_urls: dict = field(default_factory=dict)  # service name -> base URL
    secret_key: str = ""
    cookie_secure: bool = False
    session_idle_s: int = 8 * 3600
    service_token_ttl_s: int = 120
    api_timeout_s: float = 5.0
    oidc: OidcSettings | None = None
    oidc_redirect_url: str = ""  # behind a proxy: the callback URL the provider knows (else from the request)

    @property
    def port(self) -> int:
        return self.base.port


def default_api_urls() -> dict[str, str]:
    """TVP_<SERVICE>_URL, else the service on this machine at its TVP_<SERVICE>_PORT (as `tvp up` starts it)."""
    urls = {}
    for name in API_SERVICES:
        port = _env(f"TVP_{name.upper()}_PORT", str(SERVICE_PORTS[name]))
        urls[name] = _env(f"TVP_{name.upper()}_URL", f"http://127.0.0.1:{port}").rstrip("/")
    return urls


def oidc_from_env() -> OidcSettings | None:
    issuer = _env("TVP_OIDC_ISSUER")
    if not issuer:
        return None
    return OidcSettings(
        issuer=issuer.rstrip("/"),
        client_id=_env("TVP_OIDC_CLIENT_ID"),
        client_secret=_env("TVP_OIDC_CLIENT_SECRET"),
        role_claim=_env("TVP_OIDC_ROLE_CLAIM", "tvp_role"),
        org_claim=_env("TVP_OIDC_ORG_CLAIM", "tvp_org"),
        scope=_env("TVP_OIDC_SCOPE", "openid profile email"),
    )


def derived_secret(base: Settings) -> str:
    """Without TVP_CONSOLE_SECRET_KEY, a secret derived from the private key: every gunicorn worker and every
    restart derives the same one (a random one per process would fail CSRF checks across workers), and it is
    as secret as the key the console already holds."""
    try:
        pem = base.jwt_private_key_file.read_bytes()
    except OSError:
        return ""
    return hashlib.sha256(b"tvp-console-secret\0" + pem).hexdigest()


def load_console_settings(base: Settings | None = None, **overrides) -> ConsoleSettings:
    base = base or load_settings(SERVICE)
    values = dict(
        base=base,
        api_urls=default_api_urls(),
        secret_key=_env("TVP_CONSOLE_SECRET_KEY"),
        cookie_secure=_env("TVP_CONSOLE_SECURE_COOKIES", "false").lower() in ("1", "true", "yes"),
        session_idle_s=int(float(_env("TVP_CONSOLE_SESSION_HOURS", "8")) * 3600),
        service_token_ttl_s=int(_env("TVP_CONSOLE_SERVICE_TOKEN_TTL_S", "120")),
        api_timeout_s=float(_env("TVP_CONSOLE_API_TIMEOUT_S", "5")),
        oidc=oidc_from_env(),
        oidc_redirect_url=_env("TVP_OIDC_REDIRECT_URL"),
    )
    values.update(overrides)
    return ConsoleSettings(**values)


def with_secret(settings: ConsoleSettings) -> ConsoleSettings:
    return settings if settings.secret_key else replace(settings, secret_key=derived_secret(settings.base))
