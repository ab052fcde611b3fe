"""Meeting mails against in-memory repositories (issue 12 item 3): the templates in both languages, the consent
rule, one notification per (event, recipient, template), reminders, and the sender's backoff and dead letters."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email import message_from_bytes, policy

import pytest

from services.events.adapters.mail import PermanentFailure, TemporaryFailure, compose, render
from services.events.bootstrap import EVENTS
from services.events.domain import notifications as rules
from services.events.service_layer import meetings, notifications
from services.events.service_layer.commands import (
    CancelMeeting,
    CancelRegistration,
    Register,
    RescheduleMeeting,
    ScheduleMeeting,
)
from services.events.service_layer.mail_sender import MailSender, SenderPolicy
from shared.contracts import events as contract
from shared.contracts import members
from shared.service_layer.messagebus import system_principal

from .fakes import ADMIN, CAUSE, MembersEvents, fake_uow, later, organisation

WORKER = system_principal("events")
EN_CONSENT = {"purpose": "meeting_notifications", "granted_at": "2026-01-05T10:00:00+03:00", "withdrawn_at": None,
              "text_version": "en-2026-01"}
WITHDRAWN = {"purpose": "meeting_notifications", "granted_at": "2026-01-05T10:00:00+03:00",
             "withdrawn_at": "2026-02-01T10:00:00+03:00", "text_version": None}
CONTEXT = {"title": "4. Danışma Kurulu Toplantısı", "name": "Ayşe Yılmaz", "host": "Edirne TSO", "place": "Edirne",
           "starts": "Cuma 4 Aralık 2026, 10:00", "ends_time": "12:00"}


class FakeMailer:
    def __init__(self, fail_with: Exception | None = None):
        self.sent: list = []
        self.fail_with = fail_with

    def send(self, message) -> None:
        if self.fail_with is not None:
            raise self.fail_with
        self.sent.append(message)


def deliver(uow, *events):
    for event in events:
        if event.type in EVENTS:
            EVENTS[event.type](uow, event, WORKER, CAUSE)


def notify(uow, *events):
    for event in events:
        if event.type in notifications.HANDLERS:
            notifications.HANDLERS[event.type](uow, event, WORKER, CAUSE)


def advisory_board(consents: list) -> tuple:
    """A membership view with one seated member per entry of `consents` (None: an event without consents)."""
    stream, uow = MembersEvents(), fake_uow(organisations=[organisation("chamber-1")])
    people = []
    for n, consent in enumerate(consents):
        person_id, registered = stream.person("chamber-1", full_name=f"Üye {n}", consents=consent)
        _, seated = stream.seat("advisory_board", person_id, "chamber-1")
        deliver(uow, registered, seated)
        people.append(person_id)
    return stream, uow, people


def schedule(uow, starts=None, kind="advisory_board_meeting", capacity=None):
    starts = starts or later(days=10)
    meeting = meetings.schedule(uow, ScheduleMeeting(kind=kind, title="4. Danışma Kurulu", capacity=capacity,
                                                     host_organisation_id="chamber-1", starts_at=starts,
                                                     ends_at=starts + timedelta(hours=2)), ADMIN, CAUSE)
    return meeting


def owed(uow) -> list[dict]:
    return sorted(uow.notifications.docs.values(), key=lambda n: n["recipient"])


# -- templates ----------------------------------------------------------------------------------

@pytest.mark.parametrize("template", rules.TEMPLATES)
def test_every_template_renders_in_turkish_and_in_english(template):
    turkish, english = render(template, "tr", CONTEXT), render(template, "en", CONTEXT)
    assert CONTEXT["title"] in turkish.subject and CONTEXT["title"] in english.subject
    assert turkish.subject != english.subject
    assert "Sayın Ayşe Yılmaz" in turkish.text and "Dear Ayşe Yılmaz" in english.text
    assert "izin" in turkish.text and "consent" in english.text  # why the mail came, in its language
    assert '<html lang="tr">' in turkish.html and "<p>Sayın Ayşe Yılmaz,</p>" in turkish.html
    assert "<script>" not in render(template, "en", CONTEXT | {"name": "<script>"}).html  # escaped


def test_a_mail_has_a_text_body_an_html_alternative_the_ics_and_a_message_id_from_its_record():
    starts = datetime(2026, 12, 4, 7, tzinfo=timezone.utc)
    meeting = {"_id": "m1", "title": "Board", "status": "scheduled", "starts_at": starts,
               "ends_at": starts + timedelta(hours=2), "updated_at": starts, "reschedules": 1,
               "host_name": "Edirne TSO"}
    record = {"_id": "n1", "template": "invitation", "language": "en", "to": "a@example.org",
              "created_at": starts, "context": {"mail": CONTEXT, "meeting": meeting}}
    message = message_from_bytes(compose(record).as_bytes(), policy=policy.default)
    assert message["Message-ID"] == "<n1@tvp.events>" and message["To"] == "a@example.org"
    assert message.get_body(("plain",)).get_content().startswith("Dear Ayşe Yılmaz")
    assert "<p>Dear Ayşe Yılmaz,</p>" in message.get_body(("html",)).get_content()
    [ics] = [part for part in message.iter_attachments() if part.get_content_type() == "text/calendar"]
    body = ics.get_content()
    assert ics.get_filename() == "meeting.ics"
    assert "UID:m1@" in body and "DTSTART;TZID=Europe/Istanbul:20261204T100000" in body and "SEQUENCE:1" in body
    assert "BEGIN:VTIMEZONE" in body and "Edirne TSO" in body
    assert compose(record)["Message-ID"] == message["Message-ID"]


# -- the consent rule ---------------------------------------------------------------------------

def test_only_a_current_meeting_notifications_consent_lets_a_person_be_mailed():
    person = {"email": "a@example.org", "consents": [{"purpose": "meeting_notifications"}]}
    assert rules.may_mail_person(person).allowed
    assert not rules.may_mail_person(person | {"consents": [{"purpose": "newsletter"}]}).allowed
    assert not rules.may_mail_person(person | {"consents": [WITHDRAWN]}).allowed
    assert not rules.may_mail_person(person | {"consents": None}).allowed  # never told: no consent
    assert rules.may_mail_person(person | {"erased": True}).reason == "erased"
    assert not rules.may_mail_person(None).allowed
    assert rules.language_of(EN_CONSENT) == "en" and rules.language_of({"text_version": "v3"}) == "tr"


def test_invitations_go_to_the_seated_members_whose_consent_covers_them_in_their_language():
    _, uow, people = advisory_board([["meeting_notifications"], [EN_CONSENT], [WITHDRAWN], ["newsletter"], None])
    schedule(uow)
    notify(uow, *uow.events)
    found = {n["person_id"]: n for n in owed(uow)}
    assert len(found) == 5 and {n["template"] for n in found.values()} == {"invitation"}
    assert [found[p]["status"] for p in people] == ["pending", "pending", "skipped", "skipped", "skipped"]
    assert found[people[0]]["language"] == "tr" and found[people[1]]["language"] == "en"
    assert found[people[2]]["to"] is None  # no address kept for a mail that may not go
    assert "consent" in found[people[3]]["reason"]


def test_the_same_event_delivered_again_owes_nothing_new():
    _, uow, _ = advisory_board([["meeting_notifications"]] * 5)
    schedule(uow)
    events = list(uow.events)
    notify(uow, *events)
    first = owed(uow)
    notify(uow, *events)  # redelivered (a processed-event record lost) or replayed
    assert owed(uow) == first and len(first) == 5
    assert len({n["_id"] for n in first}) == 5


def test_confirmation_promotion_reschedule_and_cancellation_notices():
    stream, uow, people = advisory_board([])
    a, first = stream.person("chamber-1", consents=["meeting_notifications"])
    b, second = stream.person("chamber-1", consents=["meeting_notifications"])
    deliver(uow, first, second)
    meeting = schedule(uow, kind="workshop", capacity=1)
    for person_id in (a, b):
        meetings.register(uow, Register(meeting_id=meeting["_id"], person_id=person_id), ADMIN, CAUSE)
    notify(uow, *uow.events)
    assert [(n["person_id"], n["template"]) for n in owed(uow)] == [(a, "registration_confirmed")]  # b waits
    uow.events.clear()
    registration = next(r for r in uow.meetings.docs[meeting["_id"]]["registrations"] if r["person_id"] == a)
    meetings.cancel_registration(uow, CancelRegistration(meeting_id=meeting["_id"], registration_id=registration["id"]),
                                 ADMIN, CAUSE)
    notify(uow, *uow.events)
    uow.events.clear()
    starts = later(days=20)
    meetings.reschedule(uow, RescheduleMeeting(meeting_id=meeting["_id"], starts_at=starts,
                                               ends_at=starts + timedelta(hours=1)), ADMIN, CAUSE)
    notify(uow, *uow.events)
    uow.events.clear()
    meetings.cancel(uow, CancelMeeting(meeting_id=meeting["_id"], reason="Salon yok"), ADMIN, CAUSE)
    notify(uow, *uow.events)
    templates = [(n["person_id"], n["template"]) for n in owed(uow) if n["template"] != "registration_confirmed"]
    assert sorted(templates) == sorted([(b, "waitlist_promoted"), (b, "rescheduled"), (b, "cancelled")])
    cancelled = next(n for n in owed(uow) if n["template"] == "cancelled")
    assert cancelled["context"]["mail"]["reason"] == "Salon yok"
    assert cancelled["context"]["meeting"]["status"] == "cancelled"
    assert meeting["_id"] not in uow.reminders.docs  # cancelling removes the reminder


def test_an_erased_person_gets_nothing_more_and_their_address_goes():
    stream, uow, people = advisory_board([["meeting_notifications"]])
    schedule(uow)
    notify(uow, *uow.events)
    notify(uow, stream.erase(people[0], "chamber-1"))
    [notification] = owed(uow)
    assert notification["status"] == "skipped" and notification["reason"] == "erased" and notification["to"] is None


# -- reminders ----------------------------------------------------------------------------------

def test_a_reminder_is_due_24_hours_before_moves_with_a_reschedule_and_is_owed_once():
    _, uow, people = advisory_board([["meeting_notifications"]] * 2)
    meeting = schedule(uow, starts=later(days=3))
    notify(uow, *uow.events)
    assert uow.reminders.docs[meeting["_id"]]["due_at"] == meeting["starts_at"] - timedelta(hours=24)
    uow.events.clear()
    starts = later(days=5)
    meetings.reschedule(uow, RescheduleMeeting(meeting_id=meeting["_id"], starts_at=starts,
                                               ends_at=starts + timedelta(hours=1)), ADMIN, CAUSE)
    notify(uow, *uow.events)
    assert uow.reminders.docs[meeting["_id"]]["due_at"] == starts - timedelta(hours=24)

    clock = [starts - timedelta(hours=23)]
    sender = MailSender(lambda: uow, FakeMailer(), policy=SenderPolicy(), clock=lambda: clock[0])
    assert sender.owe_reminders() == 2
    assert sender.owe_reminders() == 0  # done: a later pass (or a restarted sender) owes none again
    reminders = [n for n in owed(uow) if n["template"] == "reminder"]
    assert len(reminders) == 2 and {n["event_id"] for n in reminders} == {
        rules.reminder_event_id(meeting["_id"], starts - timedelta(hours=24))}


def test_a_reminder_claimed_by_a_sender_that_died_is_taken_over_after_its_lease():
    _, uow, _ = advisory_board([["meeting_notifications"]])
    meeting = schedule(uow, starts=later(days=3))
    notify(uow, *uow.events)
    due = uow.reminders.docs[meeting["_id"]]["due_at"]
    assert uow.reminders.claim_due(due, due + timedelta(seconds=120)) is not None  # then the sender died
    sender = MailSender(lambda: uow, FakeMailer(), policy=SenderPolicy(lease_s=120),
                        clock=lambda: due + timedelta(seconds=60))
    assert sender.owe_reminders() == 0  # still leased
    sender.clock = lambda: due + timedelta(seconds=121)
    assert sender.owe_reminders() == 1


def test_a_meeting_less_than_a_day_ahead_gets_no_reminder():
    _, uow, _ = advisory_board([["meeting_notifications"]])
    meeting = schedule(uow, starts=later(days=0, hours=5))
    notify(uow, *uow.events)
    assert meeting["_id"] not in uow.reminders.docs


# -- the sender ---------------------------------------------------------------------------------

def pending_invitation(consent=("meeting_notifications",)):
    _, uow, people = advisory_board([list(consent)])
    schedule(uow)
    notify(uow, *uow.events)
    return uow, people[0], owed(uow)[0]["_id"]


def test_backoff_doubles_up_to_its_cap():
    assert [rules.backoff(n, 30, 300).total_seconds() for n in range(1, 7)] == [30, 60, 120, 240, 300, 300]


def test_a_sent_mail_is_recorded_with_its_time_and_message_id():
    uow, _, notification_id = pending_invitation()
    mailer = FakeMailer()
    counts = MailSender(lambda: uow, mailer).send_pending()
    record = uow.notifications.docs[notification_id]
    assert counts == {"sent": 1} and record["status"] == "sent" and record["sent_at"] is not None
    assert record["message_id"] == f"<{notification_id}@tvp.events>" == mailer.sent[0]["Message-ID"]
    assert MailSender(lambda: uow, mailer).send_pending() == {}  # nothing twice


def test_a_failing_server_is_tried_again_with_backoff_then_the_mail_is_dead_lettered():
    uow, _, notification_id = pending_invitation()
    now = datetime.now(timezone.utc)
    clock = [now]
    sender = MailSender(lambda: uow, FakeMailer(TemporaryFailure("ConnectionRefusedError")),
                        policy=SenderPolicy(max_attempts=3, backoff_s=10, backoff_cap_s=100), clock=lambda: clock[0])
    assert sender.send_pending() == {"pending": 1}
    record = uow.notifications.docs[notification_id]
    assert record["attempts"] == 1 and record["next_attempt_at"] == now + timedelta(seconds=10)
    assert sender.send_pending() == {}  # not due yet
    clock[0] = now + timedelta(seconds=10)
    assert sender.send_pending() == {"pending": 1}
    assert record["next_attempt_at"] == clock[0] + timedelta(seconds=20)
    clock[0] += timedelta(seconds=20)
    assert sender.send_pending() == {"failed": 1}
    assert record["status"] == "failed" and record["attempts"] == 3 and "ConnectionRefused" in record["last_error"]


def test_a_refused_address_fails_at_once_with_the_servers_answer():
    uow, _, notification_id = pending_invitation()
    sender = MailSender(lambda: uow, FakeMailer(PermanentFailure("recipient refused: 550 no such user")))
    assert sender.send_pending() == {"failed": 1}
    assert "550" in uow.notifications.docs[notification_id]["last_error"]


def test_a_consent_withdrawn_before_the_send_skips_the_mail():
    uow, person_id, notification_id = pending_invitation()
    uow.member_people.docs[person_id]["consents"] = [WITHDRAWN]
    mailer = FakeMailer()
    assert MailSender(lambda: uow, mailer).send_pending() == {"skipped": 1}
    assert mailer.sent == [] and uow.notifications.docs[notification_id]["attempts"] == 0


def test_the_notifications_consumer_handles_the_meeting_events_and_erasures():
    assert set(notifications.HANDLERS) == {contract.SCHEDULED, contract.REGISTRATION_CREATED,
                                           contract.REGISTRATION_CANCELLED, contract.RESCHEDULED,
                                           contract.CANCELLED, members.PERSON_ERASED}


def test_a_meeting_cancelled_before_its_invitations_went_out_sends_no_notice():
    _, uow, _ = advisory_board([["meeting_notifications"]] * 2)
    meeting = schedule(uow)
    meetings.cancel(uow, CancelMeeting(meeting_id=meeting["_id"], reason="Yanlış tarih"), ADMIN, CAUSE)
    notify(uow, *uow.events)  # the consumer sees the invitations only once the meeting is cancelled
    assert owed(uow) == []


def test_change_notices_go_only_to_those_who_were_told_of_the_meeting():
    _, uow, people = advisory_board([["meeting_notifications"], ["newsletter"]])
    meeting = schedule(uow)
    notify(uow, *uow.events)
    uow.events.clear()
    meetings.cancel(uow, CancelMeeting(meeting_id=meeting["_id"], reason="Salon yok"), ADMIN, CAUSE)
    notify(uow, *uow.events)
    notices = [n for n in owed(uow) if n["template"] == "cancelled"]
    assert [n["person_id"] for n in notices] == [people[0]]  # the other was never mailed: no notice either
