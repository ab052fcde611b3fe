"""`tvp login-link` prints a console URL whose code the console's verifier accepts for the asked role."""
from __future__ import annotations

import re
import time

import pytest
from cryptography.hazmat.primitives import serialization

from infra.cli.app import main
from services.console import login_codes
from shared.auth import InvalidToken, TokenIssuer, ensure_dev_keys

LINK = re.compile(r"^http://127\.0\.0\.1:(\d+)/login/([\w.-]+)$")


@pytest.fixture
def keys(tmp_path, monkeypatch):
    ensure_dev_keys(tmp_path / "keys" / "jwt-private.pem", tmp_path / "keys" / "jwt-public.pem")
    monkeypatch.setenv("TVP_VAR_DIR", str(tmp_path))
    monkeypatch.delenv("TVP_JWT_PRIVATE_KEY_FILE", raising=False)
    monkeypatch.delenv("TVP_CONSOLE_URL", raising=False)
    monkeypatch.delenv("TVP_CONSOLE_PORT", raising=False)
    return tmp_path / "keys"


def public_key(keys):
    return serialization.load_pem_public_key((keys / "jwt-public.pem").read_bytes())


def tvp(capsys, *args) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_the_link_names_the_console_and_carries_a_code_for_the_role(keys, capsys):
    status, out, err = tvp(capsys, "login-link", "--role", "chamber_admin", "--org", "org-1", "--sub", "kesan")
    assert status == 0, err
    port, code = LINK.match(out.strip()).groups()
    assert port == "8000"
    found = login_codes.verify(code, public_key(keys), "tvp")
    assert (found.principal.role, found.principal.organisation_id, found.principal.subject) == (
        "chamber_admin", "org-1", "kesan")


def test_each_link_has_its_own_jti_and_lives_ten_minutes(keys):
    issuer = TokenIssuer((keys / "jwt-private.pem").read_bytes())
    codes = [login_codes.mint(issuer, "auditor") for _ in range(2)]
    verified = [login_codes.verify(code, public_key(keys), "tvp") for code in codes]
    assert verified[0].jti != verified[1].jti
    assert 595 <= verified[0].expires_at - time.time() <= 600
    with pytest.raises(InvalidToken):
        login_codes.verify(login_codes.mint(issuer, "auditor", now=time.time() - 601), public_key(keys), "tvp")


def test_the_console_port_comes_from_the_environment(keys, monkeypatch, capsys):
    monkeypatch.setenv("TVP_CONSOLE_PORT", "18000")
    status, out, _ = tvp(capsys, "login-link", "--role", "auditor")
    assert status == 0
    assert LINK.match(out.strip()).group(1) == "18000"


def test_a_chamber_admin_link_needs_its_organisation(keys, capsys):
    status, out, err = tvp(capsys, "login-link", "--role", "chamber_admin")
    assert status == 1 and out == ""
    assert "--org" in err


def test_without_a_key_the_command_refuses_rather_than_make_one(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("TVP_VAR_DIR", str(tmp_path))
    monkeypatch.delenv("TVP_JWT_PRIVATE_KEY_FILE", raising=False)
    status, out, err = tvp(capsys, "login-link", "--role", "auditor")
    assert status == 1 and out == ""
    assert "tvp up" in err
    assert not (tmp_path / "keys").exists()
