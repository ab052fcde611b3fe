"""The reporting service's audit trail and its answer to access requests (it holds counts, no person)."""
from __future__ import annotations

import pytest

from services.reporting.adapters.documents import AGGREGATE_COLLECTIONS

from ...support.relay import relay_all

pytestmark = pytest.mark.integration

ACCESS_REQUESTED = "tr.tvp.reporting.data_subject.access_requested.v1"


def test_a_submitted_report_is_audited_with_its_actor(api, reporting_client, token, programme, db, servers):
    draft = api("POST", "/reports", role="programme_officer", json={"period": "2026-Q3", "kind": "interim"}).json
    submitted = reporting_client.post(f"/api/v1/reports/{draft['id']}/submit",
                                      headers=token("programme_officer", None, "officer-ece"))
    assert submitted.status_code == 200, submitted.json
    relay_all(db, AGGREGATE_COLLECTIONS, servers.kafka_bootstrap)
    trail = api("GET", "/audit", role="auditor").json
    assert trail["total"] == 1  # the public view of the report is no entry of its own
    [entry] = trail["items"]
    assert (entry["type"], entry["aggregate"], entry["version"]) == (
        "tr.tvp.reporting.report.submitted.v1", f"report/{draft['id']}", 1)
    assert entry["actor"] == {"sub": "officer-ece", "role": "programme_officer", "org": None}
    assert api("GET", "/audit", role="programme_officer").status_code == 403
    assert api("GET", "/audit", role="chamber_admin").status_code == 403


def test_reporting_answers_access_requests_with_no_personal_data(api, reporting_client, token):
    path = "/api/v1/data-subjects/some-person"
    admin = reporting_client.get(path, headers=token("platform_admin", None, "admin-ayla"))
    assert admin.status_code == 200, admin.json
    assert admin.json["holds"]["personal_data"] == []
    assert admin.json["holds"]["statement"]["tr"] and admin.json["holds"]["statement"]["en"]
    assert admin.json["audit"] == []
    # Reporting cannot tell a person's organisation: chamber admins get the statement, not the audit entries.
    api("GET", "/programme", role="chamber_admin")  # the `api` fixture makes org-1 known to reporting first
    chamber = reporting_client.get(path, headers=token("chamber_admin", "org-1", "chamber-1"))
    assert chamber.status_code == 200 and chamber.json["audit"] is None
    assert reporting_client.get(path, headers=token("auditor")).status_code == 403
    assert reporting_client.get(path, headers=token("programme_officer")).status_code == 403
    again = reporting_client.get(path, headers=token()).json
    assert [(e["type"], e["actor"]["sub"]) for e in again["audit"]] == [
        (ACCESS_REQUESTED, "chamber-1"), (ACCESS_REQUESTED, "admin-ayla")]
