"""The Mongo unit of work against the real embedded database: atomic blocks commit or roll back as one."""
import pytest
from pymongo import MongoClient

from shared.adapters.repository import MongoRepository
from shared.contracts import REGISTRY
from shared.messaging.outbox import Causation, ConcurrencyConflict, Outbox
from shared.service_layer.unit_of_work import MongoUnitOfWork

pytestmark = pytest.mark.integration

REGISTERED = "tr.tvp.members.organisation.registered.v1"
CAUSE = Causation("corr-uow")


class Organisations(MongoRepository):
    collection = "organisations"
    noun = "organisation"


def _org(org_id):
    return {"_id": org_id, "name": "Çerkezköy TSO", "kind": "chamber", "province": "Tekirdağ", "region": "TR21",
            "is_sme": False, "status": "applicant"}


def _event(org_id):
    return (REGISTERED, {k: v for k, v in _org(org_id).items() if k != "_id"} | {"id": org_id})


@pytest.fixture
def uow_factory(servers, run_id):
    client = MongoClient(servers.mongo_uri)
    db = client[f"t{run_id}_uow"]
    yield lambda: MongoUnitOfWork(client, db, Outbox(db, REGISTRY), {"organisations": Organisations})
    client.close()


def test_writes_in_an_atomic_block_commit_together(uow_factory):
    uow = uow_factory()
    with uow.atomic():
        uow.organisations.add(_org("a"), [_event("a")], CAUSE)
        uow.organisations.add(_org("b"), [_event("b")], CAUSE)
    fresh = uow_factory()
    assert [fresh.organisations.get(i)["version"] for i in ("a", "b")] == [1, 1]
    assert [e.subject for e in uow.events] == ["organisation/a", "organisation/b"]


def test_a_failure_inside_an_atomic_block_leaves_nothing(uow_factory):
    uow = uow_factory()
    uow.organisations.add(_org("c"), [_event("c")], CAUSE)
    with pytest.raises(ConcurrencyConflict):
        with uow.atomic():
            uow.organisations.add(_org("d"), [_event("d")], CAUSE)
            uow.organisations.save("c", 7, [], CAUSE, set_fields={"name": "stale"})  # c is at version 1
    fresh = uow_factory()
    assert fresh.organisations.find("d") is None
    assert fresh.organisations.get("c")["name"] == "Çerkezköy TSO"


def test_page_reads_through_the_repository(uow_factory):
    uow = uow_factory()
    for org_id in ("p1", "p2", "p3"):
        uow.organisations.add(_org(org_id), [_event(org_id)], CAUSE)
    page = uow.organisations.page({"kind": "chamber"}, [("_id", -1)], page=1, page_size=2)
    assert (page["total"], [d["_id"] for d in page["items"]]) == (3, ["p3", "p2"])
    assert "outbox" not in page["items"][0]
