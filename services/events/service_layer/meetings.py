"""Use cases on meetings: each is one change of a meeting plus the events announcing it.

A meeting is one document (registrations, attendance and decisions inside it),
written through its repository with its version as an optimistic lock. A use case
reads the meeting, applies the domain rules to it in memory and saves the fields
that changed together with the events. If another writer got there first the save
raises ConcurrencyConflict: the message bus runs the command again from a fresh
read (or answers 412 when it named a version), and an event handler lets it
propagate so that the consumer retries the event.
"""
from __future__ import annotations

import copy
from datetime import datetime
from typing import Callable

from shared.auth import Principal
from shared.clock import local_date, local_iso, utc_now
from shared.concurrency import Precondition
from shared.errors import Conflict, NotFound, Unprocessable
from shared.ids import new_id
from shared.messaging.outbox import Causation
from shared.permissions import require
from shared.service_layer.unit_of_work import UnitOfWork

from ..domain import check_in as codes
from ..domain import meeting as rules
from ..domain import permissions
from ..domain.numbering import Numbered, assign_sequences, blocking_final
from ..domain.quorum import Quorum
from ..domain.summary import attendance_summary
from ..domain.vocabulary import body_of
from . import payloads
from .commands import (
    CancelMeeting,
    CancelRegistration,
    CheckIn,
    CloseMeeting,
    RecordAttendance,
    RecordDecision,
    Register,
    RescheduleMeeting,
    ScheduleMeeting,
)
from .invitations import new_registration, reconcile
from .membership import active_host, organisation, person, person_snapshot, ref_of_member, seated_people, snapshot_of
from .public import publication

# check_in_codes is written key by key (_issue_codes), never as a whole: see domain/check_in.py.
UNTRACKED = {"_id", "version", "outbox", "outbox_pending", "check_in_codes"}


def _diff(before: dict, after: dict) -> tuple[dict, list[str]]:
    changed = {k: v for k, v in after.items() if k not in UNTRACKED and before.get(k, object()) != v}
    removed = [k for k in before if k not in after and k not in UNTRACKED]
    return changed, removed


def change_meeting(uow: UnitOfWork, meeting_id: str, change: Callable[[dict], tuple[list, object]],
                   cause: Causation, precondition: Precondition | None = None,
                   now: datetime | None = None) -> tuple[dict, object]:
    """Apply `change(meeting) -> (events, result)` and save it with its events (and its public view, if changed).

    One attempt: a lost race raises ConcurrencyConflict for the bus (or the consumer) to retry."""
    meeting = uow.meetings.get(meeting_id)
    if precondition is not None:
        precondition.check(meeting["version"])
    before = copy.deepcopy(meeting)
    events, result = change(meeting)
    if not events:
        return meeting, result
    meeting["updated_at"] = now or utc_now()
    set_fields, unset_fields = _diff(before, meeting)
    set_fields.update(_issue_codes(meeting))
    uow.meetings.save(meeting_id, before["version"], events, cause, set_fields=set_fields,
                      unset_fields=unset_fields or None, public=publication(before, meeting, events))
    meeting["version"] = before["version"] + len(events)
    return meeting, result


def _issue_codes(meeting: dict) -> dict:
    """Give the newly confirmed registrations their check-in codes, in memory and as the fields to set."""
    issued = codes.missing_codes(meeting)
    meeting.setdefault("check_in_codes", {}).update(issued)
    return {f"check_in_codes.{rid}": code for rid, code in issued.items()}


# -- numbering -------------------------------------------------------------------

def sequence_of(uow: UnitOfWork, meeting: dict, numbered: list[Numbered] | None = None) -> int | None:
    """The meeting's number in its body; `numbered`, when given, is the body's numbered_of_body already read."""
    if not meeting.get("body") or meeting["status"] == "cancelled":
        return None
    if meeting.get("final_sequence") is not None:
        return meeting["final_sequence"]
    if numbered is None:
        numbered = uow.meetings.numbered_of_body(meeting["body"])
    numbered = [m for m in numbered if m.id != meeting["_id"]]
    numbered.append(Numbered(meeting["_id"], meeting["starts_at"], None))
    return assign_sequences(numbered)[meeting["_id"]]


