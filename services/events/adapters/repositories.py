"""The events service's repositories: every query and write it runs against MongoDB.

`Meetings` is the one aggregate (written with its events through the outbox);
the `Member*` repositories are the read models of the membership, written only by
the handlers of the members' events, each document at the version of its latest
event (shared/messaging/projection.py). Times come back as aware UTC datetimes
whatever the driver's tz_aware setting, so the domain compares them safely.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Iterable

from shared.adapters.repository import MongoRepository, Page
from shared.adapters.retention import RetentionLedger
from shared.evidence.store import EvidenceFiles
from shared.messaging.envelope import CloudEvent
from shared.messaging.projection import apply_if_newer

from ..domain.numbering import Numbered
from .documents import MEETINGS, ORGANISATIONS, PEOPLE, SEATS


def aware(value):
    """Stored times as aware UTC datetimes, whatever the driver's tz_aware setting."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    if isinstance(value, dict):
        return {k: aware(v) for k, v in value.items()}
    if isinstance(value, list):
        return [aware(v) for v in value]
    return value


class Meetings(MongoRepository):
    collection = MEETINGS
    noun = "meeting"

    def find(self, aggregate_id: str, projection: dict | None = None) -> dict | None:
        return aware(super().find(aggregate_id, projection))

    def page(self, filters: dict, sort: list[tuple[str, int]], page: int, page_size: int,
             projection: dict | None = None) -> Page:
        found = super().page(filters, sort, page, page_size, projection)
        return found | {"items": aware(found["items"])}

    def numbered_of_body(self, body: str) -> list[Numbered]:
        """The body's meetings that count in its numbering (all but the cancelled)."""
        cursor = self.documents.find({"body": body, "status": {"$ne": "cancelled"}},
                                     {"starts_at": 1, "final_sequence": 1}, session=self.session)
        return [Numbered(m["_id"], aware(m["starts_at"]), m.get("final_sequence")) for m in cursor]

    def for_calendar(self, ending_after: datetime, limit: int) -> list[dict]:
        """The meetings that end after `ending_after`, by start (index by_start): the public calendar's."""
        # A meeting lasts at most 31 days: the bound on the start lets the index do the work.
        criteria = {"starts_at": {"$gt": ending_after - timedelta(days=31)}, "ends_at": {"$gt": ending_after}}
        cursor = self.documents.find(criteria, self.hidden, session=self.session)
        return aware(list(cursor.sort([("starts_at", 1), ("_id", 1)]).limit(limit)))

    def scheduled_with_confirmed(self) -> list[dict]:
        """Scheduled meetings with confirmed registrations: their ids, registrations' ids and statuses, codes."""
        cursor = self.documents.find({"status": "scheduled", "registrations.status": "confirmed"},
                                     {"registrations.id": 1, "registrations.status": 1, "check_in_codes": 1},
                                     session=self.session)
        return list(cursor)

    def add_check_in_codes(self, meeting_id: str, codes: dict[str, str]) -> int:
        """Give registrations their codes, each only if it has none yet (a concurrent writer's code stays);
        no event and no new version: a code is the meeting's bookkeeping, not a change anyone subscribes to."""
        added = 0
        for registration_id, code in codes.items():
            field = f"check_in_codes.{registration_id}"
            result = self.documents.update_one({"_id": meeting_id, field: {"$exists": False}},
                                               {"$set": {field: code}}, session=self.session)
            added += result.modified_count
        return added

    def with_registration(self, registration_id: str) -> dict | None:
        """The meeting holding the registration (index by_registration)."""
        return aware(self.documents.find_one({"registrations.id": registration_id}, self.hidden,
                                             session=self.session))

    def with_decisions_of_body(self, body: str, starting_from: datetime, starting_before: datetime) -> list[dict]:
        """The body's meetings with decisions that start in [starting_from, starting_before), by start."""
        criteria = {"body": body, "decisions.0": {"$exists": True},
                    "starts_at": {"$gte": starting_from, "$lt": starting_before}}
        cursor = self.documents.find(criteria, self.hidden, session=self.session)
        return aware(list(cursor.sort([("starts_at", 1), ("_id", 1)])))

    def with_registered_person(self, person_id: str) -> list[dict]:
        """The meetings where `person_id` has a registration (any status), by start (index by_registered_person)."""
        cursor = self.documents.find({"registrations.person_id": person_id}, self.hidden, session=self.session)
        return sorted(aware(list(cursor)), key=lambda m: (m["starts_at"], m["_id"]))

    def upcoming_ids_of_body(self, body: str, now: datetime) -> list[str]:
        """The body's scheduled meetings that have not started: those whose invitations still follow the seats."""
        cursor = self.documents.find({"body": body, "status": "scheduled", "starts_at": {"$gt": now}}, {"_id": 1},
                                     session=self.session)
        return [m["_id"] for m in cursor]

    def participants_with_contacts(self, ended_before: datetime) -> list[tuple[str, str]]:
        """(meeting id, registration id) of outside participants still named, at meetings that ended before
        `ended_before`: what the participants' retention category anonymises."""
        named = {"participant": {"$type": "object"},
                 "$or": [{"participant.full_name": {"$type": "string"}}, {"participant.email": {"$type": "string"}}]}
        cursor = self.documents.find({"ends_at": {"$lte": ended_before}, "registrations": {"$elemMatch": named}},
                                     {"registrations.id": 1, "registrations.participant": 1}, session=self.session)
        return [(m["_id"], r["id"]) for m in cursor for r in m.get("registrations", [])
                if (r.get("participant") or {}).get("full_name") or (r.get("participant") or {}).get("email")]

    def forget_participant(self, meeting_id: str, registration_id: str, now: datetime) -> bool:
        """Remove an outside participant's name and e-mail (kept: gender, province, organisation, which the
        counts need). No event: meeting events never carried them; the version stays (it counts events)."""
        result = self.documents.update_one(
            {"_id": meeting_id, "registrations.id": registration_id},
            {"$set": {"registrations.$.participant.full_name": None, "registrations.$.participant.email": None,
                      "registrations.$.participant.anonymised_at": now}}, session=self.session)
        return result.modified_count == 1


