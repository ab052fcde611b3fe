"""Members' and events' events as their services publish them, for feeding the reporting projections."""
from __future__ import annotations

import hashlib
import itertools
import uuid
from collections import Counter
from datetime import datetime, timedelta

from shared.contracts import REGISTRY
from shared.messaging.consumer import EventConsumer, Record

from ...support.streams import EventStream

ORG = "tr.tvp.members.organisation."
MEETING = "tr.tvp.events.meeting."
GOVERNANCE = {"board_meeting": "board", "advisory_board_meeting": "advisory_board"}


class Stream(EventStream):
    """Members' and events' events, as the reporting service consumes them."""

    def __init__(self, correlation_id: str = "corr-test"):
        super().__init__(correlation_id)
        self.meetings: dict[str, dict] = {}

    def membership(self, organisation_id, action="approve", at: str | None = None):
        return super().membership(organisation_id, action, at or "2026-01-15T10:00:00+03:00")

    def update(self, organisation_id, **changes):
        self.orgs[organisation_id].update(changes)
        return self.event(ORG + "updated.v1", organisation_id, {**self.orgs[organisation_id],
                                                                 "changed": sorted(changes)})

    def ref(self, organisation_id) -> dict:
        org = self.orgs[organisation_id]
        return {"id": organisation_id, "key": organisation_id, "kind": org["kind"], "size_class": org["size_class"],
                "province": org["province"], "is_sme": org["is_sme"], "member": True}

    @staticmethod
    def outside(name: str, kind="company", size_class="small", province="Edirne") -> dict:
        key = "ext-" + hashlib.sha256(name.lower().encode()).hexdigest()[:16]
        return {"id": None, "key": key, "kind": kind, "size_class": size_class, "province": province,
                "is_sme": kind == "company" and size_class in ("micro", "small", "medium"), "member": False}

    # -- events -------------------------------------------------------------------
    def schedule(self, kind, starts_at: str, host: str, themes=(), province="Kırklareli", title=None, sequence=None,
                 venue: dict | None = None, version: int = 2):
        """meeting.scheduled as the events service writes it now (v2), or as it wrote it before (`version=1`).
        `province` is the host's; a `venue` naming a province overrides it, as in the events service."""
        meeting_id = uuid.uuid4().hex
        starts = datetime.fromisoformat(starts_at)
        facts = {"id": meeting_id, "kind": kind, "title": title or f"{kind} {starts_at[:10]}", "description": None,
                 "body": GOVERNANCE.get(kind), "sequence": sequence, "host_organisation_id": host,
                 "host": self.ref(host) if host in self.orgs else {"id": host, "key": host, "is_sme": False,
                                                                    "member": True},
                 "starts_at": starts_at, "ends_at": (starts + timedelta(hours=3)).isoformat(),
                 "themes": list(themes), "capacity": None, "status": "scheduled"}
        province = (venue or {}).get("province") or province
        self.meetings[meeting_id] = dict(facts, province=province, venue=venue, attended=[], decisions=0)
        self.versions[meeting_id] += 1  # the scheduling is the meeting's first event
        return meeting_id, self.scheduled_event(meeting_id, version)

    def scheduled_event(self, meeting_id, version: int = 2):
        """The scheduling of a meeting already known to the stream, in either version (same aggregate version)."""
        meeting = self.meetings[meeting_id]
        data = {k: meeting[k] for k in ("id", "kind", "title", "description", "body", "sequence",
                                         "host_organisation_id", "host", "starts_at", "ends_at", "themes",
                                         "capacity", "status")}
        venue, province = meeting["venue"], meeting["province"]
        if version == 1:
            data.update(province=province, venue=venue)
        else:
            named = bool((venue or {}).get("province"))
            data["location"] = {"city": (venue or {}).get("city"), "address": (venue or {}).get("address"),
                                "province": province,
                                "province_source": "venue" if named else "host" if province else None}
        return REGISTRY.build(MEETING + f"scheduled.v{version}", meeting_id, 1, data, self.correlation_id)

    def reschedule(self, meeting_id, starts_at: str):
        meeting = self.meetings[meeting_id]
        previous = meeting["starts_at"], meeting["ends_at"]
        starts = datetime.fromisoformat(starts_at)
        meeting.update(starts_at=starts_at, ends_at=(starts + timedelta(hours=3)).isoformat())
        return self.event(MEETING + "rescheduled.v1", meeting_id, {
            "id": meeting_id, "starts_at": meeting["starts_at"], "ends_at": meeting["ends_at"],
            "previous_starts_at": previous[0], "previous_ends_at": previous[1], "sequence": meeting.get("sequence")})

    def cancel(self, meeting_id):
        return self.event(MEETING + "cancelled.v1", meeting_id, {"id": meeting_id, "reason": "weather",
                                                                   "at": "2026-01-01T00:00:00+03:00"})

    def attend(self, meeting_id, organisation: dict, gender="female", province=None):
        meeting = self.meetings[meeting_id]
        registration = uuid.uuid4().hex
        item = {"gender": gender, "province": province or organisation.get("province"), "organisation": organisation}
        meeting["attended"].append(item)
        return self.event(MEETING + "attendance_recorded.v1", meeting_id, {
            "id": meeting_id, "registration_id": registration, "registrant": "participant", "person_id": None,
            "seated": False, "gender": gender, "province": item["province"], "organisation": organisation,
            "at": meeting["starts_at"]})

    def decide(self, meeting_id):
        meeting = self.meetings[meeting_id]
        meeting["decisions"] += 1
        n = meeting["decisions"]
        return self.event(MEETING + "decision_recorded.v1", meeting_id, {
            "id": meeting_id, "decision_id": uuid.uuid4().hex, "number": f"2026/{meeting.get('sequence') or 0}-{n}",
            "n": n, "sequence": meeting.get("sequence"), "text": "adopted", "votes": None, "quorum": None,
            "at": meeting["starts_at"]})

    def held(self, meeting_id, quorum: dict | None = None):
        meeting = self.meetings[meeting_id]
        attended = meeting["attended"]
        organisations = {}
        for item in attended:
            organisation = item["organisation"]
            organisations.setdefault(organisation["key"], {k: organisation.get(k) for k in (
                "id", "key", "kind", "size_class", "province", "is_sme", "member")})
        listed = sorted(organisations.values(), key=lambda o: o["key"])
        summary = {
            "attendances": len(attended),
            "by_gender": dict(Counter(i["gender"] or "undisclosed" for i in attended)),
            "by_province": dict(Counter(i["province"] or "unknown" for i in attended)),
            "by_organisation_kind": dict(Counter(i["organisation"].get("kind") or "unknown" for i in attended)),
            "by_size_class": dict(Counter(i["organisation"].get("size_class") or "none" for i in attended)),
            "distinct_organisations": len(listed), "distinct_smes": sum(1 for o in listed if o["is_sme"]),
            "organisations": listed, "smes": [o for o in listed if o["is_sme"]]}
        return self.event(MEETING + "held.v1", meeting_id, {
            "id": meeting_id, "kind": meeting["kind"], "title": meeting["title"], "body": meeting["body"],
            "sequence": meeting.get("sequence"), "host_organisation_id": meeting["host_organisation_id"],
            "province": meeting["province"], "themes": meeting["themes"], "starts_at": meeting["starts_at"],
            "ends_at": meeting["ends_at"], "held_at": meeting["ends_at"], "registrations": len(attended),
            "attendance": summary, "quorum": quorum, "decisions": meeting["decisions"]})


class Feeder:
    """Feeds events through the real consumer runtime with reporting's batch handler."""

    def __init__(self, app):
        bus = app.extensions["tvp.bus"]
        ctx = app.extensions["tvp"]
        self.db = ctx.db
        self.dead = []
        self.consumer = EventConsumer(ctx.client, ctx.db, REGISTRY, bus.event_handlers(),
                                      dead_letter=lambda record, error: self.dead.append((record, error)),
                                      max_retries=2, retry_backoff_s=0.01, batch_handler=bus.batch_handler())
        self.offsets = itertools.count()

    def records(self, *events):
        return [Record(topic=REGISTRY.spec(e.type).topic, partition=0, offset=next(self.offsets),
                       key=e.aggregate_id.encode(), value=e.to_json_bytes()) for e in events]

    def __call__(self, *events, batch: int = 500):
        events = list(events)
        for start in range(0, len(events), batch):
            self.consumer.process(self.records(*events[start:start + batch]))
        assert not self.dead, self.dead