def _check_placement(numbered: list[Numbered], body: str, starts_at: datetime, moving_id: str | None = None) -> None:
    blocker = blocking_final(numbered, starts_at, moving_id)
    if blocker is not None:
        raise Conflict(f"meeting {blocker.final_sequence} of {body} ({local_iso(blocker.starts_at)}) already has "
                       "its final number; a meeting cannot be placed before it",
                       {"starts_at": ["before a meeting whose number is final"]})


# -- permissions -------------------------------------------------------------------

def _ensure_manager(principal: Principal, meeting: dict) -> None:
    require(permissions.can_manage_meeting(principal, meeting),
            "only platform admins and the host organisation's admins manage this meeting")


# -- use cases ---------------------------------------------------------------------

def schedule(uow: UnitOfWork, command: ScheduleMeeting, principal: Principal, cause: Causation) -> dict:
    now = utc_now()
    kind = command.kind
    try:
        body = body_of(kind, command.body)
    except ValueError as exc:
        raise Unprocessable(str(exc), {"body": [str(exc)]}) from None
    host_id = command.host_organisation_id
    require(permissions.can_schedule_meetings(principal), f"role {principal.role} may not schedule meetings")
    require(permissions.can_schedule_for_body(principal, body), "only platform admins schedule governance meetings")
    require(permissions.can_host_from(principal, host_id),
            "a chamber admin schedules only meetings hosted by its own organisation")
    rules.check_times(command.starts_at, command.ends_at, now,
                      may_record_past=permissions.can_record_past_meetings(principal))
    host = active_host(uow, host_id)
    numbered = uow.meetings.numbered_of_body(body) if body is not None else None
    if body is not None:
        _check_placement(numbered, body, command.starts_at)
    venue = command.venue
    meeting = {
        "_id": new_id(), "kind": kind, "title": command.title, "description": command.description,
        "body": body, "host_organisation_id": host_id, "host": ref_of_member(host, host_id),
        "province": (venue or {}).get("province") or host.get("province"),
        "starts_at": command.starts_at, "ends_at": command.ends_at, "venue": venue,
        "themes": list(command.themes), "capacity": command.capacity, "status": "scheduled",
        "final_sequence": None, "registrations": [], "decisions": [],
        "created_at": now, "updated_at": now, "created_by": principal.subject,
    }
    invitations = reconcile(uow, meeting, now)
    _issue_codes(meeting)
    events = [payloads.scheduled(meeting, sequence_of(uow, meeting, numbered=numbered))] + invitations
    uow.meetings.add(meeting, events, cause, public=publication(None, meeting, events))
    return uow.meetings.get(meeting["_id"])


def reschedule(uow: UnitOfWork, command: RescheduleMeeting, principal: Principal, cause: Causation) -> dict:
    now = utc_now()
    starts_at, ends_at = command.starts_at, command.ends_at

    def change(meeting):
        _ensure_manager(principal, meeting)
        rules.check_reschedule(meeting)
        rules.check_times(starts_at, ends_at, now, may_record_past=principal.is_admin)
        numbered = uow.meetings.numbered_of_body(meeting["body"]) if meeting.get("body") else None
        if numbered is not None:
            _check_placement(numbered, meeting["body"], starts_at, moving_id=meeting["_id"])
        previous = meeting["starts_at"], meeting["ends_at"]
        meeting["starts_at"], meeting["ends_at"] = starts_at, ends_at
        meeting["reschedules"] = (meeting.get("reschedules") or 0) + 1
        invitations = reconcile(uow, meeting, now)
        sequence = sequence_of(uow, meeting, numbered=numbered)
        return [payloads.rescheduled(meeting, *previous, sequence)] + invitations, None

    return change_meeting(uow, command.meeting_id, change, cause, command.precondition, now)[0]


def cancel(uow: UnitOfWork, command: CancelMeeting, principal: Principal, cause: Causation) -> dict:
    now = utc_now()

    def change(meeting):
        _ensure_manager(principal, meeting)
        rules.check_cancel(meeting)
        meeting.update(status="cancelled", cancellation={"reason": command.reason, "at": now, "by": principal.subject})
        return [payloads.cancelled(meeting)], None

    return change_meeting(uow, command.meeting_id, change, cause, command.precondition, now)[0]


