"""docs/api.md lists every endpoint the three services serve (method and path)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
IGNORED = {"HEAD", "OPTIONS"}
# Served by the shared app factory, documented once under "Operations".
SHARED_PREFIXES = ("/api/v1/docs", "/api/v1/openapi.json", "/api/v1/asyncapi")


def normalised(path: str) -> str:
    """`/api/v1/organisations/<organisation_id>` and `/api/v1/organisations/{id}` alike."""
    return re.sub(r"<[^>]+>|\{[^}]+\}", "{}", path)


def documented() -> set[tuple[str, str]]:
    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    found = set()
    for methods, path in re.findall(r"`((?:GET|POST|PUT|PATCH|DELETE)(?:\|[A-Z]+)*) (/[^`?\s]*)", text):
        for method in methods.split("|"):
            found.add((method, normalised(path)))
    return found


@pytest.mark.parametrize("client", ["members_client", "events_client", "reporting_client"])
def test_every_endpoint_is_in_the_api_reference(client, request):
    app = request.getfixturevalue(client).application
    served = {(method, normalised(rule.rule)) for rule in app.url_map.iter_rules()
              for method in rule.methods - IGNORED
              if rule.rule.startswith("/api/v1/") and not rule.rule.startswith(SHARED_PREFIXES)}
    assert len(served) >= 5
    missing = sorted(served - documented())
    assert not missing, f"docs/api.md does not document {missing}"
