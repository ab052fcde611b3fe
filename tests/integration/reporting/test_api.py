"""The reporting API: programme settings, indicators, expenditures and reports, with their errors."""
from __future__ import annotations

import pytest

from shared.contracts import REGISTRY

from .conftest import history

pytestmark = pytest.mark.integration

PROGRAMME = {"name": "Thrace's Efficient SMEs", "start_date": "2026-01-01", "end_date": "2027-12-31",
             "eu_share": 85, "national_share": 15, "targets": {"OI.4": 200}}


# -- programme -----------------------------------------------------------------------

def test_programme_defaults_then_settings(api):
    shown = api("GET", "/programme", role="auditor")
    assert shown.status_code == 200 and shown.json["configured"] is False and shown.json["version"] == 0
    put = api("PUT", "/programme", json=PROGRAMME)
    assert put.status_code == 200, put.json
    assert put.json["configured"] is True and put.json["version"] == 1 and put.headers["ETag"] == '"1"'
    assert put.json["eu_share"] == 85 and put.json["targets"] == {"OI.4": 200}
    again = api("PUT", "/programme", json={**PROGRAMME, "eu_share": "87.5", "national_share": 12.5},
                headers={"If-Match": '"1"'})
    assert again.status_code == 200 and again.json["eu_share"] == 87.5 and again.json["version"] == 2
    stale = api("PUT", "/programme", json=PROGRAMME, headers={"If-Match": '"1"'})
    assert stale.status_code == 412 and api("GET", "/programme").json["version"] == 2
    listed = api("PUT", "/programme", json=PROGRAMME, headers={"If-Match": '"1", W/"2"'})
    assert listed.status_code == 200 and listed.headers["ETag"] == '"3"'


@pytest.mark.parametrize("change, field", [
    ({"eu_share": 80}, "national_share"),
    ({"eu_share": 85.555, "national_share": 14.445}, "eu_share"),
    ({"eu_share": 120, "national_share": -20}, "eu_share"),
    ({"end_date": "2025-12-31"}, "end_date"),
    ({"start_date": "1999-01-01"}, "start_date"),
    ({"targets": {"OI.9": 3}}, "targets"),
    ({"targets": {"OI.4": 2.5}}, "targets"),
    ({"targets": {"OI.4": -1}}, "targets"),
    ({"surprise": 1}, "surprise"),
])
def test_programme_validation_changes_nothing(api, change, field):
    response = api("PUT", "/programme", json={**PROGRAMME, **change})
    assert response.status_code == 422, response.json
    assert field in response.json["errors"], response.json
    assert api("GET", "/programme").json["configured"] is False


def test_programme_roles(api, reporting_client):
    assert reporting_client.get("/api/v1/programme").status_code == 401
    assert api("PUT", "/programme", role="programme_officer", json=PROGRAMME).status_code == 403
    assert api("GET", "/programme", role="chamber_admin").status_code == 200


# -- indicators ----------------------------------------------------------------------

@pytest.mark.parametrize("query", ["period=2026-Q5", "period=2026-H3", "period=1999", "period=abc",
                                   "from=2026-03-01", "from=2026-03-01&to=2026-02-01", "period=2026&from=2026-01-01",
                                   "", "from=2026-02-30&to=2026-03-01"])
def test_wrong_periods_are_422(api, query):
    response = api("GET", f"/indicators?{query}")
    assert response.status_code == 422, response.json
    assert response.json["code"] == 422 and response.json["message"]


def test_indicators_for_named_periods_and_ranges(api, feed, stream, programme):
    events, _ = history(stream)
    feed(*events)
    for query in ("period=2026-Q3", "period=2026-H2", "period=2026", "from=2026-07-01&to=2026-09-30"):
        response = api("GET", f"/indicators?{query}", role="programme_officer")
        assert response.status_code == 200, response.json
        codes = [i["code"] for i in response.json["indicators"]]
        assert codes == ["OI.1", "OI.2", "OI.3", "OI.4", "OI.5", "OI.6", "FI.1"]
    q3 = api("GET", "/indicators?from=2026-07-01&to=2026-09-30").json
    assert q3["period"] == {"label": "2026-Q3", "from": "2026-07-01", "to": "2026-09-30", "kind": "quarter",
                            "timezone": "Europe/Istanbul"}
    oi4 = next(i for i in q3["indicators"] if i["code"] == "OI.4")
    assert (oi4["value"], oi4["cumulative"], oi4["target"], oi4["percent_of_target"]) == (6, 6, 200, 3.0)
    assert q3["cumulative_from"] == "2026-01-01"


# -- expenditures --------------------------------------------------------------------

