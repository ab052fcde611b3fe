"""The access matrix (issue 16, item 2), generated from the three OpenAPI documents and the access tables.

For every route × method of each service's OpenAPI document, every role (with the chamber admin of
organisation A acting on A's resources, "own", and on B's, "other"), no token and a forged token, one request
is sent to the real service (Flask test clients on the embedded MongoDB), and its status class must be the one
the table predicts: 401, 403, or "allowed" (2xx, or a 4xx other than 401/403: a 404, 409, 412 or 422 means the
door let the caller in). A route of an OpenAPI document without a row in its table fails the test.

Writes are chosen so that the cases stay independent of their order: members' writes send a stale If-Match
(checked after the permission, so an allowed caller gets 412 and nothing changes); the others change only what
no later case's class depends on (a cancelled meeting still answers 409, not 403, to its managers).
"""
from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field

import pytest

from services.events.domain.permissions import ACCESS as EVENTS_ACCESS
from services.members.domain.permissions import ACCESS as MEMBERS_ACCESS
from services.reporting.domain.permissions import ACCESS as REPORTING_ACCESS
from shared.access import missing_rows, predicted_status
from tests.integration.events.conftest import Feeder as EventsFeeder
from tests.integration.events.conftest import MembersStream, meeting_body
from tests.integration.reporting.stream import Feeder as ReportingFeeder
from tests.integration.reporting.stream import Stream as ReportingStream
from tests.support.forged import forged_token

pytestmark = pytest.mark.integration

ROLES = ("platform_admin", "chamber_admin", "programme_officer", "auditor")
STALE = {"If-Match": '"999"'}
PROGRAMME = {"name": "Thrace's Efficient SMEs", "start_date": "2026-01-01", "end_date": "2027-12-31",
             "eu_share": 85, "national_share": 15, "targets": {"OI.4": 200}}


@dataclass
class World:
    """Organisations A and B with a person each, a meeting hosted by each with its own person registered."""

    ids: dict[str, dict[str, str]] = field(default_factory=dict)  # variant ("own"/"other") -> name -> id

    def id(self, variant: str, name: str) -> str:
        return self.ids[variant][name]


def _ok(response, status=(200, 201)):
    assert response.status_code in status, response.get_json()
    return response.get_json()


def _organisation(members, admin, name):
    body = {"name": name, "kind": "chamber", "province": "Edirne"}
    created = _ok(members.post("/api/v1/organisations", json=body, headers=admin))
    _ok(members.post(f"/api/v1/organisations/{created['id']}/membership", json={"action": "approve"},
                     headers=admin))
    return created["id"]


def _person(members, admin, organisation_id):
    body = {"organisation_id": organisation_id, "full_name": "Ayşe Yılmaz", "email": f"{uuid.uuid4().hex}@ex.org",
            "phone": "+90 284 000 00 00", "gender": "female"}
    return _ok(members.post("/api/v1/people", json=body, headers=admin))["id"]


