"""When the relay looks at the outboxes: at once when an aggregate gains events, never for its own pulls, and again
at once when events arrived on an aggregate while it was publishing that aggregate (real SecantusDB and broker)."""
import threading
import time
import uuid

import pytest
from pymongo import MongoClient

from shared.contracts import REGISTRY
from shared.messaging.kafka import make_producer
from shared.messaging.outbox import EVENT_LOG, Causation, Outbox, ensure_outbox_indexes
from shared.messaging.relay import OutboxRelay

from ..support.kafka_read import wait_for
from ..support.servers import create_platform_topics

pytestmark = pytest.mark.integration

REGISTERED = "tr.tvp.members.organisation.registered.v1"
UPDATED = "tr.tvp.members.organisation.updated.v1"
COLLECTIONS = ["organisations", "people", "seats"]
NO_POLL_S = 60.0  # longer than any test here: whatever the relay does, a change stream or its own pass caused it


def _payload(org_id: str, name: str = "Lüleburgaz Döküm A.Ş.") -> dict:
    return {"id": org_id, "name": name, "kind": "company", "province": "Kırklareli", "region": "TR21",
            "is_sme": True, "status": "applicant"}


class CountingRelay(OutboxRelay):
    """The relay, counting its passes and the collections each read; `while_publishing` runs inside a pass,
    after the broker acknowledged the batch and before the pass records it."""

    def __init__(self, *args, while_publishing=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.passes: list[list[str]] = []
        self.while_publishing = while_publishing

    def _pending(self, collections):
        self.passes.append(list(collections))
        return super()._pending(collections)

    def _record_published(self, batch):
        if self.while_publishing is not None:
            hook, self.while_publishing = self.while_publishing, None
            hook()
        return super()._record_published(batch)


@pytest.fixture
def running_relay(servers, run_id):
    client = MongoClient(servers.mongo_uri)
    db = client[f"t{run_id}_members"]
    ensure_outbox_indexes(db, COLLECTIONS)
    create_platform_topics(servers)
    stop, relays = threading.Event(), []

    def start(**kwargs) -> CountingRelay:
        relay = CountingRelay(db, COLLECTIONS, REGISTRY, lambda: make_producer(servers.kafka_bootstrap), **kwargs)
        threading.Thread(target=relay.run, args=(stop, NO_POLL_S), daemon=True).start()
        wait_for(lambda: relay.passes, timeout_s=20)  # its first pass is over
        time.sleep(0.5)  # and its change stream is open
        relays.append(relay)
        return relay

    yield db, start
    stop.set()
    time.sleep(0.6)
    for relay in relays:
        relay.close()
    client.close()


def _logged(db, org_id: str) -> int:
    return db[EVENT_LOG].count_documents({"key": org_id})


def test_a_new_aggregate_wakes_the_relay_which_reads_only_its_collection_and_is_not_woken_by_its_own_pull(
        running_relay):
    db, start = running_relay
    relay = start()
    first_passes = len(relay.passes)
    org_id = uuid.uuid4().hex
    Outbox(db, REGISTRY).insert("organisations", {"_id": org_id}, [(REGISTERED, _payload(org_id))], Causation("c"))
    wait_for(lambda: _logged(db, org_id) == 1, timeout_s=10, interval_s=0.01)
    time.sleep(1.5)  # room for a wake-up by the relay's own pull, had it one
    woken = relay.passes[first_passes:]
    assert woken == [["organisations"]], woken
    assert db.organisations.find_one({"_id": org_id}).get("outbox_pending") is None


def test_an_event_added_while_its_aggregate_was_published_goes_out_without_waiting_for_a_poll(running_relay):
    db, start = running_relay
    org_id = uuid.uuid4().hex
    outbox = Outbox(db, REGISTRY)

    def rename_meanwhile():
        # `outbox_pending` is already set: this write alone would wake no change stream.
        outbox.update("organisations", org_id, 1, [(UPDATED, {**_payload(org_id, "Yeni Ad"), "changed": ["name"]})],
                      Causation("u"))

    start(while_publishing=rename_meanwhile)
    started = time.monotonic()
    outbox.insert("organisations", {"_id": org_id}, [(REGISTERED, _payload(org_id))], Causation("c"))
    wait_for(lambda: _logged(db, org_id) == 2, timeout_s=10, interval_s=0.01)
    assert time.monotonic() - started < NO_POLL_S / 4
    versions = [d["event"]["aggregateversion"] for d in db[EVENT_LOG].find({"key": org_id}).sort("logged_at", 1)]
    assert versions == [1, 2]
    assert db.organisations.find_one({"_id": org_id}).get("outbox_pending") is None
