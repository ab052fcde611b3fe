"""The consumer runtime's decisions, with fakes for MongoDB and the dead-letter producer."""
import json

from shared.contracts import REGISTRY
from shared.messaging.consumer import PROCESSED, EventConsumer

from .fakes import FakeClient, FakeDatabase, FakeDeadLetter, FakeRecord

REGISTERED = "tr.tvp.members.organisation.registered.v1"


def _event(org_id):
    return REGISTRY.build(REGISTERED, org_id, 1, {"id": org_id, "name": "Tekirdağ TSO", "kind": "chamber",
                                                  "province": "Tekirdağ", "region": "TR21", "is_sme": False,
                                                  "status": "applicant"}, correlation_id="c")


def _runtime(handler):
    db, dead = FakeDatabase(), FakeDeadLetter()
    runtime = EventConsumer(FakeClient(), db, REGISTRY, {REGISTERED: handler}, dead, max_retries=3,
                            retry_backoff_s=0)
    return runtime, db, dead


def test_duplicates_in_and_across_batches_apply_once():
    seen = []
    runtime, db, _ = _runtime(lambda event, ctx: seen.append(event.id))
    event = _event("a")
    runtime.process([FakeRecord(event.to_json_bytes()), FakeRecord(event.to_json_bytes())])
    runtime.process([FakeRecord(event.to_json_bytes())])
    assert seen == [event.id]
    assert list(db[PROCESSED].docs) == [event.id]


def test_poison_goes_to_dead_letters_and_the_rest_is_applied():
    seen = []
    runtime, _, dead = _runtime(lambda event, ctx: seen.append(event.aggregate_id))
    runtime.process([FakeRecord(b"{not json"), FakeRecord(json.dumps([1, 2]).encode()),
                     FakeRecord(json.dumps({**_event("x").to_dict(), "type": "tr.tvp.x.y.z.v1"}).encode()),
                     FakeRecord(_event("good").to_json_bytes())])
    assert seen == ["good"]
    assert [error.split(":")[0] for _, error in dead.records] == [
        "record is not JSON", "record is not a JSON object", "unknown event type 'tr.tvp.x.y.z.v1'"]


def test_a_failing_handler_is_isolated_retried_and_dead_lettered():
    calls = []

    def handler(event, ctx):
        calls.append(event.aggregate_id)
        if event.aggregate_id == "bad":
            raise ValueError("boom")
    runtime, db, dead = _runtime(handler)
    good, bad = _event("good"), _event("bad")
    runtime.process([FakeRecord(bad.to_json_bytes()), FakeRecord(good.to_json_bytes())])
    assert calls.count("bad") == 1 + 3  # the batch, then three attempts alone
    assert set(db[PROCESSED].docs) == {good.id}
    assert len(dead.records) == 1 and "failed 3 times" in dead.records[0][1]


def test_valid_events_without_a_handler_are_skipped_not_dead_lettered():
    runtime, db, dead = _runtime(lambda e, c: None)
    other = REGISTRY.build("tr.tvp.members.person.erased.v1", "p1", 2,
                           {"id": "p1", "organisation_id": "o1", "at": "2026-11-25T10:00:00+03:00"}, "c")
    runtime.process([FakeRecord(other.to_json_bytes())])
    assert dead.records == [] and db[PROCESSED].docs == {} and runtime.skipped == 1


def test_a_tombstone_is_skipped_not_dead_lettered():
    seen = []
    runtime, _, dead = _runtime(lambda event, ctx: seen.append(event.aggregate_id))
    runtime.process([FakeRecord(_event("before").to_json_bytes()), FakeRecord(None),
                     FakeRecord(_event("after").to_json_bytes())])
    assert seen == ["before", "after"]
    assert dead.records == []
    assert runtime.skipped == 1
