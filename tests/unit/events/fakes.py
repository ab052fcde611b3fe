"""In-memory repositories of the events service, for unit tests of its use cases and event handlers.

Each fake implements in plain Python the queries its real repository
(services/events/adapters/repositories.py) runs; `fake_uow()` hands them out under
the names the use cases use. `MembersEvents` builds the members' events the
handlers consume, validated by the real registry.
"""
from __future__ import annotations

import copy
import uuid
from datetime import datetime, timedelta, timezone
from typing import Iterable

from services.events.domain.numbering import Numbered
from shared.auth import Principal
from shared.messaging.envelope import CloudEvent
from shared.messaging.outbox import Causation

from ...support.streams import EventStream
from ..fake_uow import FakeRepository, FakeRetentionLedger, FakeUnitOfWork

ADMIN = Principal("admin-1", "platform_admin")
CAUSE = Causation("corr-unit")
PERSON = "tr.tvp.members.person."
SEAT = "tr.tvp.members.seat."


class FakeMeetings(FakeRepository):
    collection = "meetings"
    noun = "meeting"

    def numbered_of_body(self, body: str) -> list[Numbered]:
        return [Numbered(m["_id"], m["starts_at"], m.get("final_sequence")) for m in self.docs.values()
                if m.get("body") == body and m["status"] != "cancelled"]

    def upcoming_ids_of_body(self, body: str, now: datetime) -> list[str]:
        return [m["_id"] for m in self.docs.values()
                if m.get("body") == body and m["status"] == "scheduled" and m["starts_at"] > now]

    def for_calendar(self, ending_after: datetime, limit: int) -> list[dict]:
        found = sorted((m for m in self.docs.values() if m["ends_at"] > ending_after),
                       key=lambda m: (m["starts_at"], m["_id"]))
        return copy.deepcopy(found[:limit])

    def with_registration(self, registration_id: str) -> dict | None:
        return next((copy.deepcopy(m) for m in self.docs.values()
                     if any(r["id"] == registration_id for r in m.get("registrations", []))), None)

    def with_decisions_of_body(self, body: str, starting_from: datetime, starting_before: datetime) -> list[dict]:
        found = [m for m in self.docs.values() if m.get("body") == body and m.get("decisions")
                 and starting_from <= m["starts_at"] < starting_before]
        return copy.deepcopy(sorted(found, key=lambda m: (m["starts_at"], m["_id"])))

    def scheduled_with_confirmed(self) -> list[dict]:
        return [copy.deepcopy(m) for m in self.docs.values() if m["status"] == "scheduled"
                and any(r["status"] == "confirmed" for r in m.get("registrations", []))]

    def add_check_in_codes(self, meeting_id: str, codes: dict[str, str]) -> int:
        stored = self.docs[meeting_id].setdefault("check_in_codes", {})
        added = {rid: code for rid, code in codes.items() if rid not in stored}
        stored.update(added)
        return len(added)

    def participants_with_contacts(self, ended_before: datetime) -> list[tuple[str, str]]:
        return [(m["_id"], r["id"]) for m in self.docs.values() if m["ends_at"] <= ended_before
                for r in m.get("registrations", [])
                if (r.get("participant") or {}).get("full_name") or (r.get("participant") or {}).get("email")]

    def forget_participant(self, meeting_id: str, registration_id: str, now: datetime) -> bool:
        for registration in self.docs.get(meeting_id, {}).get("registrations", []):
            participant = registration.get("participant")
            if registration["id"] == registration_id and participant:
                changed = participant.get("full_name") is not None or participant.get("email") is not None
                participant.update(full_name=None, email=None, anonymised_at=now)
                return changed
        return False


class _FakeReadModel(FakeRepository):
    hidden = {"last_event_id": 0}

    def apply(self, event: CloudEvent, fields: dict) -> bool:
        """As shared.messaging.projection.apply_if_newer: merge unless the view holds a later version."""
        current = self.docs.get(event.aggregate_id)
        if current is not None and (current.get("version") or 0) >= event.aggregateversion:
            return False
        merged = dict(current or {"_id": event.aggregate_id})
        merged.update(copy.deepcopy(fields), version=event.aggregateversion, last_event_id=event.id)
        self.docs[event.aggregate_id] = merged
        return True

    def many(self, ids: Iterable[str], projection: dict | None = None) -> dict[str, dict]:
        return {i: copy.deepcopy(self.docs[i]) for i in {i for i in ids if i} if i in self.docs}


