"""The signing key of `tvp token` and `tvp demo`. Only `tvp up` creates the development key pair: a command
that made a new pair would sign tokens the running services reject."""

from __future__ import annotations

import os
from pathlib import Path

from ..runfile import RunState, default_var_dir
from .errors import CliError


def private_key_file(run: RunState | None) -> Path:
    if run is not None and run.content.get("jwt_private_key_file"):
        return Path(run.content["jwt_private_key_file"])
    configured = os.environ.get("TVP_JWT_PRIVATE_KEY_FILE")
    return Path(configured) if configured else default_var_dir() / "keys" / "jwt-private.pem"


def issuer(run: RunState | None):
    from shared.auth import TokenIssuer

    path = private_key_file(run)
    if not path.exists():
        raise CliError(
            f"no signing key at {path}: start the stack with `tvp up` first, or set TVP_JWT_PRIVATE_KEY_FILE"
        )
    try:
        pem = path.read_bytes()
    except OSError as exc:
        raise CliError(f"cannot read the signing key at {path}: {exc.strerror}") from None
    return TokenIssuer(
        pem, (run.content.get("jwt_issuer") if run else None) or os.environ.get("TVP_JWT_ISSUER") or "tvp"
    )
