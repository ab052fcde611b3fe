"""The broker goes away for 10 s while the API keeps taking writes: nothing is lost."""
import json
import time

import pytest

from shared.messaging.outbox import outbox_backlog

from ..support.kafka_read import read_topic, wait_for
from ..support.servers import create_platform_topics
from ..support.workers import start_worker, worker_env

pytestmark = pytest.mark.integration


def test_broker_down_for_ten_seconds_loses_nothing(private_broker, settings_for, token, key_dir, tmp_path):
    from services.members import create_app

    servers = private_broker  # this test stops the broker: it gets one of its own
    members_client = create_app(settings_for("members", kafka_bootstrap=servers.kafka_bootstrap)).test_client()
    db = members_client.application.extensions["tvp"].db
    worker = start_worker("members", worker_env(servers, key_dir, tmp_path, {"members": db.name}), tmp_path)
    created = []

    def post(n):
        response = members_client.post("/api/v1/organisations", headers=token(),
                                       json={"name": f"Firma {n}", "kind": "company", "size_class": "small",
                                             "province": "Tekirdağ"})
        assert response.status_code == 201, response.json
        created.append(response.json["id"])
    try:
        post(0)
        wait_for(lambda: outbox_backlog(db, ["organisations"]) == 0)
        servers.stop_kafka()
        outage_started, n = time.monotonic(), 1
        # At least 10 s and at least 50 writes, however slow a loaded machine makes each one.
        while time.monotonic() - outage_started < 10 or n <= 50:
            post(n)
            n += 1
            time.sleep(0.1)
        assert outbox_backlog(db, ["organisations"]) >= n - 1, "writes during the outage wait in the outbox"
        servers.start_kafka()
        create_platform_topics(servers)  # Tansu comes back without them
        wait_for(lambda: outbox_backlog(db, ["organisations"]) == 0, timeout_s=60)
    finally:
        worker.stop()
    # The embedded broker lost the pre-outage event with its memory; everything written since is there.
    records = read_topic(servers.kafka_bootstrap, "tvp.members.organisations",
                         until=lambda rs: set(created[1:]) <= {r.key.decode() for r in rs})
    keys = {r.key.decode() for r in records}
    assert set(created[1:]) <= keys
    assert len(created) > 50
    assert db.event_log.count_documents({}) == len(created)
    assert all(json.loads(r.value)["type"].startswith("tr.tvp.members.") for r in records)
