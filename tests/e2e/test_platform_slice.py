"""The thin slice through gunicorn: members registers an organisation, the others learn of it."""
import json

import pytest
import requests
from pymongo import MongoClient

from ..support.kafka_read import read_topic, wait_for
from ..support.workers import stack_databases

pytestmark = pytest.mark.e2e


def test_organisation_reaches_events_and_reporting_read_models(module_stack, servers, token, run_id):
    stack = module_stack
    response = requests.post(f"{stack.url('members')}/api/v1/organisations",
                             headers={**token(), "X-Correlation-Id": f"slice-{run_id}"},
                             json={"name": "Çerkezköy TSO", "kind": "chamber", "province": "TEKIRDAG"}, timeout=10)
    assert response.status_code == 201, response.text
    assert response.headers["X-Correlation-Id"] == f"slice-{run_id}"
    org = response.json()
    client = MongoClient(servers.mongo_uri)
    try:
        for service in ("events", "reporting"):
            view = client[stack_databases(stack)[service]].member_organisations
            found = wait_for(lambda view=view: view.find_one({"_id": org["id"]}), timeout_s=30)
            assert found["province"] == "Tekirdağ" and found["status"] == "applicant" and found["version"] == 1
    finally:
        client.close()
    records = read_topic(servers.kafka_bootstrap, "tvp.members.organisations",
                         until=lambda rs: any(r.key == org["id"].encode() for r in rs))
    [record] = [r for r in records if r.key == org["id"].encode()]
    event = json.loads(record.value)
    assert dict(record.headers)["content-type"] == b"application/cloudevents+json; charset=utf-8"
    assert event["specversion"] == "1.0" and event["source"] == "/tvp/members"
    assert event["type"] == "tr.tvp.members.organisation.registered.v1"
    assert event["subject"] == f"organisation/{org['id']}" and event["correlationid"] == f"slice-{run_id}"
    assert event["data"]["name"] == "Çerkezköy TSO"


def test_operations_endpoints(module_stack):
    stack = module_stack
    base = stack.url("members")
    assert requests.get(f"{base}/healthz", timeout=5).json()["status"] == "alive"
    ready = requests.get(f"{base}/readyz", timeout=5)
    assert ready.status_code == 200 and ready.json()["checks"] == {"mongodb": "ok", "kafka": "ok"}
    requests.get(f"{base}/api/v1/organisations", timeout=5)  # a 401, counted all the same
    metrics = requests.get(f"{base}/metrics", timeout=5).text
    for name in ("tvp_http_requests_total", "tvp_http_request_duration_seconds", "tvp_outbox_backlog",
                 "tvp_consumer_lag", "tvp_dead_lettered_total"):
        assert name in metrics
    assert 'status="401"' in metrics
    spec = requests.get(f"{base}/api/v1/openapi.json", timeout=5)
    assert spec.status_code == 200 and spec.json()["openapi"].startswith("3.")
    unauthenticated = requests.get(f"{base}/api/v1/organisations", timeout=5)
    assert unauthenticated.status_code == 401 and unauthenticated.json()["code"] == 401
    assert unauthenticated.headers["X-Correlation-Id"]


def test_readyz_names_what_is_unreachable(settings_for):
    from services.members import create_app

    app = create_app(settings_for("members", kafka_bootstrap="127.0.0.1:1"))
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert "kafka" in response.json["message"] and response.json["checks"]["mongodb"] == "ok"
    assert response.json["failing"] == ["kafka"] and response.json["checks"]["kafka"] == "unreachable"
    assert "127.0.0.1" not in response.get_data(as_text=True)  # addresses and driver text go to the log only