def close(uow: UnitOfWork, command: CloseMeeting, principal: Principal, cause: Causation) -> dict:
    now = utc_now()

    def change(meeting):
        _ensure_manager(principal, meeting)
        rules.check_close(meeting, now)
        if meeting.get("body"):
            seated = seated_people(uow, meeting["body"], local_date(meeting["starts_at"]))
            meeting["quorum"] = rules.live_quorum(meeting, set(seated)).to_dict()
            meeting["seated_people"] = sorted(seated)
            meeting["final_sequence"] = sequence_of(uow, meeting)
        meeting.update(status="held", held_at=now, attendance_summary=attendance_summary(rules.attended(meeting)))
        return [payloads.held(meeting)], None

    return change_meeting(uow, command.meeting_id, change, cause, command.precondition, now)[0]


def _registrant(uow: UnitOfWork, command: Register, now: datetime) -> tuple[dict, str | None]:
    """The registration to place and the organisation the registrant belongs to (for permissions)."""
    if command.person_id:
        found = person(uow, command.person_id)
        if found is None:
            raise Unprocessable(f"person {command.person_id} is not known to the events service",
                                {"person_id": ["unknown person"]})
        if found.get("erased"):
            raise Unprocessable(f"person {command.person_id} was erased", {"person_id": ["erased person"]})
        snapshot = snapshot_of(uow, found)
        return (new_registration("registration", "person", command.person_id, snapshot, now),
                found.get("organisation_id"))
    participant = command.participant
    organisation_id = participant.get("organisation_id")
    if organisation_id:
        org = organisation(uow, organisation_id)
        if org is None:
            raise Unprocessable(f"organisation {organisation_id} is not known to the events service",
                                {"participant": {"organisation_id": ["unknown organisation"]}})
        ref = ref_of_member(org, organisation_id)
    else:
        ref = rules.organisation_ref(None, participant["organisation_name"], participant["organisation_kind"],
                                     participant.get("size_class"), participant.get("province"), member=False)
    snapshot = {"gender": participant["gender"], "organisation": ref,
                "province": participant.get("province") or ref.get("province")}
    stored = {"full_name": participant["full_name"], "email": participant.get("email"),
              "organisation_name": participant.get("organisation_name")}
    return new_registration("registration", "participant", None, snapshot, now, participant=stored), organisation_id


def _ensure_may_register(principal: Principal, meeting: dict, registrant_organisation: str | None) -> None:
    require(permissions.can_register_for(principal, meeting, registrant_organisation),
            "a chamber admin registers only its own people, or anyone for the meetings it hosts")


def register(uow: UnitOfWork, command: Register, principal: Principal, cause: Causation) -> tuple[dict, dict]:
    now = utc_now()
    template, registrant_organisation = _registrant(uow, command, now)

    def change(meeting):
        _ensure_may_register(principal, meeting, registrant_organisation)
        rules.check_can_register(meeting)
        registration = rules.place(meeting, copy.deepcopy(template))
        return [payloads.registration_created(meeting, registration)], registration

    return change_meeting(uow, command.meeting_id, change, cause, now=now)


def cancel_registration(uow: UnitOfWork, command: CancelRegistration, principal: Principal,
                        cause: Causation) -> tuple[dict, dict]:
    now = utc_now()
    meeting_id, registration_id = command.meeting_id, command.registration_id

    def change(meeting):
        registration = rules.registration_of(meeting, registration_id)
        if registration is None:
            raise NotFound(f"no registration {registration_id} in meeting {meeting_id}")
        registrant_organisation = (registration.get("organisation") or {}).get("id")
        require(permissions.can_cancel_registration(principal, meeting, registrant_organisation),
                "a chamber admin cancels its own people's registrations, or any at the meetings it hosts")
        promoted = rules.cancel_registration(meeting, registration, now, command.reason or "cancelled")
        return [payloads.registration_cancelled(meeting, registration, promoted)], registration

    return change_meeting(uow, command.meeting_id, change, cause, now=now)


