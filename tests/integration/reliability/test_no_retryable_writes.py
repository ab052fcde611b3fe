"""The idempotency claim and the relay's event log write only inside transactions, never as retryable writes.

SecantusDB records every retryable write (a write outside a transaction: the driver sends it with `lsid` and
`txnNumber` and without `autocommit: false`) for 30 minutes, walked whole on every retryable write; one per API write
grew the database's memory and halved the soak's write rate (docs/operations.md, issue 10 item 8). The commands the
driver sends are watched with a CommandListener, against the real embedded database and broker.
"""
from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from pymongo import MongoClient, monitoring

from shared.adapters.idempotency import COLLECTION, Claimed, IdempotencyRecords, Running, Stored, by_key
from shared.clock import utc_now
from shared.contracts import REGISTRY
from shared.messaging.kafka import make_producer
from shared.messaging.outbox import EVENT_LOG, Causation, Outbox, outbox_backlog
from shared.messaging.relay import OutboxRelay

from ...support.servers import create_platform_topics

pytestmark = pytest.mark.integration

WRITES = {"insert", "update", "delete", "findAndModify"}
REGISTERED = "tr.tvp.members.organisation.registered.v1"


class Writes(monitoring.CommandListener):
    """Every write command the client sends, as (command name, collection, transactional?, retryable?)."""

    def __init__(self):
        self.seen: list[tuple[str, str, bool, bool]] = []

    def started(self, event):
        if event.command_name in WRITES:
            command = event.command
            in_transaction = command.get("autocommit") is False
            self.seen.append((event.command_name, command[event.command_name], in_transaction,
                              "txnNumber" in command and not in_transaction))

    def succeeded(self, event):
        pass

    def failed(self, event):
        pass

    def retryable(self, collection: str) -> list:
        return [write for write in self.seen if write[1] == collection and write[3]]

    def of(self, collection: str) -> list:
        return [write for write in self.seen if write[1] == collection]


@pytest.fixture
def watched(servers, run_id):
    writes = Writes()
    client = MongoClient(servers.mongo_uri, event_listeners=[writes], w="majority", journal=True)
    db = client[f"t{run_id}_retryable"]
    yield db, writes
    client.drop_database(db.name)
    client.close()


def test_the_listener_tells_a_retryable_write_from_a_transactional_one(watched):
    db, writes = watched
    db.probe.insert_one({"_id": 1})
    with db.client.start_session() as session, session.start_transaction():
        db.probe.insert_one({"_id": 2}, session=session)
    assert [write[2:] for write in writes.of("probe")] == [(False, True), (True, False)]


def test_a_claim_its_takeovers_and_its_release_are_no_retryable_writes(watched):
    db, writes = watched
    records = IdempotencyRecords(db)
    records.ensure_indexes()
    key, now = uuid.uuid4().hex, utc_now()
    first = records.claim("s", key, "f", now=now)
    assert isinstance(first, Claimed)
    assert records.claim("s", key, "f", now=now) == Running()  # the claim committed before this returned
    lapsed = records.claim("s", key, "f", now=now + timedelta(seconds=11))  # its lease ran out: taken over
    assert isinstance(lapsed, Claimed) and lapsed.token != first.token
    expired = records.claim("s", key, "f", now=now + timedelta(hours=25))  # the TTL sweep has not run: taken over
    assert isinstance(expired, Claimed)
    with db.client.start_session() as session, session.start_transaction():
        records.complete("s", key, expired.token, {"status": 201, "body": b"{}", "headers": {}}, session)
    assert isinstance(records.claim("s", key, "f"), Stored)
    other = uuid.uuid4().hex
    released = records.claim("s", other, "f")
    records.release("s", other, released.token)
    assert db[COLLECTION].count_documents(by_key("s", other)) == 0
    assert len(writes.of(COLLECTION)) >= 5
    assert writes.retryable(COLLECTION) == []


def test_the_relays_event_log_insert_is_in_the_transaction_that_pulls_the_outbox(servers, watched):
    db, writes = watched
    create_platform_topics(servers)
    outbox = Outbox(db, REGISTRY)
    for n in range(3):
        org_id = str(uuid.uuid4())
        outbox.insert("organisations", {"_id": org_id, "name": f"org {n}"},
                      [(REGISTERED, {"id": org_id, "name": f"org {n}", "kind": "chamber", "province": "Tekirdağ",
                                     "region": "TR21", "is_sme": False, "status": "applicant"})],
                      Causation("c"))
    relay = OutboxRelay(db, ["organisations"], REGISTRY, lambda: make_producer(servers.kafka_bootstrap))
    try:
        assert relay.publish_pending() == 3
    finally:
        relay.close()
    assert outbox_backlog(db, ["organisations"]) == 0 and db[EVENT_LOG].count_documents({}) == 3
    logged = writes.of(EVENT_LOG)
    assert logged and all(in_transaction for _, _, in_transaction, _ in logged)
    assert writes.retryable(EVENT_LOG) == []


def test_an_event_logged_by_an_earlier_release_is_pulled_without_a_duplicate_key(servers, watched):
    """Before this change the relay logged first and pulled after: one killed between the two left an event both
    logged and pending, which the pull's transaction must take as it is (a duplicate key would abort it)."""
    db, _ = watched
    create_platform_topics(servers)
    org_id = str(uuid.uuid4())
    [event] = Outbox(db, REGISTRY).insert(
        "organisations", {"_id": org_id, "name": "org"},
        [(REGISTERED, {"id": org_id, "name": "org", "kind": "chamber", "province": "Tekirdağ", "region": "TR21",
                       "is_sme": False, "status": "applicant"})], Causation("c"))
    db[EVENT_LOG].insert_one({"_id": event.id, "event": event.to_dict(), "logged_at": utc_now(), "earlier": True})
    relay = OutboxRelay(db, ["organisations"], REGISTRY, lambda: make_producer(servers.kafka_bootstrap))
    try:
        assert relay.publish_pending() == 1
    finally:
        relay.close()
    assert outbox_backlog(db, ["organisations"]) == 0
    assert [doc.get("earlier") for doc in db[EVENT_LOG].find()] == [True]
