"""A worker killed (-9) inside a transaction: its successor ends what it left open instead of waiting 60 s for the
server to reap it (shared/session_ledger.py), against the real embedded database and a really killed process."""
import os
import signal
import subprocess
import sys
import textwrap

import pymongo
import pytest
from pymongo import MongoClient
from pymongo.errors import PyMongoError

from shared.session_ledger import SessionLedger

pytestmark = pytest.mark.integration

# A process that opens a transaction on a ledger's session, writes, says so, and waits to be killed.
ABANDONS_A_TRANSACTION = textwrap.dedent("""
    import sys, time
    from pymongo import MongoClient
    from shared.session_ledger import SessionLedger
    uri, dbname, owner = sys.argv[1:4]
    client = MongoClient(uri)
    ledger = SessionLedger(client, client[dbname], owner)
    ledger.end_predecessors()
    session = ledger.start_session()
    session.start_transaction()
    client[dbname].outbox.update_one({"_id": "a"}, {"$set": {"by": "killed"}}, session=session)
    print("in transaction", flush=True)
    time.sleep(120)
""")


def update_in_transaction(client: MongoClient, dbname: str, budget_s: float) -> None:
    with pymongo.timeout(budget_s), client.start_session() as session:
        session.with_transaction(
            lambda s: client[dbname].outbox.update_one({"_id": "a"}, {"$set": {"by": "successor"}}, session=s))


@pytest.fixture(params=["unspecified", "standard"])
def killed_mid_transaction(servers, run_id, request):
    # The services' clients read UUIDs back as uuid.UUID ("standard"), a bare client as Binary.
    client = MongoClient(servers.mongo_uri, uuidRepresentation=request.param)
    dbname, owner = f"t{run_id}_ledger", f"test-worker-{run_id}"
    client[dbname].outbox.insert_one({"_id": "a", "by": "nobody"})
    child = subprocess.Popen([sys.executable, "-c", ABANDONS_A_TRANSACTION, servers.mongo_uri, dbname, owner],
                             stdout=subprocess.PIPE, text=True, cwd=os.getcwd())
    try:
        assert child.stdout.readline().strip() == "in transaction"
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(10)
    yield client, dbname, owner
    SessionLedger(client, client[dbname], owner).end_predecessors()  # else the drop waits for the reaper
    client.drop_database(dbname)
    client.close()


def test_the_transaction_a_killed_worker_left_open_blocks_its_documents(killed_mid_transaction):
    client, dbname, _owner = killed_mid_transaction
    with pytest.raises(PyMongoError):
        update_in_transaction(client, dbname, budget_s=2)


def test_the_successor_ends_it_and_writes_at_once(killed_mid_transaction):
    client, dbname, owner = killed_mid_transaction
    assert SessionLedger(client, client[dbname], owner).end_predecessors() == 1
    update_in_transaction(client, dbname, budget_s=3)
    assert client[dbname].outbox.find_one({"_id": "a"})["by"] == "successor"


def test_another_owner_leaves_it_alone(killed_mid_transaction):
    client, dbname, owner = killed_mid_transaction
    assert SessionLedger(client, client[dbname], owner + "-elsewhere").end_predecessors() == 0
    with pytest.raises(PyMongoError):
        update_in_transaction(client, dbname, budget_s=2)
