"""Two organisations, A ("own") and B ("other"), across the three services: a person each, a meeting hosted by
each with its own person registered, a seat, an expenditure and a report. Shared by the access-matrix and the
least-privilege tests; what members holds reaches events and reporting as the members' events they consume."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field

import pytest

from tests.integration.events.conftest import Feeder as EventsFeeder
from tests.integration.events.conftest import MembersStream, meeting_body
from tests.integration.reporting.stream import Feeder as ReportingFeeder
from tests.integration.reporting.stream import Stream as ReportingStream
from tests.support.evidence_files import PNG
from tests.support.evidence_files import form as evidence_form

STALE = {"If-Match": '"999"'}
PROGRAMME = {"name": "Thrace's Efficient SMEs", "start_date": "2026-01-01", "end_date": "2027-12-31",
             "eu_share": 85, "national_share": 15, "targets": {"OI.4": 200}}


@dataclass
class World:
    """Organisations A and B with a person each, a meeting hosted by each with its own person registered and an
    evidence file."""

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


@pytest.fixture(name="world")
def world_fixture(members_client, events_client, reporting_client, token) -> World:
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

    # A meeting's evidence file per organisation (events); reporting's /evidence/{evidence_id} answers its readers
    # 404 for these ids, which the door let through.
    evidence = {variant: _ok(events_client.post(
        f"/api/v1/meetings/{meetings[variant]}/evidence", headers=admin, content_type="multipart/form-data",
        data=evidence_form(PNG, "salon.png", "photo")))["id"] for variant in meetings}

    _ok(reporting_client.put("/api/v1/programme", json=PROGRAMME, headers=admin))
    expenditure = _ok(reporting_client.post("/api/v1/expenditures", headers=admin, json={
        "date": "2026-07-10", "budget_line": "travel", "amount": 100, "currency": "EUR", "description": "x"}))["id"]
    report = _ok(reporting_client.post("/api/v1/reports", json={"period": "2026-Q3", "kind": "interim"},
                                       headers=admin))["id"]
    for variant in ("own", "other"):
        world.ids[variant] = {
            "organisation_id": organisations[variant], "person_id": people[variant], "meeting_id": meetings[variant],
            "registration_id": registrations[variant], "code": "board", "seat_id": seat,
            "expenditure_id": expenditure, "report_id": report, "evidence_id": evidence[variant]}
    return world
