"""Correctly signed tokens whose claims are malformed: what an attacker holding the signing key's output
(or a buggy issuer) could send. Each must be answered 401 by every service."""
from __future__ import annotations

import time

import jwt

FORGED_CLAIMS = {
    "chamber admin without org": {"role": "chamber_admin"},
    "chamber admin with empty org": {"role": "chamber_admin", "org": ""},
    "chamber admin with an object org": {"role": "chamber_admin", "org": {"$ne": None}},
    "chamber admin with a list org": {"role": "chamber_admin", "org": ["a", "b"]},
    "chamber admin with a number org": {"role": "chamber_admin", "org": 7},
    "chamber admin of an unknown organisation": {"role": "chamber_admin", "org": "0" * 32},
    "unknown role": {"role": "king"},
    "no role": {},
    "role as a list": {"role": ["chamber_admin", "platform_admin"]},
    "role with another case": {"role": "Platform_Admin"},
    "auditor with an org": {"role": "auditor", "org": "0" * 32},
}


def forged_token(private_key_pem: bytes, claims: dict, issuer: str = "tvp") -> str:
    now = int(time.time())
    return jwt.encode({"sub": "forger", "iss": issuer, "iat": now, "exp": now + 600, **claims}, private_key_pem,
                      algorithm="RS256")
