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

import pytest

from services.events.domain.permissions import ACCESS as EVENTS_ACCESS
from services.members.domain.permissions import ACCESS as MEMBERS_ACCESS
from services.reporting.domain.permissions import ACCESS as REPORTING_ACCESS
from shared.access import missing_rows, predicted_status
from tests.integration.events.conftest import meeting_body
from tests.support.evidence_files import PDF
from tests.support.evidence_files import form as evidence_form
from tests.support.forged import forged_token

from .access_world import PROGRAMME, STALE, World, world_fixture  # noqa: F401 - the `world` fixture

pytestmark = pytest.mark.integration

ROLES = ("platform_admin", "chamber_admin", "programme_officer", "auditor")


# -- what each write sends -----------------------------------------------------------------------------------

def _flip(variant: str) -> str:
    return "other" if variant == "own" else "own"


# A dry run's upload (it changes nothing), encoded once: the same request goes out for every caller.
IMPORT_BOUNDARY = "tvp-access-matrix"
IMPORT_BODY = (f"--{IMPORT_BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.csv\"\r\n"
               f"Content-Type: text/csv\r\n\r\nname,kind,province\r\nYeni Dernek,ngo,Edirne\r\n"
               f"--{IMPORT_BOUNDARY}--\r\n").encode()


def members_request(world: World, method: str, path: str, variant: str) -> dict:
    org = world.id(variant, "organisation_id")
    if (method, path) == ("GET", "/api/v1/people"):
        return {"query_string": {"organisation_id": org}}
    if (method, path) == ("GET", "/api/v1/organisations/export"):
        return {"query_string": {"format": "csv"}}
    if (method, path) == ("POST", "/api/v1/organisations/imports"):
        return {"data": IMPORT_BODY, "content_type": f"multipart/form-data; boundary={IMPORT_BOUNDARY}"}
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


def evidence_upload() -> dict:
    """A multipart upload, made anew for every request (the test client closes the file it sent)."""
    return {"data": lambda: evidence_form(PDF), "content_type": "multipart/form-data"}


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
        ("POST", "/api/v1/meetings/{meeting_id}/check-in"): {"code": "ZZZZ-ZZZZ"},
    }
    if (method, path) == ("GET", "/api/v1/decisions.pdf"):
        return {"query_string": {"body": "board", "year": 2026}}
    if (method, path) == ("POST", "/api/v1/meetings/{meeting_id}/registrations"):
        # "own": A's person at B's meeting (allowed); "other": B's person at A's meeting (the contract's 403).
        return {"params": {"meeting_id": world.id(_flip(variant), "meeting_id")},
                "json": {"person_id": world.id(variant, "person_id")}}
    request: dict = {"params": {"meeting_id": meeting}}
    if (method, path) == ("POST", "/api/v1/meetings/{meeting_id}/evidence"):
        request.update(evidence_upload())
    if (method, path) == ("GET", "/api/v1/notifications"):
        request["query_string"] = {"meeting": meeting}
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
    if (method, path) == ("PUT", "/api/v1/reports/{report_id}"):  # a stale If-Match: 412 (or 409), no change
        return {"json": {"narrative": {"summary": {"tr": "x", "en": "x"}}}, "headers": STALE}
    if (method, path) == ("POST", "/api/v1/reports/{report_id}/revisions"):  # no reason: 422 (or 409), no change
        return {"json": {"reason": ""}}
    if (method, path) == ("POST", "/api/v1/expenditures/{expenditure_id}/evidence"):
        return evidence_upload()
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
                    sent = {name: value() if callable(value) else value for name, value in request.items()}
                    response = client.open(url, method=method, headers=headers, **sent)
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
