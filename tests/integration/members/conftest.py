"""Helpers for the members API tests: a client that speaks as a role, and the events in the outbox."""
from __future__ import annotations

import itertools

import pytest

from services.members.domain.tax_number import is_valid_vkn

from ...support.outbox import internal

_serial = itertools.count(100_000_000)


def new_vkn() -> str:
    """A fresh, valid VKN (the check digit is computed by trying)."""
    while True:
        body = f"{next(_serial):09d}"
        for digit in "0123456789":
            if is_valid_vkn(body + digit):
                return body + digit


class Api:
    def __init__(self, client, token):
        self.client, self.token = client, token
        self.db = client.application.extensions["tvp"].db

    def _headers(self, role, org, headers):
        auth = self.token(role, org) if role else {}
        return {**auth, **(headers or {})}

    def get(self, path, role="platform_admin", org=None, headers=None, **kwargs):
        return self.client.get(path, headers=self._headers(role, org, headers), **kwargs)

    def post(self, path, json=None, role="platform_admin", org=None, headers=None, **kwargs):
        return self.client.post(path, json=json, headers=self._headers(role, org, headers), **kwargs)

    def patch(self, path, json=None, role="platform_admin", org=None, headers=None, **kwargs):
        return self.client.patch(path, json=json, headers=self._headers(role, org, headers), **kwargs)

    def delete(self, path, role="platform_admin", org=None, headers=None, **kwargs):
        return self.client.delete(path, headers=self._headers(role, org, headers), **kwargs)

    # -- shortcuts -------------------------------------------------------
    def organisation(self, status="applicant", **fields) -> dict:
        body = {"name": "Tekirdağ TSO", "kind": "chamber", "province": "Tekirdağ", **fields}
        response = self.post("/api/v1/organisations", body)
        assert response.status_code == 201, response.json
        organisation = response.json
        if status in ("active", "suspended"):
            organisation = self.membership(organisation["id"], "approve").json
        if status == "suspended":
            organisation = self.membership(organisation["id"], "suspend").json
        if status == "withdrawn":
            organisation = self.membership(organisation["id"], "withdraw").json
        return organisation

    def membership(self, organisation_id, action, reason=None, **kwargs):
        body = {"action": action, **({"reason": reason} if reason else {})}
        return self.post(f"/api/v1/organisations/{organisation_id}/membership", body, **kwargs)

    def person(self, organisation_id, **fields) -> dict:
        body = {"organisation_id": organisation_id, "full_name": "Ayşe Yılmaz",
                "email": f"ayse.{next(_serial)}@example.com", **fields}
        response = self.post("/api/v1/people", body)
        assert response.status_code == 201, response.json
        return response.json

    def seat(self, person_id, body="board", role="member", term_start="2026-01-01", **fields):
        return self.post(f"/api/v1/bodies/{body}/seats",
                         {"person_id": person_id, "role": role, "term_start": term_start, **fields})

    def events(self, collection, aggregate_id) -> list[dict]:
        """The events an aggregate recorded (no relay runs in these tests, so all are still in its outbox)."""
        return internal(self.db[collection].find_one({"_id": aggregate_id})["outbox"])

    def types(self, collection, aggregate_id) -> list[str]:
        return [e["type"].split(".")[-2] for e in self.events(collection, aggregate_id)]


@pytest.fixture
def api(members_client, token) -> Api:
    return Api(members_client, token)