def test_expenditures_in_eur_and_try(api, feed, stream, programme):
    events, ids = history(stream)
    feed(*events)
    eur = api("POST", "/expenditures", json={"date": "2026-07-10", "budget_line": "travel", "amount": 1234.5,
                                             "currency": "EUR", "description": "Travel to Keşan"})
    assert eur.status_code == 201, eur.json
    assert (eur.json["amount"], eur.json["amount_eur"], eur.json["eur_rate"]) == ("1234.50", "1234.50", None)
    tl = api("POST", "/expenditures", json={"date": "2026-08-10", "budget_line": "services", "amount": "250000",
                                            "currency": "TRY", "eur_rate": "37.8512", "meeting_id": ids["ws1"],
                                            "description": "Catering, resource efficiency workshop"})
    assert tl.status_code == 201, tl.json
    assert (tl.json["amount_eur"], tl.json["eur_rate"], tl.json["meeting_id"]) == ("6604.81", "37.8512", ids["ws1"])
    assert api("GET", f"/expenditures/{tl.json['id']}", role="auditor").json == tl.json
    listed = api("GET", "/expenditures?from=2026-08-01&budget_line=services", role="auditor").json
    assert listed["total"] == 1 and listed["items"][0]["id"] == tl.json["id"]
    fi1 = next(i for i in api("GET", "/indicators?period=2026-Q3").json["indicators"] if i["code"] == "FI.1")
    assert fi1["value"] == 7839.31 and fi1["breakdowns"]["budget_line"] == {"services": 6604.81, "travel": 1234.5}
    assert fi1["details"]["eu_share_eur"] == 6663.41 and fi1["details"]["national_share_eur"] == 1175.9
    assert fi1["percent_of_target"] == 3.1


@pytest.mark.parametrize("body, field", [
    ({"currency": "TRY"}, "eur_rate"),
    ({"currency": "EUR", "eur_rate": 1}, "eur_rate"),
    ({"currency": "USD"}, "currency"),
    ({"amount": 0}, "amount"),
    ({"amount": -5}, "amount"),
    ({"amount": "12.345"}, "amount"),
    ({"amount": "NaN"}, "amount"),
    ({"budget_line": "lunch"}, "budget_line"),
    ({"date": "2026-02-30"}, "date"),
    ({"meeting_id": "no-such-meeting"}, "meeting_id"),
    ({"description": ""}, "description"),
])
def test_wrong_expenditures_are_422_and_nothing_is_stored(api, db, body, field):
    base = {"date": "2026-07-10", "budget_line": "travel", "amount": 100, "currency": "EUR", "description": "x"}
    response = api("POST", "/expenditures", json={**base, **body})
    assert response.status_code == 422, response.json
    assert field in response.json["errors"], response.json
    assert db.expenditures.count_documents({}) == 0


def test_expenditure_roles_and_404(api):
    body = {"date": "2026-07-10", "budget_line": "travel", "amount": 100, "currency": "EUR", "description": "x"}
    assert api("POST", "/expenditures", role="programme_officer", json=body).status_code == 403
    assert api("GET", "/expenditures", role="chamber_admin").status_code == 403
    assert api("GET", "/expenditures/nope").status_code == 404


# -- reports -------------------------------------------------------------------------

def _draft(api, period="2026-Q3", kind="interim"):
    response = api("POST", "/reports", role="programme_officer", json={"period": period, "kind": kind})
    assert response.status_code == 201, response.json
    return response.json


