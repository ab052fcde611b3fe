"""The notifications consumer's handlers: which meeting events owe which mails, to whom (issue 12 item 3).

A second consumer of the events worker (its own group, `processed_events_notifications`) reads the meetings'
own stream and the members' person erasures. Each handler writes the notification records an event owes —
one per (event, recipient, template), pending or skipped with the reason — and moves the meeting's reminder,
in the consumer's batch transaction, together with the processed-event record. Nothing here talks to an SMTP
server: the mail sender (mail_sender.py) sends what is pending, so a failing server never holds the consumer.

Who gets a mail (domain/notifications.py): a member's person under a current `meeting_notifications` consent,
never an erased one; an outside participant at the address they registered with.
"""
from __future__ import annotations

from datetime import datetime

from babel.dates import format_datetime, format_time

from shared.auth import Principal
from shared.clock import local, parse_moment, utc_now
from shared.contracts import events as meeting_events
from shared.contracts import members
from shared.messaging.envelope import CloudEvent
from shared.messaging.outbox import Causation
from shared.service_layer.unit_of_work import UnitOfWork

from ..domain import notifications as rules
from ..domain.meeting import active_registrations, registration_of

LOCALES = {"tr": "tr_TR", "en": "en_GB"}
# What the `.ics` of a mail is built from (adapters/calendar.py, meeting_ics).
MEETING_FIELDS = ("_id", "kind", "title", "description", "body", "host_organisation_id", "province", "starts_at",
                  "ends_at", "venue", "status", "reschedules", "updated_at", "version")


def moment_text(moment: datetime, language: str) -> str:
    return format_datetime(local(moment), "EEEE d MMMM y, HH:mm", locale=LOCALES[language])


def mail_context(uow: UnitOfWork, meeting: dict, name: str | None, language: str, **extra) -> dict:
    """What a mail shows (`mail`, strings in the mail's language) and the meeting its `.ics` describes
    (`meeting`), fixed when the event arrives: a mail says what was true when it was owed."""
    host = uow.member_organisations.find(meeting["host_organisation_id"]) or {}
    venue = meeting.get("venue") or {}
    place = ", ".join(p for p in (venue.get("address"), venue.get("city"), meeting.get("province")) if p)
    shown = {"title": meeting["title"], "name": name, "host": host.get("name"), "place": place or None,
             "starts": moment_text(meeting["starts_at"], language),
             "ends_time": format_time(local(meeting["ends_at"]), "HH:mm", locale=LOCALES[language])}
    for key, value in extra.items():
        shown[key] = moment_text(value, language) if isinstance(value, datetime) else value
    snapshot = {k: meeting.get(k) for k in MEETING_FIELDS if meeting.get(k) is not None}
    return {"mail": shown, "meeting": snapshot | {"host_name": host.get("name")}}


def _recipient(uow: UnitOfWork, registration: dict) -> tuple[rules.Recipient, rules.Verdict, str | None]:
    person_id = registration.get("person_id")
    if person_id:
        person = uow.member_people.find(person_id) or {}
        verdict = rules.may_mail_person(person)
        language = rules.language_of(rules.current_consent(person))
        return (rules.Recipient(person_id, person.get("email"), language, person_id), verdict,
                person.get("full_name"))
    participant = registration.get("participant") or {}
    return (rules.Recipient(f"registration:{registration['id']}", participant.get("email"), rules.DEFAULT_LANGUAGE),
            rules.may_mail_participant(participant), participant.get("full_name"))


def owe(uow: UnitOfWork, event_id: str, event_type: str, meeting: dict, registration: dict, template: str,
        now: datetime, **extra) -> bool:
    """Write the notification `event_id` owes this registration's person with `template` (pending, or skipped
    with the reason); nothing if it exists already. Whether it was new."""
    recipient, verdict, name = _recipient(uow, registration)
    notification = {
        "_id": rules.notification_id(event_id, recipient.key, template), "event_id": event_id,
        "event_type": event_type, "meeting_id": meeting["_id"], "recipient": recipient.key,
        "person_id": recipient.person_id, "to": recipient.email if verdict.allowed else None,
        "template": template, "language": recipient.language,
        "context": mail_context(uow, meeting, name, recipient.language, **extra),
        "status": rules.PENDING if verdict.allowed else rules.SKIPPED, "reason": verdict.reason,
        "attempts": 0, "next_attempt_at": now, "created_at": now}
    return uow.notifications.owe(notification)


def _told(uow: UnitOfWork, meeting: dict) -> list[dict]:
    """The active registrations whose person was told of the meeting (an invitation, a confirmation or a promotion
    owed or sent): the ones a change of it concerns. A meeting cancelled before its invitations went out (or
    someone who may not be mailed) gets no notice of a change they never heard of."""
    told = uow.notifications.told(meeting["_id"])
    return [r for r in active_registrations(meeting) if _recipient_key(r) in told]