class FakeMemberOrganisations(_FakeReadModel):
    collection = "member_organisations"
    noun = "organisation"


class FakeMemberPeople(_FakeReadModel):
    collection = "member_people"
    noun = "person"

    def forget_names(self, person_id: str) -> None:
        if person_id in self.docs:
            self.docs[person_id].update(full_name=None, email=None, erased=True)


class FakeMemberSeats(_FakeReadModel):
    collection = "member_seats"
    noun = "seat"

    def of_body(self, body: str) -> list[dict]:
        return [copy.deepcopy(s) for s in self.docs.values() if s.get("body") == body]


class FakeNotifications(FakeRepository):
    collection = "notifications"
    noun = "notification"
    hidden = {"context": 0, "lease_until": 0}

    def owe(self, notification: dict) -> bool:
        if notification["_id"] in self.docs:
            return False
        self.docs[notification["_id"]] = copy.deepcopy(notification)
        return True

    def claim_next(self, now: datetime, lease_until: datetime) -> dict | None:
        due = sorted((n for n in self.docs.values()
                      if (n["status"] == "pending" and n["next_attempt_at"] <= now)
                      or (n["status"] == "sending" and n["lease_until"] <= now)), key=lambda n: n["next_attempt_at"])
        if not due:
            return None
        due[0].update(status="sending", lease_until=lease_until)
        return copy.deepcopy(due[0])

    def settle(self, notification_id: str, fields: dict, attempted: bool = True) -> None:
        found = self.docs.get(notification_id)
        if found is None or found["status"] != "sending":
            return
        found.update(copy.deepcopy(fields))
        found.pop("lease_until", None)
        if attempted:
            found["attempts"] = found.get("attempts", 0) + 1

    def of_meeting(self, meeting_id: str, page: int, page_size: int) -> dict:
        return self.page({"meeting_id": meeting_id}, [("created_at", 1), ("_id", 1)], page, page_size)

    def told(self, meeting_id: str) -> set[str]:
        return {n["recipient"] for n in self.docs.values()
                if n["meeting_id"] == meeting_id and n["status"] in ("pending", "sending", "sent")}

    def of_person(self, person_id: str) -> list[dict]:
        return [_hide(n, self.hidden) for n in self.docs.values() if n.get("person_id") == person_id]

    def forget_person(self, person_id: str, now: datetime) -> None:
        for found in self.docs.values():
            if found.get("person_id") == person_id:
                if found["status"] in ("pending", "sending"):
                    found.update(status="skipped", reason="erased")
                found["to"] = None


def _hide(document: dict, hidden: dict) -> dict:
    return {k: copy.deepcopy(v) for k, v in document.items() if k not in hidden}


class FakeReminders(FakeRepository):
    collection = "reminders"
    noun = "reminder"

    def schedule(self, meeting_id: str, starts_at: datetime, due_at: datetime) -> None:
        found = self.docs.get(meeting_id)
        if found is None or found["due_at"] != due_at:
            self.docs[meeting_id] = {"_id": meeting_id, "due_at": due_at, "starts_at": starts_at, "status": "pending"}

    def remove(self, meeting_id: str) -> None:
        self.docs.pop(meeting_id, None)

    def claim_due(self, now: datetime, lease_until: datetime) -> dict | None:
        due = sorted((r for r in self.docs.values()
                      if (r["status"] == "pending" and r["due_at"] <= now)
                      or (r["status"] == "claimed" and r["lease_until"] <= now)), key=lambda r: r["due_at"])
        if not due:
            return None
        due[0].update(status="claimed", lease_until=lease_until)
        return copy.deepcopy(due[0])

    def done(self, meeting_id: str, due_at: datetime, now: datetime) -> bool:
        found = self.docs.get(meeting_id)
        if found is None or found["due_at"] != due_at or found["status"] != "claimed":
            return False
        found.update(status="done", done_at=now)
        found.pop("lease_until", None)
        return True


