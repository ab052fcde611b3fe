"""Ends the transactions a killed worker left open, so that its successor is not blocked by them.

A process killed (-9) inside a MongoDB transaction never commits nor aborts it, and
closing its connections does not abort it either (drivers may send a transaction's
statements on several connections). The server reaps it only after
transactionLifetimeLimitSeconds (60 s on mongod and SecantusDB, which cannot change
it). Until then every write to the documents it touched conflicts, so the restarted
worker's relay and consumer retried for a minute: the fault suite's worker kills
healed after 60 s instead of a few.

The ledger notes, durably and before any transaction runs on it, the id of every
server session the worker uses (pymongo reuses a handful from its pool, so this is
a write per new session, not per transaction). The next worker with the same owner
kills those sessions first (`killSessions`), which aborts what they left open.
"""

from __future__ import annotations

import logging
import socket
import uuid

from bson import Binary
from pymongo import MongoClient
from pymongo.client_session import ClientSession
from pymongo.database import Database

log = logging.getLogger(__name__)

LEDGER = "session_ledger"


def worker_owner(service: str, slot: int = 1) -> str:
    """One owner per worker slot of a service on a host: a restart (supervisor, container) keeps the owner, a
    replica elsewhere or in another slot (`tvp up --workers N`) has its own, so it never ends a sibling's sessions.
    Slot 1 keeps the name of the time of one worker per host."""
    suffix = "" if slot == 1 else f"-{slot}"
    return f"{service}-worker{suffix}@{socket.gethostname()}"


class SessionLedger:
    def __init__(self, client: MongoClient, db: Database, owner: str):
        self.client, self.collection, self.owner = client, db[LEDGER], owner
        self._noted: set[bytes] = set()

    def end_predecessors(self) -> int:
        """Kill the sessions the previous worker of this owner noted (their open transactions are aborted);
        returns how many were noted."""
        doc = self.collection.find_one({"_id": self.owner}) or {}
        ids = doc.get("session_ids", [])
        if ids:
            # A client with uuidRepresentation="standard" (the services') reads the ids back as uuid.UUID, which
            # a command does not encode on its own.
            ids = [Binary.from_uuid(i) if isinstance(i, uuid.UUID) else i for i in ids]
            self.client.admin.command("killSessions", [{"id": i} for i in ids])
            log.info("ended %d session(s) of the previous %s", len(ids), self.owner)
        self.collection.update_one({"_id": self.owner}, {"$set": {"session_ids": []}}, upsert=True)
        return len(ids)

    def start_session(self) -> ClientSession:
        """client.start_session(), its server session noted before the caller can open a transaction on it."""
        session = self.client.start_session()
        session_id = session.session_id["id"]
        if bytes(session_id) not in self._noted:
            self.collection.update_one({"_id": self.owner}, {"$addToSet": {"session_ids": session_id}}, upsert=True)
            self._noted.add(bytes(session_id))
        return session
