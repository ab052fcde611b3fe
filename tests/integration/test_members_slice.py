import pytest

pytestmark = pytest.mark.integration


def test_organisation_post_stores_state_and_event_together(members_client, token):
    response = members_client.post("/api/v1/organisations", headers={**token(), "X-Correlation-Id": "c-1"},
                                   json={"name": "Kırklareli TSO", "kind": "chamber", "province": "kirklareli"})
    assert response.status_code == 201, response.json
    body = response.json
    assert body["province"] == "Kırklareli" and body["region"] == "TR21" and body["status"] == "applicant"
    assert response.headers["X-Correlation-Id"] == "c-1"
    db = members_client.application.extensions["tvp"].db
    stored = db.organisations.find_one({"_id": body["id"]})
    [event] = stored["outbox"]
    assert event["type"] == "tr.tvp.members.organisation.registered.v1"
    assert event["subject"] == f"organisation/{body['id']}" and event["aggregateversion"] == 1
    assert event["correlationid"] == "c-1"
