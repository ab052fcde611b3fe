"""JWT bearer tokens with the contract's roles (RS256).

The private key only signs (the `tvp token` command and tests); services hold the
public key. On first run a development key pair is generated under var/keys/.
"""

from __future__ import annotations

import re
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ROLES = ("platform_admin", "chamber_admin", "programme_officer", "auditor")
ALGORITHM = "RS256"
# The shape of every id the platform makes (shared.ids: 32 hex digits), with room for hand-made ones
# (demo data, tests): a claim of this shape is safe as a MongoDB filter value and in a log line.
ORGANISATION_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
MAX_SUBJECT_LENGTH = 255


@dataclass(frozen=True)
class Principal:
    subject: str
    role: str
    organisation_id: str | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == "platform_admin"


class InvalidToken(Exception):
    pass


def ensure_dev_keys(private_file: Path, public_file: Path) -> bool:
    """Generate a key pair if none exists; returns True if it made one."""
    if public_file.exists():
        return False
    private_file.parent.mkdir(parents=True, exist_ok=True)
    public_file.parent.mkdir(parents=True, exist_ok=True)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    private_file.chmod(0o600)
    public_file.write_bytes(
        key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    return True


class TokenIssuer:
    def __init__(self, private_key_pem: bytes, issuer: str = "tvp"):
        self.key = private_key_pem
        self.issuer = issuer

    def issue(
        self, role: str, organisation_id: str | None = None, subject: str | None = None, ttl_s: int = 12 * 3600
    ) -> str:
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}; one of {', '.join(ROLES)}")
        if role == "chamber_admin" and not organisation_id:
            raise ValueError("a chamber_admin token needs the organisation id (--org)")
        if role != "chamber_admin" and organisation_id:
            raise ValueError(f"a {role} token acts for no organisation: --org is for chamber_admin only")
        now = int(time.time())
        claims = {
            "sub": subject or f"{role}-{uuid.uuid4().hex[:8]}",
            "role": role,
            "iss": self.issuer,
            "iat": now,
            "exp": now + ttl_s,
        }
        if organisation_id:
            claims["org"] = organisation_id
        return jwt.encode(claims, self.key, algorithm=ALGORITHM)


class TokenVerifier:
    def __init__(self, public_key_pem: bytes, issuer: str = "tvp"):
        # Parsed once: PyJWT would parse the PEM text again on every request.
        key = serialization.load_pem_public_key(public_key_pem)
        if not isinstance(key, rsa.RSAPublicKey):
            raise ValueError(f"the token verification key must be an RSA public key for {ALGORITHM}")
        self.key = key
        self.issuer = issuer

    def verify(self, token: str) -> Principal:
        try:
            claims = jwt.decode(
                token, self.key, algorithms=[ALGORITHM], issuer=self.issuer, options={"require": ["exp", "sub", "iss"]}
            )
        except jwt.PyJWTError as exc:
            raise InvalidToken(str(exc)) from exc
        return principal_of(claims)


def principal_of(claims: dict) -> Principal:
    """The principal a verified token's claims name, or InvalidToken for any claim of the wrong shape.

    A signature proves who issued the claims, not that they are well formed: a claim that is an object,
    a list or a number must never reach a MongoDB filter (`org: {"$ne": null}` would match every
    organisation), so only exact strings of the expected shapes pass."""
    role = claims.get("role")
    if not isinstance(role, str) or role not in ROLES:
        raise InvalidToken("token carries no known role")
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject.strip() or len(subject) > MAX_SUBJECT_LENGTH:
        raise InvalidToken("token's subject (sub) is not a non-empty string")
    organisation_id = claims.get("org")
    if role == "chamber_admin":
        if not isinstance(organisation_id, str) or not ORGANISATION_ID.fullmatch(organisation_id):
            raise InvalidToken("a chamber_admin token needs its organisation id (org) as a string")
    elif organisation_id is not None:
        # Only a chamber admin acts for an organisation; an org on another role is a malformed token.
        raise InvalidToken(f"a {role} token carries no organisation (org)")
    return Principal(subject=subject, role=role, organisation_id=organisation_id)
