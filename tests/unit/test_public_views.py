"""The public views the members and events use cases write next to their internal events."""
from __future__ import annotations

import copy
import json
from datetime import datetime, timezone

from services.events.service_layer import public as meeting_public
from services.members.service_layer import public as organisation_public
from shared.contracts import REGISTRY
from shared.contracts import public as contract
from shared.messaging.outbox import Causation, Outbox

NOW = datetime(2026, 10, 1, 7, 0, tzinfo=timezone.utc)
ORGANISATION = {"_id": "o1", "name": "Çerkezköy Ticaret Odası", "short_name": "Çerkezköy TO", "kind": "chamber",
                "province": "Tekirdağ", "region": "TR21", "district": "Çerkezköy", "tax_number": "1234567890",
                "email": "info@cto.org.tr", "employees": 40, "website": None, "size_class": None, "is_sme": False,
                "nace_code": None, "status": "applicant",
                "status_history": [{"action": "apply", "status": "applicant", "at": NOW, "actor": "ayse",
                                    "reason": None}]}


def approved(org: dict) -> dict:
    entry = {"action": "approve", "status": "active", "at": NOW, "actor": "admin", "reason": "board decision"}
    return {**org, "status": "active", "status_history": org["status_history"] + [entry]}


def test_an_applicant_is_not_public_until_approved():
    assert organisation_public.view(ORGANISATION) is None
    assert organisation_public.publication(None, ORGANISATION, ["registered"]) == []
    after = approved(ORGANISATION)
    [(type_, data)] = organisation_public.publication(ORGANISATION, after, ["membership_changed"])
    assert type_ == contract.ORGANISATION_PUBLISHED
    assert data["status"] == "active" and data["member_since"] == "2026-10-01T10:00:00+03:00"
    assert not {"tax_number", "email", "employees", "status_history"} & set(data)
    REGISTRY.build(type_, "o1", 2, data, correlation_id="c")  # valid against the published schema


def test_only_changes_of_the_public_view_are_published():
    member = approved(ORGANISATION)
    assert organisation_public.publication(member, {**member, "email": "new@cto.org.tr", "employees": 41},
                                           ["updated"]) == []
    [(_, data)] = organisation_public.publication(member, {**member, "website": "https://cto.org.tr"}, ["updated"])
    assert data["website"] == "https://cto.org.tr" and data["changes"] == ["updated"]
    withdrawn = {**member, "status": "withdrawn"}
    [(_, data)] = organisation_public.publication(member, withdrawn, ["membership_changed"])
    assert data["status"] == "withdrawn" and data["member_since"] == "2026-10-01T10:00:00+03:00"


def meeting(**changes) -> dict:
    base = {"_id": "m1", "kind": "workshop", "title": "Yalın üretim atölyesi", "description": "Ayşe Yılmaz anlatır",
            "body": None, "final_sequence": None, "host_organisation_id": "o1",
            "host": {"id": "o1", "key": "o1", "kind": "chamber"}, "province": "Tekirdağ",
            "venue": {"city": "Çorlu", "province": "Tekirdağ", "address": "Ayşe Yılmaz Sk. 3"},
            "starts_at": NOW, "ends_at": NOW, "themes": ["eco_efficiency"], "capacity": 1, "status": "scheduled",
            "registrations": [], "decisions": []}
    return base | changes


REGISTRATION = {"id": "r1", "status": "confirmed", "registrant": "participant", "person_id": None,
                "participant": {"full_name": "Ayşe Yılmaz", "email": "ayse@example.org"}, "gender": "female",
                "province": "Tekirdağ", "organisation": {"key": "ext-1", "kind": "company", "is_sme": True}}


