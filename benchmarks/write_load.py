"""A steady mixed write load on the three services, every write idempotent, and the read-back that judges it.

Each logical write carries a unique marker (an organisation's name, a meeting's
title, an expenditure's description) and one Idempotency-Key, kept across its
retries. Reading the markers back from each service's own database tells what
was lost (acknowledged, not there) and what was duplicated (there more than
once); the read models and the public topics tell whether it went downstream.
"""
from __future__ import annotations

import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import requests
from pymongo import MongoClient

from infra.idempotent import IdempotentSession, RetryPolicy
from shared.contracts.topics import PUBLIC_PREFIX
from shared.messaging.kafka import make_consumer
from shared.messaging.outbox import EVENT_LOG

from .supervised_stack import SupervisedStack


@dataclass
class Write:
    service: str
    marker: str
    phase: str
    status: int | None = None  # None: no answer at all, even after the retries
    id: str | None = None

    @property
    def acknowledged(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


@dataclass
class WriteLoad:
    """`rate` logical writes per second per service from `concurrency` threads each, every write in the phase
    current when it started."""

    stack: SupervisedStack
    rate: float = 4.0
    concurrency: int = 1
    phase: str = "warm-up"
    writes: list[Write] = field(default_factory=list)
    retries: int = 0
    run: str = field(default_factory=lambda: uuid.uuid4().hex[:6])
    _stop: threading.Event = field(default_factory=threading.Event)
    _threads: list[threading.Thread] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def prepare(self, timeout_s: float = 60) -> None:
        """An active member organisation that hosts the meetings, known to the events service."""
        session = IdempotentSession(policy=RetryPolicy(budget_s=timeout_s))
        members = self.stack.url("members") + "/api/v1"
        host = session.request("POST", f"{members}/organisations", headers=self.stack.headers,
                               json={"name": f"Host {self.run}", "kind": "chamber", "province": "Edirne"})
        host.raise_for_status()
        self.host_id = host.json()["id"]
        session.request("POST", f"{members}/organisations/{self.host_id}/membership", headers=self.stack.headers,
                        json={"action": "approve", "reason": "fault suite host"}).raise_for_status()
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            probe = session.request("POST", self.stack.url("events") + "/api/v1/meetings",
                                    headers=self.stack.headers, json=self._meeting(f"probe {self.run}"))
            if probe.status_code == 201:
                return
            time.sleep(0.3)
        raise RuntimeError(f"the events service never learned of the host organisation: {probe.text[:200]}")

    def _meeting(self, title: str) -> dict:
        starts = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=30)
        return {"kind": "workshop", "title": title, "host_organisation_id": self.host_id, "capacity": 40,
                "starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=2)).isoformat(),
                "themes": ["energy_efficiency"]}

    def _request(self, service: str, marker: str) -> tuple[str, dict]:
        if service == "members":
            return "/organisations", {"name": marker, "kind": "company", "province": "Edirne",
                                      "size_class": "small", "employees": 12}
        if service == "events":
            return "/meetings", self._meeting(marker)
        return "/expenditures", {"date": datetime.now(timezone.utc).date().isoformat(), "budget_line": "services",
                                 "amount": "125.50", "currency": "EUR", "description": marker}

    def start(self) -> "WriteLoad":
        for service in ("members", "events", "reporting"):
            for lane in range(self.concurrency):
                thread = threading.Thread(target=self._drive, args=(service, lane), daemon=True,
                                          name=f"load-{service}-{lane}")
                thread.start()
                self._threads.append(thread)
        return self

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(120)

    def acknowledged(self) -> int:
        with self._lock:
            return sum(1 for w in self.writes if w.acknowledged)

    def _drive(self, service: str, lane: int) -> None:
        session = IdempotentSession(policy=RetryPolicy(budget_s=60))
        base = self.stack.url(service) + "/api/v1"
        interval, n = self.concurrency / self.rate, 0
        next_at = time.monotonic()
        while not self._stop.is_set():
            n += 1
            write = Write(service, f"load-{self.run}-{service}-{lane}-{n}", self.phase)
            path, body = self._request(service, write.marker)
            try:
                response = session.request("POST", base + path, headers=self.stack.headers, json=body)
                write.status = response.status_code
                if write.acknowledged:
                    write.id = response.json().get("id")
            except requests.RequestException:
                pass
            with self._lock:
                self.writes.append(write)
                self.retries = self.retries + session.retries
            session.retries = 0
            next_at += interval
            self._stop.wait(max(0.0, next_at - time.monotonic()))
            next_at = max(next_at, time.monotonic() - interval)  # a long outage is not made up for in a burst


# ---------------------------------------------------------------------------- read-back
SOURCE = {"members": ("organisations", "name"), "events": ("meetings", "title"),
          "reporting": ("expenditures", "description")}
# The read models that must hold every acknowledged write of a service, once the stack has caught up.
DOWNSTREAM = {"members": [("events", "member_organisations"), ("reporting", "member_organisations")],
              "events": [("reporting", "meetings")], "reporting": []}