def _recipient_key(registration: dict) -> str:
    return registration.get("person_id") or f"registration:{registration['id']}"


def _upcoming(uow: UnitOfWork, meeting_id: str, now: datetime) -> dict | None:
    """The meeting if mails about it still make sense: scheduled and not started (a past meeting recorded
    afterwards, or one already under way, gets no invitations)."""
    meeting = uow.meetings.find(meeting_id)
    if meeting is None or meeting["status"] != "scheduled" or meeting["starts_at"] <= now:
        return None
    return meeting


def schedule_reminder(uow: UnitOfWork, meeting: dict, now: datetime) -> None:
    due = rules.reminder_due(meeting["starts_at"])
    if due > now:
        uow.reminders.schedule(meeting["_id"], meeting["starts_at"], due)
    else:
        uow.reminders.remove(meeting["_id"])  # less than 24 h ahead: the invitation or notice is the reminder


def meeting_scheduled(uow: UnitOfWork, event: CloudEvent, principal: Principal, cause: Causation) -> None:
    now = utc_now()
    meeting = _upcoming(uow, event.data["id"], now)
    if meeting is not None:
        schedule_reminder(uow, meeting, now)


def registration_created(uow: UnitOfWork, event: CloudEvent, principal: Principal, cause: Causation) -> None:
    if event.data["source"] == "invitation":
        template = rules.INVITATION
    elif event.data["status"] == "confirmed":
        template = rules.REGISTRATION_CONFIRMED
    else:
        return  # waitlisted: the mail comes with the promotion
    now = utc_now()
    meeting = _upcoming(uow, event.data["id"], now)
    registration = registration_of(meeting, event.data["registration_id"]) if meeting else None
    if registration is not None:
        owe(uow, event.id, event.type, meeting, registration, template, now)


def registration_cancelled(uow: UnitOfWork, event: CloudEvent, principal: Principal, cause: Causation) -> None:
    promoted = event.data.get("promoted_registration_id")
    now = utc_now()
    meeting = _upcoming(uow, event.data["id"], now) if promoted else None
    registration = registration_of(meeting, promoted) if meeting else None
    if registration is not None:
        owe(uow, event.id, event.type, meeting, registration, rules.WAITLIST_PROMOTED, now)


def meeting_rescheduled(uow: UnitOfWork, event: CloudEvent, principal: Principal, cause: Causation) -> None:
    now = utc_now()
    current = _upcoming(uow, event.data["id"], now)
    if current is None:
        return
    schedule_reminder(uow, current, now)
    # The mail tells the times this event announced (a later reschedule sends its own notice).
    meeting = current | {"starts_at": parse_moment(event.data["starts_at"]),
                         "ends_at": parse_moment(event.data["ends_at"])}
    previous = parse_moment(event.data["previous_starts_at"])
    for registration in _told(uow, meeting):
        owe(uow, event.id, event.type, meeting, registration, rules.RESCHEDULED, now, previous_starts=previous)


def meeting_cancelled(uow: UnitOfWork, event: CloudEvent, principal: Principal, cause: Causation) -> None:
    uow.reminders.remove(event.data["id"])
    meeting = uow.meetings.find(event.data["id"])
    now = utc_now()
    if meeting is None or meeting["starts_at"] <= now:
        return
    for registration in _told(uow, meeting):
        owe(uow, event.id, event.type, meeting | {"status": "cancelled"}, registration, rules.CANCELLED, now,
            reason=event.data.get("reason"))


def person_erased(uow: UnitOfWork, event: CloudEvent, principal: Principal, cause: Causation) -> None:
    uow.notifications.forget_person(event.aggregate_id, utc_now())


def owe_reminder(uow: UnitOfWork, reminder: dict, now: datetime) -> int:
    """The reminders a claimed reminder owes (one per confirmed registration), and the reminder marked done, in
    one transaction: a sender that dies before the commit leaves the claim to expire and the next one redoes
    it; after the commit it is done. Returns how many mails were owed."""
    owed = 0
    with uow.atomic():
        meeting = uow.meetings.find(reminder["_id"])
        if meeting and meeting["status"] == "scheduled" and meeting["starts_at"] == reminder["starts_at"]:
            event_id = rules.reminder_event_id(meeting["_id"], reminder["due_at"])
            for registration in active_registrations(meeting):
                if registration["status"] == "confirmed":
                    owed += owe(uow, event_id, "reminder", meeting, registration, rules.REMINDER, now)
        uow.reminders.done(reminder["_id"], reminder["due_at"], now)
    return owed


HANDLERS = {
    meeting_events.SCHEDULED: meeting_scheduled,
    meeting_events.REGISTRATION_CREATED: registration_created,
    meeting_events.REGISTRATION_CANCELLED: registration_cancelled,
    meeting_events.RESCHEDULED: meeting_rescheduled,
    meeting_events.CANCELLED: meeting_cancelled,
    members.PERSON_ERASED: person_erased,
}