def test_report_draft_submit_and_freeze(api, feed, stream, db, programme):
    events, ids = history(stream)
    feed(*events)
    draft = _draft(api)
    assert draft["status"] == "draft" and draft["period"] == "2026-Q3" and len(draft["sha256"]) == 64
    content = draft["content"]
    assert [m["title"] for m in content["meetings"]] == ["Resource efficiency workshop", "Advisory Board Meeting",
                                                         "Energy efficiency training"]
    assert content["meetings"][1]["numbered_title"] == "4th Advisory Board Meeting"
    assert content["meetings"][1]["numbered_title_tr"] == "4. Danışma Kurulu Toplantısı"
    assert content["meetings"][1]["host_name"] == "Keşan TSO"
    assert content["funding_statement"]["en"].startswith(
        "This publication was produced with the financial support of the European Union")
    # a draft follows the figures when recomputed
    firm = stream.outside("Babaeski Süt", "company", "micro", "Kırklareli")
    late = [stream.attend(ids["ws2"], firm)] if False else []
    ws, scheduled = stream.schedule("matchmaking", "2026-09-15T10:00:00+03:00", ids["Keşan TSO"])
    feed(scheduled, stream.attend(ws, firm), stream.held(ws), *late)
    recomputed = api("POST", f"/reports/{draft['id']}/recompute", role="programme_officer").json
    assert recomputed["draft_version"] == 2 and recomputed["sha256"] != draft["sha256"]
    oi5 = next(i for i in recomputed["content"]["indicators"] if i["code"] == "OI.5")
    assert oi5["value"] == 4
    submitted = api("POST", f"/reports/{draft['id']}/submit", role="programme_officer",
                    headers={"X-Correlation-Id": "submit-1"})
    assert submitted.status_code == 200, submitted.json
    frozen = submitted.json
    # the content's SHA-256 is kept as content_sha256; the report's is now its frozen manifest's, which names it
    assert frozen["status"] == "submitted" and frozen["content_sha256"] == recomputed["sha256"]
    assert len(frozen["sha256"]) == 64 and frozen["sha256"] != recomputed["sha256"]
    assert frozen["content"] == recomputed["content"] and frozen["submitted_by"]
    # whatever arrives later, the submitted report never changes
    ws2, scheduled2 = stream.schedule("workshop", "2026-09-20T10:00:00+03:00", ids["Keşan TSO"])
    feed(scheduled2, stream.attend(ws2, stream.outside("Yeni Firma")), stream.held(ws2))
    assert api("GET", f"/reports/{draft['id']}", role="auditor").json == frozen
    assert api("POST", f"/reports/{draft['id']}/submit", role="programme_officer").status_code == 409
    assert api("POST", f"/reports/{draft['id']}/recompute", role="programme_officer").status_code == 409
    assert api("DELETE", f"/reports/{draft['id']}", role="programme_officer").status_code == 409
    assert api("GET", f"/reports/{draft['id']}", role="auditor").json == frozen
    # the submission is an event in the report's outbox, for tvp.reporting.reports
    stored = db.reports.find_one({"_id": draft["id"]})
    [event, published] = stored["outbox"]  # and, in the same write, its public view (tvp.public.reports.v1)
    public_view = REGISTRY.validate(published)
    assert REGISTRY.spec(public_view.type).topic == "tvp.public.reports.v1" and public_view.aggregateversion == 1
    assert public_view.data["sha256"] == frozen["sha256"] and "submitted_by" not in public_view.data
    parsed = REGISTRY.validate(event)
    assert parsed.type == "tr.tvp.reporting.report.submitted.v1" and parsed.subject == f"report/{draft['id']}"
    assert parsed.correlationid == "submit-1" and parsed.aggregateversion == 1
    assert parsed.data["sha256"] == frozen["sha256"] and parsed.data["period"] == "2026-Q3"
    assert REGISTRY.spec(parsed.type).topic == "tvp.reporting.reports"
    # one submitted report per period and kind
    other = _draft(api)
    assert api("POST", f"/reports/{other['id']}/submit", role="programme_officer").status_code == 409
    assert api("GET", f"/reports/{other['id']}").json["status"] == "draft"
    final = _draft(api, kind="final")
    assert api("POST", f"/reports/{final['id']}/submit", role="programme_officer").status_code == 200


def test_report_list_delete_and_errors(api, programme):
    first, second = _draft(api, "2026-Q2"), _draft(api, "2026", "final")
    listed = api("GET", "/reports", role="auditor").json
    assert listed["total"] == 2 and {r["id"] for r in listed["items"]} == {first["id"], second["id"]}
    assert "content" not in listed["items"][0]
    assert api("GET", "/reports?kind=final").json["total"] == 1
    assert api("DELETE", f"/reports/{first['id']}", role="programme_officer").status_code == 204
    assert api("GET", f"/reports/{first['id']}").status_code == 404
    assert api("DELETE", f"/reports/{first['id']}", role="programme_officer").status_code == 404
    assert api("POST", "/reports", json={"period": "2026-Q7", "kind": "interim"}).status_code == 422
    assert api("POST", "/reports", json={"period": "2026-Q3", "kind": "monthly"}).status_code == 422
    assert api("POST", "/reports", role="auditor", json={"period": "2026-Q3", "kind": "interim"}).status_code == 403
    assert api("GET", f"/reports/{second['id']}/export?format=docx").status_code == 422
    assert api("GET", f"/reports/{second['id']}/export?format=pdf&lang=de").status_code == 422
    assert api("GET", "/reports/nope/export?format=pdf").status_code == 404
    assert api("POST", "/reports/nope/submit", role="programme_officer").status_code == 404
    assert api("GET", "/reports", role="chamber_admin").status_code == 403


def test_lists_sort_as_asked(api, programme):
    for day in ("2026-03-01", "2026-01-15", "2026-02-10"):
        assert api("POST", "/expenditures", json={"date": day, "budget_line": "travel", "amount": 10,
                                                  "currency": "EUR", "description": day}).status_code == 201
    def dates(query):
        return [e["date"] for e in api("GET", f"/expenditures{query}", role="auditor").json["items"]]
    assert dates("") == dates("?sort=date") == ["2026-01-15", "2026-02-10", "2026-03-01"]
    assert dates("?sort=-date") == ["2026-03-01", "2026-02-10", "2026-01-15"]
    assert api("GET", "/expenditures?sort=amount").status_code == 422
    made = [_draft(api, period)["id"] for period in ("2026-Q2", "2026", "2026-Q1")]
    def ids(query):
        return [r["id"] for r in api("GET", f"/reports{query}", role="auditor").json["items"]]
    assert ids("") == ids("?sort=-created_at") == made[::-1]
    assert ids("?sort=created_at") == made
    assert ids("?sort=period") == [made[1], made[2], made[0]]  # the year, then its first and second quarters
    assert ids("?sort=-period") == [made[0], made[2], made[1]]
    assert api("GET", "/reports?sort=kind").status_code == 422