def test_a_meeting_view_has_no_people_and_registrations_alone_publish_nothing():
    before = meeting(registrations=[REGISTRATION])
    [(type_, data)] = meeting_public.publication(None, before, [("tr.tvp.events.meeting.scheduled.v1", {})])
    assert (data["registrations"], data["waitlisted"], data["attendance"]) == (None, None, None)
    assert data["changes"] == ["scheduled"] and data["city"] == "Çorlu" and data["status"] == "scheduled"
    text = json.dumps(data, ensure_ascii=False)
    assert "Ayşe" not in text and "ayse@" not in text and "person" not in text
    REGISTRY.build(type_, "m1", 1, data, correlation_id="c")
    after = meeting(registrations=[REGISTRATION, dict(REGISTRATION, id="r2", status="waitlisted")])
    assert meeting_public.publication(before, after, [("tr.tvp.events.meeting.registration_created.v1", {})]) == []
    [(_, moved)] = meeting_public.publication(after, meeting(registrations=after["registrations"], ends_at=NOW.replace(
        hour=9)), [("tr.tvp.events.meeting.rescheduled.v1", {})])
    assert moved["ends_at"] == "2026-10-01T12:00:00+03:00" and moved["changes"] == ["rescheduled"]


def test_attendance_is_published_when_held_and_unchanged_views_are_not():
    scheduled = meeting(registrations=[dict(REGISTRATION, attended=True)])
    # Attendance taken before the meeting closes changes nothing public.
    assert meeting_public.publication(meeting(registrations=[REGISTRATION]), scheduled,
                                      [("tr.tvp.events.meeting.attendance_recorded.v1", {})]) == []
    held = copy.deepcopy(scheduled) | {
        "status": "held", "held_at": NOW,
        "attendance_summary": {"attendances": 1, "by_gender": {"female": 1}, "by_province": {"Tekirdağ": 1},
                               "by_organisation_kind": {"company": 1}, "by_size_class": {"small": 1},
                               "distinct_organisations": 1, "distinct_smes": 1,
                               "organisations": [{"key": "ext-1"}], "smes": [{"key": "ext-1"}]}}
    [(type_, data)] = meeting_public.publication(scheduled, held, [("tr.tvp.events.meeting.held.v1", {})])
    assert data["status"] == "held" and data["attendance"]["by_gender"] == {"female": 1}
    assert (data["registrations"], data["waitlisted"]) == (1, 0)
    assert "organisations" not in data["attendance"]
    REGISTRY.build(type_, "m1", 5, data, correlation_id="c")


class FakeCollection:
    def __init__(self):
        self.docs = {}

    def insert_one(self, doc, session=None):
        self.docs[doc["_id"]] = copy.deepcopy(doc)

    def update_one(self, query, update, session=None):
        doc = self.docs.get(query["_id"])

        class Result:
            matched_count = int(doc is not None and doc["version"] == query["version"])
        if Result.matched_count:
            doc["version"] += update["$inc"]["version"]
            doc.update(update.get("$set", {}))
            for name, value in update.get("$push", {}).items():
                doc.setdefault(name, []).extend(value["$each"] if isinstance(value, dict) else [value])
        return Result()


def test_public_views_travel_in_the_same_write_without_counting_as_aggregate_events():
    db = {"organisations": FakeCollection()}
    outbox = Outbox(db, REGISTRY)
    cause = Causation("corr")
    member = approved(ORGANISATION)
    public = organisation_public.publication(None, member, ["registered"])
    built = outbox.insert("organisations", {"_id": "o1", "status": "active"},
                          [("tr.tvp.members.organisation.registered.v1", _internal(member))], cause, public=public)
    assert len(built) == 1
    stored = db["organisations"].docs["o1"]
    assert stored["version"] == 1 and [e["aggregateversion"] for e in stored["outbox"]] == [1, 1]
    assert stored["outbox"][1]["type"] == contract.ORGANISATION_PUBLISHED
    built = outbox.update("organisations", "o1", 1, [("tr.tvp.members.organisation.updated.v1",
                                                     _internal(member) | {"changed": ["website"]})], cause,
                          public=public)
    assert [e.aggregateversion for e in built] == [2]
    assert stored["version"] == 2 and [e["aggregateversion"] for e in stored["outbox"]] == [1, 1, 2, 2]
    assert len({e["id"] for e in stored["outbox"]}) == 4


def _internal(org: dict) -> dict:
    fields = ["name", "short_name", "kind", "province", "region", "district", "tax_number", "nace_code",
              "size_class", "is_sme", "employees", "email", "website", "status"]
    return {"id": org["_id"], **{name: org.get(name) for name in fields}}