def _fill_snapshot(uow: UnitOfWork, registration: dict) -> None:
    """A person invited before their details reached this service: complete what the counts need."""
    if registration.get("person_id") and (registration.get("gender") is None
                                          or not (registration.get("organisation") or {}).get("kind")):
        snapshot = person_snapshot(uow, registration["person_id"], (registration.get("organisation") or {}).get("id"))
        registration["gender"] = registration.get("gender") or snapshot["gender"]
        if snapshot["organisation"].get("kind"):
            registration["organisation"] = snapshot["organisation"]
            registration["province"] = registration.get("province") or snapshot["province"]


def record_attendance(uow: UnitOfWork, command: RecordAttendance, principal: Principal,
                      cause: Causation) -> tuple[dict, dict]:
    now = utc_now()
    meeting_id, registration_id = command.meeting_id, command.registration_id

    def change(meeting):
        _ensure_manager(principal, meeting)
        registration = rules.registration_of(meeting, registration_id)
        if registration is None:
            raise Unprocessable(f"meeting {meeting_id} has no registration {registration_id}",
                                {"registration_id": ["no such registration in this meeting"]})
        rules.check_attendance(meeting, registration, now)
        return [_attend(uow, meeting, registration, now)], registration

    return change_meeting(uow, command.meeting_id, change, cause, now=now)


def _attend(uow: UnitOfWork, meeting: dict, registration: dict, now: datetime) -> tuple[str, dict]:
    """Mark the registration attended (the rules were checked); the event announcing it."""
    _fill_snapshot(uow, registration)
    registration.update(attended=True, attended_at=now)
    seated = False
    if meeting.get("body") and registration.get("person_id"):
        seated = registration["person_id"] in seated_people(uow, meeting["body"], local_date(meeting["starts_at"]))
    return payloads.attendance_recorded(meeting, registration, seated)


def check_in(uow: UnitOfWork, command: CheckIn, principal: Principal, cause: Causation) -> tuple[dict, dict, bool]:
    """Attendance by a badge's code, with the rules of `record_attendance`; a second scan of the same code
    changes nothing and answers the registration again (the third value says whether this scan recorded it)."""
    now = utc_now()
    recorded = False

    def change(meeting):
        nonlocal recorded
        _ensure_manager(principal, meeting)
        registration_id = codes.registration_with_code(meeting, command.code)
        if registration_id is None:
            raise Unprocessable(f"no registration of meeting {command.meeting_id} has the code {command.code!r} "
                                "(a badge of another meeting?)", {"code": ["unknown code for this meeting"]})
        registration = rules.registration_of(meeting, registration_id)
        # Set on every attempt: change_meeting may call this again after a concurrent write.
        recorded = not (registration.get("attended") and registration["status"] == "confirmed")
        if not recorded:
            return [], registration
        rules.check_attendance(meeting, registration, now)
        return [_attend(uow, meeting, registration, now)], registration

    meeting, registration = change_meeting(uow, command.meeting_id, change, cause, now=now)
    return meeting, registration, recorded


def current_quorum(uow: UnitOfWork, meeting: dict) -> Quorum | None:
    if not meeting.get("body"):
        return None
    if meeting["status"] == "held" and meeting.get("quorum"):
        return Quorum(**meeting["quorum"])
    if meeting["status"] == "cancelled":
        return None
    seated = seated_people(uow, meeting["body"], local_date(meeting["starts_at"]))
    return rules.live_quorum(meeting, set(seated))


def record_decision(uow: UnitOfWork, command: RecordDecision, principal: Principal,
                    cause: Causation) -> tuple[dict, dict]:
    now = utc_now()

    def change(meeting):
        _ensure_manager(principal, meeting)
        quorum = current_quorum(uow, meeting)
        votes = command.votes
        rules.check_decision(meeting, now, quorum, votes)
        if meeting.get("body"):
            meeting["final_sequence"] = sequence_of(uow, meeting)
        decisions = meeting.setdefault("decisions", [])
        n = len(decisions) + 1
        number = rules.decision_number(meeting, meeting.get("final_sequence"), n)
        decision = {"id": new_id(), "n": n, "number": number,
                    "text": command.text, "votes": votes, "quorum": quorum.to_dict() if quorum else None, "at": now,
                    "by": principal.subject}
        decisions.append(decision)
        return [payloads.decision_recorded(meeting, decision)], decision

    return change_meeting(uow, command.meeting_id, change, cause, now=now)