@pytest.fixture
def world(members_client, events_client, reporting_client, token) -> World:
    admin = token("platform_admin")
    world = World()
    organisations = {v: _organisation(members_client, admin, f"Oda {v} {uuid.uuid4().hex[:6]}") for v in ("own",
                                                                                                       "other")}
    people = {v: _person(members_client, admin, organisations[v]) for v in organisations}
    seat = _ok(members_client.post("/api/v1/bodies/board/seats", headers=admin, json={
        "person_id": people["own"], "role": "member", "term_start": "2026-01-01"}))["id"]

    # What members published, as events and reporting consume it.
    stream, feed = MembersStream(), EventsFeeder(events_client.application)
    for variant, organisation_id in organisations.items():
        _, registered = stream.organisation(name=f"Oda {variant}", province="Edirne", organisation_id=organisation_id)
        feed(registered, stream.membership(organisation_id))
        feed(stream.person(organisation_id, person_id=people[variant])[1])
    reporting_stream, reporting_feed = ReportingStream(), ReportingFeeder(reporting_client.application)
    for organisation_id in organisations.values():
        reporting_feed(reporting_stream.organisation(organisation_id=organisation_id)[1])

    meetings, registrations = {}, {}
    for variant, organisation_id in organisations.items():
        meetings[variant] = _ok(events_client.post("/api/v1/meetings", json=meeting_body(organisation_id),
                                                   headers=admin))["id"]
        registrations[variant] = _ok(events_client.post(f"/api/v1/meetings/{meetings[variant]}/registrations",
                                                        json={"person_id": people[variant]}, headers=admin))["id"]

    _ok(reporting_client.put("/api/v1/programme", json=PROGRAMME, headers=admin))
    expenditure = _ok(reporting_client.post("/api/v1/expenditures", headers=admin, json={
        "date": "2026-07-10", "budget_line": "travel", "amount": 100, "currency": "EUR", "description": "x"}))["id"]
    report = _ok(reporting_client.post("/api/v1/reports", json={"period": "2026-Q3", "kind": "interim"},
                                       headers=admin))["id"]
    for variant in ("own", "other"):
        world.ids[variant] = {
            "organisation_id": organisations[variant], "person_id": people[variant], "meeting_id": meetings[variant],
            "registration_id": registrations[variant], "code": "board", "seat_id": seat,
            "expenditure_id": expenditure, "report_id": report}
    return world


# -- what each write sends -----------------------------------------------------------------------------------

def _flip(variant: str) -> str:
    return "other" if variant == "own" else "own"


def members_request(world: World, method: str, path: str, variant: str) -> dict:
    org = world.id(variant, "organisation_id")
    if (method, path) == ("GET", "/api/v1/people"):
        return {"query_string": {"organisation_id": org}}
    if (method, path) == ("POST", "/api/v1/organisations"):
        return {"json": {"name": f"Yeni {uuid.uuid4().hex[:6]}", "kind": "ngo", "province": "Edirne"}}
    if (method, path) == ("POST", "/api/v1/people"):
        return {"json": {"organisation_id": org, "full_name": "Mehmet Kaya", "email": f"{uuid.uuid4().hex}@ex.org"}}
    if (method, path) == ("POST", "/api/v1/bodies"):
        return {"json": {"code": f"wg_{uuid.uuid4().hex[:6]}", "name": "Working group"}}
    if (method, path) == ("POST", "/api/v1/bodies/{code}/seats"):
        return {"json": {"person_id": world.id(variant, "person_id"), "role": "member", "term_start": "2026-02-01"}}
    bodies = {"PATCH": {"/api/v1/organisations/{organisation_id}": {"district": "Merkez"},
                        "/api/v1/people/{person_id}": {"title": "Uzman"}},
              "POST": {"/api/v1/organisations/{organisation_id}/membership": {"action": "withdraw"},
                       "/api/v1/bodies/{code}/seats/{seat_id}/end": {}}}
    if method == "GET":
        return {}
    return {"json": bodies.get(method, {}).get(path), "headers": STALE}


def events_request(world: World, method: str, path: str, variant: str) -> dict:
    meeting = world.id(variant, "meeting_id")
    later = meeting_body("x", starts=None)
    bodies = {
        ("POST", "/api/v1/meetings"): meeting_body(world.id(variant, "organisation_id")),
        ("POST", "/api/v1/meetings/{meeting_id}/reschedule"): {"starts_at": later["starts_at"],
                                                               "ends_at": later["ends_at"]},
        ("POST", "/api/v1/meetings/{meeting_id}/cancel"): {"reason": "the venue is closed"},
        ("POST", "/api/v1/meetings/{meeting_id}/attendance"): {"registration_id": world.id(variant,
                                                                                           "registration_id")},
        ("POST", "/api/v1/meetings/{meeting_id}/decisions"): {"text": "Approved"},
    }
    if (method, path) == ("POST", "/api/v1/meetings/{meeting_id}/registrations"):
        # "own": A's person at B's meeting (allowed); "other": B's person at A's meeting (the contract's 403).
        return {"params": {"meeting_id": world.id(_flip(variant), "meeting_id")},
                "json": {"person_id": world.id(variant, "person_id")}}
    request: dict = {"params": {"meeting_id": meeting}}
    if (method, path) in bodies:
        request["json"] = bodies[(method, path)]
    return request