def fake_uow(meetings: list[dict] | None = None, organisations: list[dict] | None = None,
             people: list[dict] | None = None, seats: list[dict] | None = None) -> FakeUnitOfWork:
    return FakeUnitOfWork(meetings=FakeMeetings(meetings), member_organisations=FakeMemberOrganisations(organisations),
                          member_people=FakeMemberPeople(people), member_seats=FakeMemberSeats(seats),
                          retention=FakeRetentionLedger(), notifications=FakeNotifications(),
                          reminders=FakeReminders())


# -- the membership view, as documents -------------------------------------------------------

def organisation(organisation_id="chamber-1", status="active", kind="chamber", name="Kırklareli TSO",
                 province="Kırklareli", size_class=None, version=2) -> dict:
    return {"_id": organisation_id, "name": name, "kind": kind, "province": province, "size_class": size_class,
            "is_sme": kind == "company" and size_class in ("micro", "small", "medium"), "status": status,
            "version": version}


def person(person_id="person-1", organisation_id="chamber-1", full_name="Ayşe Yılmaz", gender="female",
           erased=False, version=1) -> dict:
    return {"_id": person_id, "organisation_id": organisation_id, "full_name": full_name,
            "email": f"{person_id}@example.org", "gender": gender, "erased": erased, "version": version}


def seat(seat_id, person_id, body="board", organisation_id="chamber-1", role="member", term_start="2020-01-01",
         status="active", ended_on=None, version=1) -> dict:
    return {"_id": seat_id, "body": body, "person_id": person_id, "organisation_id": organisation_id, "role": role,
            "term_start": term_start, "term_end": None, "status": status, "ended_on": ended_on, "version": version}


def chamber_admin(organisation_id="chamber-1") -> Principal:
    return Principal(f"admin-of-{organisation_id}", "chamber_admin", organisation_id)


def later(days=10, hours=0) -> datetime:
    return (datetime.now(timezone.utc) + timedelta(days=days, hours=hours)).replace(microsecond=0)


class MembersEvents(EventStream):
    """The members' events the events service consumes, with per-aggregate versions."""

    def person(self, organisation_id, full_name="Ayşe Yılmaz", gender="female", person_id=None, consents=None):
        """A person.registered; `consents` (a list of purposes, or consent payloads) only when given, as in the
        events written before person events carried them."""
        person_id = person_id or uuid.uuid4().hex
        data = {"id": person_id, "organisation_id": organisation_id, "full_name": full_name,
                "email": f"{person_id[:8]}@example.org", "title": None, "phone": None, "gender": gender}
        if consents is not None:
            data["consents"] = [c if isinstance(c, dict) else {"purpose": c, "granted_at": "2026-01-05T10:00:00+03:00",
                                                                "withdrawn_at": None, "text_version": None}
                                for c in consents]
        return person_id, self.event(PERSON + "registered.v1", person_id, data)

    def erase(self, person_id, organisation_id):
        return self.event(PERSON + "erased.v1", person_id, {
            "id": person_id, "organisation_id": organisation_id, "at": datetime.now(timezone.utc).isoformat()})

    def seat(self, body, person_id, organisation_id, seat_id=None, role="member"):
        seat_id = seat_id or uuid.uuid4().hex
        data = {"id": seat_id, "body": body, "person_id": person_id, "organisation_id": organisation_id,
                "role": role, "term_start": "2020-01-01", "term_end": None}
        return seat_id, self.event(SEAT + "assigned.v1", seat_id, data)

    def end_seat(self, seat_id, body, person_id, organisation_id, ended_on="2021-01-01"):
        data = {"id": seat_id, "body": body, "person_id": person_id, "organisation_id": organisation_id,
                "role": "member", "term_start": "2020-01-01", "term_end": None, "ended_on": ended_on,
                "reason": "resigned"}
        return self.event(SEAT + "ended.v1", seat_id, data)