class _ReadModel(MongoRepository):
    """A view of another service's aggregates; no outbox, written only through `apply`."""
    hidden = {"last_event_id": 0}

    def apply(self, event: CloudEvent, fields: dict) -> bool:
        """Merge `fields` unless the view already reflects a later event of the aggregate; whether it applied."""
        return apply_if_newer(self.documents, event, fields, self.session)

    def many(self, ids: Iterable[str], projection: dict | None = None) -> dict[str, dict]:
        wanted = sorted({i for i in ids if i})
        if not wanted:
            return {}
        return {d["_id"]: d for d in self.documents.find({"_id": {"$in": wanted}}, projection, session=self.session)}


class MemberOrganisations(_ReadModel):
    collection = ORGANISATIONS
    noun = "organisation"


class MemberPeople(_ReadModel):
    collection = PEOPLE
    noun = "person"

    def forget_names(self, person_id: str) -> None:
        """Erasure is final: also when a replay brings an older event back after it."""
        self.documents.update_one({"_id": person_id}, {"$set": {"full_name": None, "email": None, "erased": True}},
                                  session=self.session)


class MemberSeats(_ReadModel):
    collection = SEATS
    noun = "seat"

    def of_body(self, body: str) -> list[dict]:
        return list(self.documents.find({"body": body}, session=self.session))

    def of_person(self, person_id: str) -> list[dict]:
        return list(self.documents.find({"person_id": person_id}, self.hidden, session=self.session))


# What the unit of work hands out, by the name use cases use (`uow.meetings` …).
REPOSITORIES = {"meetings": Meetings, "member_organisations": MemberOrganisations, "member_people": MemberPeople,
                "member_seats": MemberSeats, "retention": RetentionLedger,
                "evidence": EvidenceFiles}  # the meetings' evidence files (GridFS)