def reporting_request(world: World, method: str, path: str, variant: str) -> dict:
    bodies = {
        ("PUT", "/api/v1/programme"): PROGRAMME,
        ("POST", "/api/v1/expenditures"): {"date": "2026-07-11", "budget_line": "travel", "amount": 10,
                                           "currency": "EUR", "description": "taxi"},
        ("POST", "/api/v1/reports"): {"period": "2026-Q2", "kind": "interim"},
    }
    if (method, path) == ("GET", "/api/v1/reports/{report_id}/export"):
        return {"query_string": {"format": "csv"}}
    return {"json": bodies[(method, path)]} if (method, path) in bodies else {}


SERVICES = {
    "members": (MEMBERS_ACCESS, members_request),
    "events": (EVENTS_ACCESS, events_request),
    "reporting": (REPORTING_ACCESS, reporting_request),
}


def _status_class(status: int) -> str:
    if status in (401, 403):
        return str(status)
    return "allowed" if status < 500 else f"server error {status}"


def test_every_route_method_role_and_organisation_answers_as_the_table_says(world, members_client, events_client,
                                                                              reporting_client, token, issuer,
                                                                              key_dir):
    clients = {"members": members_client, "events": events_client, "reporting": reporting_client}
    chamber_of_a = world.id("own", "organisation_id")
    callers = {role: token(role, chamber_of_a if role == "chamber_admin" else None) for role in ROLES}
    forged = {"Authorization": "Bearer " + forged_token((key_dir / "jwt-private.pem").read_bytes(),
                                                         {"role": "chamber_admin", "org": {"$ne": None}})}
    mismatches, counts = [], Counter()
    for service, (table, build) in SERVICES.items():
        client = clients[service]
        document = client.get("/api/v1/openapi.json").get_json()
        routes = [(method.upper(), path) for path, operations in document["paths"].items()
                  for method in operations if method.upper() in ("GET", "POST", "PUT", "PATCH", "DELETE")]
        assert not missing_rows(table, routes), f"{service}: OpenAPI routes without a row in its access table"
        routes.sort(key=lambda route: route[0] == "DELETE")  # deletions last: the other cases see what they read
        for method, path in routes:
            access = table[(method, path)]
            for variant in ("own", "other"):
                request = build(world, method, path, variant)
                params = {**world.ids[variant], **request.pop("params", {})}
                url = path.format(**{name: params[name] for name in params if "{" + name + "}" in path})
                extra_headers = request.pop("headers", {})
                for caller in (*ROLES, None, "forged"):
                    if caller is None and variant == "other":
                        continue  # without a token the variant changes nothing
                    headers = {**extra_headers, **({} if caller is None else
                                                   forged if caller == "forged" else callers[caller])}
                    role = None if caller in (None, "forged") else caller
                    expected = predicted_status(access, role, own_organisation=variant == "own")
                    response = client.open(url, method=method, headers=headers, **request)
                    got = _status_class(response.status_code)
                    counts[service] += 1
                    if got != expected:
                        mismatches.append(f"{service} {method} {url} as {caller} ({variant}): expected {expected}, "
                                          f"got {response.status_code} {(response.get_json() or {}).get('message')}")
    total = sum(counts.values())
    print(f"\naccess matrix: {total} cases ({', '.join(f'{s} {n}' for s, n in counts.items())}), "
          f"{len(mismatches)} mismatches")
    assert not mismatches, "\n".join(mismatches)
    assert total > 300
