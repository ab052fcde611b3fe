"""Least privilege and strict claims (issue 16, items 1, 2 and 7), as measured on the issue's attacks:
claims in a MongoDB filter, another organisation's people registered to read their e-mails, contact data for
programme officers and auditors, and the headers of personal data answers."""
from __future__ import annotations

import pytest

from tests.support.forged import FORGED_CLAIMS, forged_token

from .access_world import World, world_fixture  # noqa: F401 - the `world` fixture

pytestmark = pytest.mark.integration


@pytest.fixture
def forge(key_dir):
    private = (key_dir / "jwt-private.pem").read_bytes()
    return lambda claims: {"Authorization": f"Bearer {forged_token(private, claims)}"}


@pytest.mark.parametrize("name", sorted(FORGED_CLAIMS))
def test_forged_claims_are_401_in_the_contract_body_on_every_service(name, forge, members_client, events_client,
                                                                    reporting_client):
    headers = forge(FORGED_CLAIMS[name])
    for client, path in ((members_client, "/api/v1/people"), (events_client, "/api/v1/meetings"),
                         (reporting_client, "/api/v1/indicators")):
        response = client.get(path, headers=headers)
        assert response.status_code == 401, (path, response.get_json())
        body = response.get_json()
        assert (body["code"], body["status"]) == (401, "Unauthorized") and body["message"].startswith("invalid token")


def test_an_operator_in_the_org_claim_lists_nobody_and_registers_nothing(world: World, forge, members_client):
    headers = forge({"role": "chamber_admin", "org": {"$ne": None}})
    assert members_client.get("/api/v1/people", headers=headers).status_code == 401
    created = members_client.post("/api/v1/organisations", headers=headers,
                                  json={"name": "Sahte Oda", "kind": "chamber", "province": "Edirne"})
    assert created.status_code == 401


def test_a_chamber_admin_of_an_organisation_the_service_knows_is_let_in(world: World, token, events_client,
                                                                        members_client):
    own = token("chamber_admin", world.id("own", "organisation_id"))
    assert members_client.get("/api/v1/people", headers=own).status_code == 200
    assert events_client.get("/api/v1/meetings", headers=own).status_code == 200
    unknown = token("chamber_admin", "f" * 32)
    answer = events_client.get("/api/v1/meetings", headers=unknown)
    assert answer.status_code == 401 and "unknown to the events service" in answer.get_json()["message"]


def test_another_organisations_person_cannot_be_registered_at_ones_own_meeting(world: World, token, events_client,
                                                                               members_client):
    chamber_a = token("chamber_admin", world.id("own", "organisation_id"))
    meeting_a, person_b = world.id("own", "meeting_id"), world.id("other", "person_id")
    before = events_client.get(f"/api/v1/meetings/{meeting_a}", headers=token()).get_json()
    refused = events_client.post(f"/api/v1/meetings/{meeting_a}/registrations", json={"person_id": person_b},
                                 headers=chamber_a)
    assert refused.status_code == 403, refused.get_json()
    after = events_client.get(f"/api/v1/meetings/{meeting_a}", headers=token()).get_json()
    assert (after["registrations_count"], after["version"]) == (before["registrations_count"], before["version"])
    listed = events_client.get(f"/api/v1/meetings/{meeting_a}/registrations", headers=chamber_a).get_json()
    assert person_b not in [r["person_id"] for r in listed["items"]]


def test_other_organisations_participants_are_shown_without_email(world: World, token, events_client):
    """A's chamber admin hosts a meeting where the platform admin registered B's person: A sees the name and
    organisation, not the e-mail; B's own chamber admin and platform admins see it; officers and auditors don't."""
    meeting_a, person_b = world.id("own", "meeting_id"), world.id("other", "person_id")
    added = events_client.post(f"/api/v1/meetings/{meeting_a}/registrations", json={"person_id": person_b},
                               headers=token())
    assert added.status_code == 201 and added.get_json()["email"], added.get_json()
    chamber_a = token("chamber_admin", world.id("own", "organisation_id"))
    chamber_b = token("chamber_admin", world.id("other", "organisation_id"))
    path = f"/api/v1/meetings/{meeting_a}/registrations"

    def emails(headers) -> dict:
        return {r["person_id"]: r["email"] for r in events_client.get(path, headers=headers).get_json()["items"]}

    host_view = emails(chamber_a)
    assert host_view[person_b] is None and host_view[world.id("own", "person_id")]
    assert emails(chamber_b) == {person_b: added.get_json()["email"]}
    assert all(emails(token())[p] for p in (person_b, world.id("own", "person_id")))
    for reader in ("programme_officer", "auditor"):
        assert set(emails(token(reader)).values()) == {None}
    one = events_client.get(f"{path}/{added.get_json()['id']}", headers=chamber_a)
    assert one.status_code == 200 and one.get_json()["email"] is None and one.get_json()["full_name"]


def test_a_hosts_registration_of_an_outside_participant_shows_its_email_to_platform_admins_only(
        world: World, token, events_client):
    chamber_a = token("chamber_admin", world.id("own", "organisation_id"))
    participant = {"full_name": "Deniz Ak", "gender": "other", "organisation_name": "Ak Ltd",
                   "organisation_kind": "company", "size_class": "small", "province": "Edirne",
                   "email": "deniz@ak.example"}
    path = f"/api/v1/meetings/{world.id('own', 'meeting_id')}/registrations"
    created = events_client.post(path, json={"participant": participant}, headers=chamber_a)
    assert created.status_code == 201 and created.get_json()["email"] is None
    shown = events_client.get(f"{path}/{created.get_json()['id']}", headers=token()).get_json()
    assert shown["email"] == "deniz@ak.example"


@pytest.mark.parametrize("reader", ["programme_officer", "auditor"])
def test_officers_and_auditors_see_names_and_organisations_but_no_contact_data(reader, world: World, token,
                                                                              members_client):
    people = members_client.get("/api/v1/people", headers=token(reader)).get_json()["items"]
    assert people and all(p["full_name"] and p["organisation_id"] for p in people)
    assert all(p["email"] is None and p["phone"] is None for p in people)
    one = members_client.get(f"/api/v1/people/{world.id('own', 'person_id')}", headers=token(reader)).get_json()
    assert (one["email"], one["phone"]) == (None, None) and one["full_name"]


def test_the_persons_own_chamber_admin_and_platform_admins_see_contact_data(world: World, token, members_client):
    path = f"/api/v1/people/{world.id('own', 'person_id')}"
    for headers in (token(), token("chamber_admin", world.id("own", "organisation_id"))):
        shown = members_client.get(path, headers=headers).get_json()
        assert shown["email"] and shown["phone"] == "+90 284 000 00 00"


def test_personal_data_answers_are_never_cached_and_never_sniffed(world: World, token, members_client,
                                                                  events_client):
    for client, path in ((members_client, "/api/v1/people"),
                         (events_client, f"/api/v1/meetings/{world.id('own', 'meeting_id')}/registrations")):
        for headers in (token(), {}):  # the 401 too
            response = client.get(path, headers=headers)
            assert response.headers["Cache-Control"] == "no-store", (path, response.status_code)
            assert response.headers["X-Content-Type-Options"] == "nosniff"
    health = members_client.get("/healthz")
    assert health.headers["X-Content-Type-Options"] == "nosniff" and "no-store" not in health.headers.get(
        "Cache-Control", "")
