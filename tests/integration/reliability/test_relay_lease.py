"""Two relays of one service under the relay lease (shared/messaging/lease.py), against the real SecantusDB and the
real broker: only the holder publishes, a silent holder is taken over within TTL + a renewal period, and a stale
holder's batch is neither logged nor pulled (its transaction is fenced out)."""
import threading
import time
import uuid

import pytest
from pymongo import MongoClient

from shared.contracts import REGISTRY
from shared.messaging.kafka import make_producer
from shared.messaging.lease import EPOCH_HEADER, LEASES, LeaseLost, RelayLease
from shared.messaging.outbox import EVENT_LOG, PENDING, Causation, Outbox, outbox_backlog
from shared.messaging.relay import OutboxRelay

from ...support.kafka_read import read_topic, wait_for

pytestmark = pytest.mark.integration

REGISTERED = "tr.tvp.members.organisation.registered.v1"
TOPIC = "tvp.members.organisations"
TTL_S = 2.0  # short, so that a takeover costs the test seconds; the policy is the same at 6 s


@pytest.fixture
def members_db(servers, run_id):
    client = MongoClient(servers.mongo_uri)
    yield client[f"t{run_id}_members"]
    client.close()


def _seed(db, count: int) -> set[str]:
    outbox, ids = Outbox(db, REGISTRY), set()
    for n in range(count):
        org_id = uuid.uuid4().hex
        payload = {"id": org_id, "name": f"Oda {n}", "kind": "chamber", "province": "Tekirdağ", "region": "TR21",
                   "is_sme": False, "status": "applicant"}
        outbox.insert("organisations", {"_id": org_id}, [(REGISTERED, payload)], Causation(f"seed-{n}"))
        ids.add(org_id)
    return ids


class RunningRelay:
    """An OutboxRelay with its own lease, running in a thread as a worker runs it."""

    def __init__(self, db, bootstrap: str, name: str, clock=time.monotonic):
        self.lease = RelayLease(db, "members", ttl_s=TTL_S, holder=name, clock=clock)
        self.relay = OutboxRelay(db, ["organisations"], REGISTRY, lambda: make_producer(bootstrap), lease=self.lease)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.relay.run, args=(self.stop,), kwargs={"poll_interval_s": 0.2},
                                       daemon=True)

    def start(self) -> "RunningRelay":
        self.thread.start()
        return self

    def halt(self) -> None:
        self.stop.set()
        self.thread.join(15)


def _epochs_by_key(bootstrap: str, keys: set[str]) -> dict[str, list[int]]:
    """The tvp-relay-epoch header of every record of `keys` in the organisations topic."""
    wanted = {k.encode() for k in keys}
    records = read_topic(bootstrap, TOPIC, lambda rs: wanted <= {r.key for r in rs}, timeout_s=30)
    epochs: dict[str, list[int]] = {}
    for record in records:
        if record.key in wanted:
            epochs.setdefault(record.key.decode(), []).append(int(dict(record.headers)[EPOCH_HEADER]))
    return epochs


def test_of_two_relays_only_the_lease_holder_publishes(servers, members_db):
    db = members_db
    first = RunningRelay(db, servers.kafka_bootstrap, "first").start()
    wait_for(lambda: first.lease.valid_for(), timeout_s=10)
    second = RunningRelay(db, servers.kafka_bootstrap, "second").start()
    try:
        ids = _seed(db, 60)
        wait_for(lambda: outbox_backlog(db, ["organisations"]) == 0, timeout_s=30)
        # Four renewals later the second relay has watched a whole TTL: time enough to take a wrongly free lease.
        beat = db[LEASES].find_one({"_id": "members"})["beat"]
        wait_for(lambda: db[LEASES].find_one({"_id": "members"})["beat"] >= beat + 4, timeout_s=10)
        more = _seed(db, 20)
        wait_for(lambda: outbox_backlog(db, ["organisations"]) == 0, timeout_s=30)
    finally:
        second.halt()
        first.halt()
    assert second.relay.published == 0 and first.relay.published == 80
    epochs = _epochs_by_key(servers.kafka_bootstrap, ids | more)
    assert set(epochs) == ids | more
    assert {e for got in epochs.values() for e in got} == {1}
    assert db[EVENT_LOG].count_documents({}) == 80
    assert db[LEASES].find_one({"_id": "members"})["holder"] is None, "a stopped relay releases its lease"


def test_a_silent_holder_is_taken_over_within_ttl_and_a_renewal_period(servers, members_db):
    db = members_db
    holder = RunningRelay(db, servers.kafka_bootstrap, "holder").start()
    wait_for(lambda: holder.lease.valid_for(), timeout_s=10)
    standby = RunningRelay(db, servers.kafka_bootstrap, "standby").start()
    _seed(db, 10)
    wait_for(lambda: outbox_backlog(db, ["organisations"]) == 0, timeout_s=30)
    # The holder dies as a killed process does: it stops renewing and never releases.
    holder.lease.release = lambda: None
    holder.halt()
    died = time.monotonic()
    try:
        late = _seed(db, 10)
        wait_for(lambda: outbox_backlog(db, ["organisations"]) == 0, timeout_s=30, interval_s=0.02)
        failover_s = time.monotonic() - died
    finally:
        standby.halt()
    print(f"\nrelay lease failover with TTL {TTL_S}s: {failover_s:.2f}s (bound TTL + period = {TTL_S * 4 / 3:.2f}s)")
    assert failover_s < TTL_S + standby.lease.renew_every_s + 1.0  # + the publish itself on a loaded machine
    assert standby.relay.published == 10
    epochs = _epochs_by_key(servers.kafka_bootstrap, late)
    assert set(epochs) == late and all(got == [2] for got in epochs.values())


class SkewedClock:
    """A contender's monotonic clock that can be moved on: the holder's own clock says it is still valid."""

    def __init__(self):
        self.offset = 0.0

    def __call__(self) -> float:
        return time.monotonic() + self.offset


def test_a_stale_holder_s_batch_is_neither_logged_nor_pulled(servers, members_db):
    db = members_db
    stale = RelayLease(db, "members", ttl_s=TTL_S, holder="stale")
    relay = OutboxRelay(db, ["organisations"], REGISTRY, lambda: make_producer(servers.kafka_bootstrap), lease=stale)
    clock = SkewedClock()
    taker = RelayLease(db, "members", ttl_s=TTL_S, holder="taker", clock=clock)
    try:
        assert stale.acquire() and not taker.acquire()
        ids = _seed(db, 5)
        batch = relay._pending()
        clock.offset += TTL_S  # the contender saw no renewal for a TTL (a paused holder, or a faster clock)
        assert taker.acquire() and taker.token == 2
        # The stale holder's own clock still grants it the margin: only the fence in the transaction stops it.
        assert stale.valid_for()
        with pytest.raises(LeaseLost):
            relay._record_published(batch)
        assert db[EVENT_LOG].count_documents({}) == 0
        assert outbox_backlog(db, ["organisations"]) == 5
        assert stale.token is None
        with pytest.raises(LeaseLost):
            relay.publish_pending()  # and it produces nothing more
        assert ids == {doc["_id"] for doc in db.organisations.find({PENDING: True}, {"_id": 1})}
        assert db[LEASES].find_one({"_id": "members"})["token"] == 2
    finally:
        relay.close()
