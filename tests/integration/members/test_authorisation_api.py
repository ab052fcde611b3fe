"""Who may do what, through the HTTP API."""
import pytest

pytestmark = pytest.mark.integration

ORGS = "/api/v1/organisations"


def test_tokens(api):
    assert api.get(ORGS, role=None).status_code == 401
    assert api.get(ORGS, role=None, headers={"Authorization": "Bearer not-a-jwt"}).status_code == 401
    assert api.get(ORGS, role=None, headers={"Authorization": "Basic abc"}).status_code == 401
    assert api.client.get("/healthz").status_code == 200
    assert api.client.get("/api/v1/openapi.json").status_code == 200


@pytest.mark.parametrize("role", ["platform_admin", "programme_officer", "auditor"])
def test_readers_read(api, role):
    org = api.organisation()
    assert api.get(ORGS, role=role).status_code == 200
    assert api.get(f"{ORGS}/{org['id']}", role=role).status_code == 200
    assert api.get(f"{ORGS}/{org['id']}/membership", role=role).status_code == 200
    assert api.get("/api/v1/bodies/board", role=role).status_code == 200


@pytest.mark.parametrize("role", ["programme_officer", "auditor"])
def test_officers_and_auditors_change_nothing(api, role):
    org = api.organisation(status="active")
    person = api.person(org["id"])
    assert api.post(ORGS, {"name": "X Ltd", "kind": "ngo", "province": "Edirne"}, role=role).status_code == 403
    assert api.patch(f"{ORGS}/{org['id']}", {"employees": 1}, role=role).status_code == 403
    assert api.membership(org["id"], "suspend", role=role).status_code == 403
    assert api.post("/api/v1/people", {"organisation_id": org["id"], "full_name": "Ali Veli",
                                       "email": "ali@example.com"}, role=role).status_code == 403
    assert api.delete(f"/api/v1/people/{person['id']}", role=role).status_code == 403
    assert api.post("/api/v1/bodies", {"code": "wg_x", "name": "WG"}, role=role).status_code == 403
    assert api.seat(person["id"]).status_code == 201
    assert api.get("/api/v1/bodies/board", role=role).json["seats"]


def test_chamber_admin_edits_only_its_own_organisation(api):
    own, other = api.organisation(status="active"), api.organisation(status="active")
    as_own = {"role": "chamber_admin", "org": own["id"]}
    assert api.patch(f"{ORGS}/{own['id']}", {"employees": 12}, **as_own).status_code == 200
    forbidden = api.patch(f"{ORGS}/{other['id']}", {"employees": 12}, **as_own)
    assert forbidden.status_code == 403 and forbidden.json["code"] == 403
    assert api.get(f"{ORGS}/{other['id']}", **as_own).status_code == 200  # reading the directory is fine


def test_chamber_admin_cannot_decide_membership_but_may_withdraw_its_own(api):
    own, applicant = api.organisation(status="active"), api.organisation()
    as_own = {"role": "chamber_admin", "org": own["id"]}
    assert api.membership(applicant["id"], "approve", **as_own).status_code == 403
    assert api.membership(own["id"], "suspend", **as_own).status_code == 403
    assert api.membership(applicant["id"], "withdraw", **as_own).status_code == 403
    assert api.membership(own["id"], "withdraw", **as_own).status_code == 200


def test_chamber_admin_manages_only_its_own_people_and_seats_nobody(api):
    own, other = api.organisation(status="active"), api.organisation(status="active")
    as_own = {"role": "chamber_admin", "org": own["id"]}
    mine = api.post("/api/v1/people", {"organisation_id": own["id"], "full_name": "Can Demir",
                                       "email": "can@example.com"}, **as_own)
    assert mine.status_code == 201
    theirs = api.person(other["id"])
    assert api.post("/api/v1/people", {"organisation_id": other["id"], "full_name": "Can Demir",
                                       "email": "can@example.com"}, **as_own).status_code == 403
    assert api.patch(f"/api/v1/people/{theirs['id']}", {"title": "x"}, **as_own).status_code == 403
    assert api.get(f"/api/v1/people/{theirs['id']}", **as_own).status_code == 403
    assert api.delete(f"/api/v1/people/{theirs['id']}", **as_own).status_code == 403
    assert api.patch(f"/api/v1/people/{mine.json['id']}", {"title": "Genel Sekreter"}, **as_own).status_code == 200
    assert api.post("/api/v1/bodies/board/seats", {"person_id": mine.json["id"], "role": "member",
                                                   "term_start": "2026-01-01"}, **as_own).status_code == 403
    assert api.post("/api/v1/bodies", {"code": "wg_x", "name": "WG"}, **as_own).status_code == 403
    listed = api.get("/api/v1/people", **as_own).json
    assert [p["id"] for p in listed["items"]] == [mine.json["id"]]
    assert api.get("/api/v1/people", query_string={"organisation_id": other["id"]}, **as_own).status_code == 403
