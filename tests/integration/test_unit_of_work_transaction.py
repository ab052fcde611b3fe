"""`MongoUnitOfWork.transaction` against the real embedded database: one transaction, rerun on a write conflict."""
import pytest
from pymongo import MongoClient

from shared.adapters.repository import MongoRepository
from shared.contracts import REGISTRY
from shared.messaging.outbox import Outbox
from shared.service_layer.unit_of_work import MongoUnitOfWork

pytestmark = pytest.mark.integration


class Counters(MongoRepository):
    collection = "counters"

    def bump(self, counter_id: str) -> None:
        self.documents.update_one({"_id": counter_id}, {"$inc": {"n": 1}}, upsert=True, session=self.session)


@pytest.fixture
def uow_factory(servers, run_id):
    client = MongoClient(servers.mongo_uri)
    db = client[f"t{run_id}_uow_tx"]
    yield lambda: MongoUnitOfWork(client, db, Outbox(db, REGISTRY), {"counters": Counters})
    client.close()


def test_the_work_commits_as_one_or_leaves_nothing(uow_factory):
    uow = uow_factory()
    assert uow.transaction(lambda: (uow.counters.bump("a"), uow.counters.bump("b"), "done")[-1]) == "done"
    with pytest.raises(ZeroDivisionError):
        uow.transaction(lambda: (uow.counters.bump("a"), 1 / 0))
    fresh = uow_factory()
    assert [fresh.counters.get(i)["n"] for i in ("a", "b")] == [1, 1]


def test_a_write_conflict_with_another_writer_reruns_the_work(uow_factory):
    uow, other = uow_factory(), uow_factory()
    uow.counters.bump("c")
    attempts = []

    def work():
        attempts.append(uow.in_transaction)
        uow.counters.bump("d")  # the transaction's snapshot is taken here
        if len(attempts) == 1:
            other.counters.bump("c")  # another writer changes "c" after the snapshot …
        uow.counters.bump("c")  # … so writing it is a write conflict: the server asks for a rerun
        return len(attempts)

    assert uow.transaction(work) == 2 and attempts == [True, True]
    fresh = uow_factory()
    assert (fresh.counters.get("c")["n"], fresh.counters.get("d")["n"]) == (3, 1)
