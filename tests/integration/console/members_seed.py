"""Organisations, people and seats written through the members API (as a platform admin), for the console's
members pages to show."""
from __future__ import annotations

import re

import requests


class MembersApi:
    def __init__(self, url: str, issuer):
        self.url = url + "/api/v1"
        self.headers = {"Authorization": f"Bearer {issuer.issue('platform_admin', subject='seed')}"}

    def call(self, method: str, path: str, expected: int = 200, **kwargs) -> dict:
        response = requests.request(method, self.url + path, headers={**self.headers, **kwargs.pop("headers", {})},
                                    timeout=10, **kwargs)
        assert response.status_code == expected, response.text
        return response.json() if response.content else {}

    def organisation(self, name: str, kind: str = "chamber", province: str = "Edirne", approve: bool = True,
                     **fields) -> dict:
        found = self.call("POST", "/organisations", 201, json={"name": name, "kind": kind, "province": province,
                                                               **fields})
        if approve:
            found = self.call("POST", f"/organisations/{found['id']}/membership", json={"action": "approve"})
        return found

    def person(self, organisation_id: str, full_name: str, email: str, **fields) -> dict:
        return self.call("POST", "/people", 201, json={"organisation_id": organisation_id, "full_name": full_name,
                                                       "email": email, **fields})

    def seat(self, body: str, person_id: str, role: str = "member", term_start: str = "2026-01-01") -> dict:
        return self.call("POST", f"/bodies/{body}/seats", 201,
                         json={"person_id": person_id, "role": role, "term_start": term_start})


def page_text(response, status: int = 200) -> str:
    body = response.get_data(as_text=True)
    assert response.status_code == status, body[:3000]
    return body


def field_error(page: str, name: str) -> str:
    """The messages shown next to a field, and proof that the field points at them."""
    assert re.search(rf'name="{re.escape(name)}"[^>]*aria-describedby="{re.escape(name)}-errors"', page), \
        f"{name} does not point at its errors"
    match = re.search(rf'<ul class="field-errors" id="{re.escape(name)}-errors">(.*?)</ul>', page, re.S)
    assert match, f"no errors next to {name}"
    return match.group(1)


def hidden(page: str, name: str) -> str:
    return re.search(rf'name="{re.escape(name)}" value="([^"]*)"', page).group(1)