@dataclass
class Verdict:
    acknowledged: int
    failed: int
    lost: int
    duplicated: int
    downstream_missing: int
    public_missing: int
    # Writes whose last answer was a 5xx other than 503 (a 503 during an outage is the contract's answer and
    # the client retries it; a 500 is a bug, whatever the fault).
    server_errors: int = 0

    @property
    def downstream_complete(self) -> bool:
        return self.downstream_missing == 0 and self.public_missing == 0


class ReadBack:
    def __init__(self, stack: SupervisedStack):
        run = stack.run_file()
        self.client = MongoClient(run["mongo_uri"], serverSelectionTimeoutMS=5000)
        self.databases = run["databases"]
        self.bootstrap = run["kafka_bootstrap"]

    def close(self) -> None:
        self.client.close()

    def copies(self, run: str) -> dict[str, Counter]:
        """How many times each marker of this run is stored by the service that owns it."""
        found = {}
        for service, (collection, fieldname) in SOURCE.items():
            db = self.client[self.databases[service]]
            cursor = db[collection].find({fieldname: {"$regex": f"^load-{run}-"}}, {fieldname: 1})
            found[service] = Counter(doc[fieldname] for doc in cursor)
        return found

    def ids_of(self, run: str) -> dict[str, dict[str, list]]:
        ids: dict[str, dict[str, list]] = {}
        for service, (collection, fieldname) in SOURCE.items():
            db = self.client[self.databases[service]]
            for doc in db[collection].find({fieldname: {"$regex": f"^load-{run}-"}}, {fieldname: 1}):
                ids.setdefault(service, {}).setdefault(doc[fieldname], []).append(str(doc["_id"]))
        return ids

    def missing_downstream(self, service: str, ids: list[str]) -> int:
        missing = 0
        for consumer, collection in DOWNSTREAM[service]:
            db = self.client[self.databases[consumer]]
            present = {d["_id"] for d in db[collection].find({"_id": {"$in": ids}}, {"_id": 1})}
            missing += len(set(ids) - present)
        return missing

    def public_events_expected(self) -> dict[str, str]:
        """Every public event the services logged: event id -> id of the aggregate it is about."""
        expected = {}
        for service in ("members", "events", "reporting"):
            db = self.client[self.databases[service]]
            for doc in db[EVENT_LOG].find({"topic": {"$regex": f"^{PUBLIC_PREFIX}"}}, {"event.id": 1,
                                                                                       "event.subject": 1}):
                expected[doc["event"]["id"]] = str(doc["event"].get("subject", "")).rsplit("/", 1)[-1]
        return expected

    def public_unseen(self, timeout_s: float = 20) -> set[str]:
        """Aggregates with a logged public event that the public topics do not carry."""
        expected = self.public_events_expected()
        seen = self.public_events_on_topics(set(expected), timeout_s)
        return {aggregate for event, aggregate in expected.items() if event not in seen}

    def public_events_on_topics(self, expected: set[str], timeout_s: float = 20) -> set[str]:
        """Ids of the expected events read from the public topics (from the beginning, until all are seen, or
        until nothing new arrives)."""
        import json

        from shared.contracts import topics

        consumer = make_consumer(self.bootstrap, None, [], auto_offset_reset="earliest")
        seen: set[str] = set()
        try:
            consumer.subscribe([t for t in topics.PUBLIC])
            deadline, quiet_since = time.monotonic() + timeout_s, time.monotonic()
            while time.monotonic() < deadline and not expected <= seen and time.monotonic() - quiet_since < 5:
                batch = consumer.poll(timeout_ms=500)
                for records in batch.values():
                    for record in records:
                        try:
                            seen.add(json.loads(record.value)["id"])
                        except (ValueError, KeyError, TypeError):
                            pass
                    quiet_since = time.monotonic()
        finally:
            consumer.close()
        return seen & expected

    def verdict(self, writes: list[Write], run: str, public_unseen: set[str] = frozenset()) -> Verdict:
        """`public_unseen`: ids of aggregates with a logged public event that is not on its topic."""
        copies = self.copies(run)
        ids = self.ids_of(run)
        acknowledged = [w for w in writes if w.acknowledged]
        lost = sum(1 for w in acknowledged if copies[w.service][w.marker] == 0)
        duplicated = sum(max(0, copies[w.service][w.marker] - 1) for w in writes)
        downstream_missing = 0
        for service in SOURCE:
            mine = [i for w in writes if w.service == service for i in ids.get(service, {}).get(w.marker, [])]
            downstream_missing += self.missing_downstream(service, mine) if mine else 0
        public_missing = sum(1 for w in writes for i in ids.get(w.service, {}).get(w.marker, [])
                             if i in public_unseen)
        server_errors = sum(1 for w in writes if w.status is not None and w.status >= 500 and w.status != 503)
        return Verdict(len(acknowledged), len(writes) - len(acknowledged), lost, duplicated, downstream_missing,
                       public_missing, server_errors)
