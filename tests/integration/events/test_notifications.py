"""Meeting mails against real MongoDB, Kafka and SMTP servers (issue 12 item 3).

The worker test runs the events worker in this process (its relay, its notifications consumer in a group of
this test's own, its mail sender) against an aiosmtpd mail catcher on a free port: an Advisory Board meeting
with 5 seated members gives 5 mails with the `.ics`, and neither a worker restart nor a replay of the event
log sends one twice. The others drive the notifications consumer runtime and the mail sender directly.
"""
from __future__ import annotations

import threading
import time
from datetime import timedelta
from email.message import EmailMessage

import pytest

from infra.embedded import free_port
from infra.mail_catcher import MailCatcher
from services.events.adapters.mail import SmtpMailer, SmtpSettings
from services.events.bootstrap import notifications_bus, unit_of_work
from services.events.service_layer.mail_sender import MailSender, SenderPolicy
from shared.contracts import REGISTRY
from shared.contracts.events import MEETINGS
from shared.messaging.consumer import EventConsumer
from shared.messaging.kafka import make_producer
from shared.messaging.outbox import EVENT_LOG, Outbox
from shared.messaging.relay import OutboxRelay

from ...support.outbox import internal
from .conftest import PERSON, Feeder, future, meeting_body

pytestmark = pytest.mark.integration

CONSENT = {"purpose": "meeting_notifications", "granted_at": "2026-01-05T10:00:00+03:00", "withdrawn_at": None,
           "text_version": "tr-2026-01"}


def consenting_person(stream, organisation_id, n, consents=(CONSENT,)):
    person_id = f"p{n}-{stream.correlation_id[-6:]}-{time.monotonic_ns()}"
    return person_id, stream.event(PERSON + "registered.v1", person_id, {
        "id": person_id, "organisation_id": organisation_id, "full_name": f"Üye {n}", "gender": "female",
        "email": f"uye{n}@example.org", "title": None, "phone": None, "consents": list(consents)})


def seated_board(stream, feed, active_chamber, size=5, consents=(CONSENT,)):
    chamber = active_chamber()
    people = []
    for n in range(size):
        person_id, registered = consenting_person(stream, chamber, n, consents)
        _, seated = stream.seat("advisory_board", person_id, chamber)
        feed(registered, seated)
        people.append(person_id)
    return chamber, people


def schedule(events_client, token, chamber, days=10):
    response = events_client.post("/api/v1/meetings", headers=token(),
                                  json=meeting_body(chamber, kind="advisory_board_meeting", starts=future(days),
                                                    title="4. Danışma Kurulu Toplantısı"))
    assert response.status_code == 201, response.json
    return response.json["id"]


def wait_for(check, timeout_s=40.0, what="condition"):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def ics_of(message: EmailMessage) -> str:
    [part] = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    return part.get_content()


class NotificationsFeeder(Feeder):
    """The notifications consumer's runtime (its own processed-event records), fed with records by hand."""

    def __init__(self, app):
        super().__init__(app)
        ctx = app.extensions["tvp"]
        bus = notifications_bus(ctx.client, ctx.db, Outbox(ctx.db, REGISTRY))
        self.consumer = EventConsumer(ctx.client, ctx.db, REGISTRY, bus.event_handlers(),
                                      dead_letter=lambda record, error: self.dead.append((record, error)),
                                      max_retries=2, retry_backoff_s=0.01, processed="processed_events_notifications")


def meeting_events(db, meeting_id):
    from shared.messaging.envelope import CloudEvent
    return [CloudEvent.from_dict(e) for e in internal(db.meetings.find_one({"_id": meeting_id})["outbox"])]


def sender_for(db, url, **policy) -> MailSender:
    return MailSender(lambda: unit_of_work(db), SmtpMailer(SmtpSettings.from_url(url), timeout_s=5),
                      policy=SenderPolicy(**policy))


# -- the worker end to end ------------------------------------------------------------------------

def test_five_seated_members_get_five_mails_once_across_a_worker_restart_and_a_replay(
        events_client, token, stream, feed, active_chamber, settings_for, run_id, tmp_path, monkeypatch):
    from pymongo import MongoClient

    from services.events.worker import SPEC
    from shared.worker import Worker

    catcher = MailCatcher(tmp_path / "mail", free_port()).start()
    monkeypatch.setenv("TVP_SMTP_URL", catcher.url)
    monkeypatch.setenv("TVP_EVENTS_GROUP", f"t{run_id}.events")
    settings = settings_for("events")

    def run_worker() -> tuple[Worker, threading.Thread]:
        worker = Worker(SPEC, settings)
        thread = threading.Thread(target=worker.run, daemon=True)
        thread.start()
        return worker, thread

    def stop(worker_thread):
        worker_thread[0].stop.set()
        worker_thread[1].join(timeout=30)

    # The worker's connection replaces the app's (one mongoengine alias per service): read with a client of our own.
    client = MongoClient(settings.mongo_uri, tz_aware=True)
    db = client[settings.mongo_db]
    try:
        chamber, people = seated_board(stream, feed, active_chamber)
        meeting_id = schedule(events_client, token, chamber)
        running = run_worker()
        try:
            wait_for(lambda: len(catcher.messages()) >= 5, what="5 mails")
            sent = wait_for(lambda: db.notifications.count_documents({"meeting_id": meeting_id, "status": "sent"})
                            == 5, what="5 notifications sent")
            assert sent
        finally:
            stop(running)
        messages = catcher.messages()
        assert sorted(m["To"] for m in messages) == [f"uye{n}@example.org" for n in range(5)]
        assert {m["Subject"].split(":")[0] for m in messages} == {"Davet"}
        assert all(f"UID:{meeting_id}@" in ics_of(m) and "BEGIN:VTIMEZONE" in ics_of(m) for m in messages)
        assert len({m["Message-ID"] for m in messages}) == 5

        # A restarted worker (the same group: its offsets are committed) and then a replay of the event log.
        running = run_worker()
        try:
            logged = db[EVENT_LOG].count_documents({"topic": MEETINGS})
            assert logged >= 6  # scheduled + 5 invitations at least
            relay = OutboxRelay(db, [], REGISTRY, lambda: make_producer(settings.kafka_bootstrap))
            try:
                assert relay.replay() >= logged
            finally:
                relay.close()
            # The restarted worker's notifications consumer reads the replayed events, and finds each processed.
            side_consumer = running[0].side_consumers[0][3]
            wait_for(lambda: side_consumer.skipped >= logged, what="the replay consumed")
            assert side_consumer.applied == 0
        finally:
            stop(running)
        assert len(catcher.messages()) == 5
        assert db.notifications.count_documents({"meeting_id": meeting_id}) == 5
    finally:
        catcher.stop()
        client.close()


# -- failures never hold the consumer ---------------------------------------------------------------

def test_a_refusing_server_is_recorded_per_notification_and_the_consumer_goes_on(
        events_client, token, stream, feed, db, active_chamber, tmp_path):
    notify = NotificationsFeeder(events_client.application)
    chamber, _ = seated_board(stream, feed, active_chamber, size=2)
    first = schedule(events_client, token, chamber, days=10)
    notify(*meeting_events(db, first))
    with MailCatcher(tmp_path / "refused", free_port(), refuse=True) as refusing:
        assert sender_for(db, refusing.url).send_pending() == {"failed": 2}
    failed = list(db.notifications.find({"meeting_id": first}))
    assert {n["status"] for n in failed} == {"failed"} and all("550" in n["last_error"] for n in failed)

    # Nobody listening: a temporary failure, tried again later; meanwhile the consumer owes the next meeting's.
    closed = f"smtp://127.0.0.1:{free_port()}"
    second = schedule(events_client, token, chamber, days=12)
    notify(*meeting_events(db, second))
    assert sender_for(db, closed, backoff_s=60).send_pending() == {"pending": 2}
    waiting = list(db.notifications.find({"meeting_id": second}))
    assert {(n["status"], n["attempts"]) for n in waiting} == {("pending", 1)}
    assert all(n["next_attempt_at"] > n["created_at"] + timedelta(seconds=59) for n in waiting)
    third = schedule(events_client, token, chamber, days=14)
    notify(*meeting_events(db, third))
    assert db.notifications.count_documents({"meeting_id": third, "status": "pending"}) == 2
    assert not notify.dead


def test_redelivered_events_owe_nothing_twice_and_people_without_consent_are_skipped(
        events_client, token, stream, feed, db, active_chamber):
    notify = NotificationsFeeder(events_client.application)
    chamber, consenting = seated_board(stream, feed, active_chamber, size=2)
    person_id, registered = consenting_person(stream, chamber, 9, consents=())
    _, seated = stream.seat("advisory_board", person_id, chamber)
    feed(registered, seated)
    meeting_id = schedule(events_client, token, chamber)
    events = meeting_events(db, meeting_id)
    notify(*events)
    db.processed_events_notifications.delete_many({})  # as if the records were lost: the unique ids still hold
    notify(*events, *events)
    found = {n["person_id"]: n for n in db.notifications.find({"meeting_id": meeting_id})}
    assert len(found) == 3 and found[person_id]["status"] == "skipped" and found[person_id]["to"] is None
    assert {found[p]["status"] for p in consenting} == {"pending"}
    # An access request names the mails owed to the person.
    held = events_client.get(f"/api/v1/data-subjects/{consenting[0]}", headers=token()).json
    assert [(n["meeting_id"], n["template"], n["status"], n["to"]) for n in held["notifications"]] == [
        (meeting_id, "invitation", "pending", "uye0@example.org")]
    assert held["holds"]["person"]["consents"][0]["purpose"] == "meeting_notifications"


# -- reminders ------------------------------------------------------------------------------------

def test_a_reminder_is_neither_lost_nor_repeated_when_the_sender_restarts(
        events_client, token, stream, feed, db, active_chamber, tmp_path):
    notify = NotificationsFeeder(events_client.application)
    chamber, _ = seated_board(stream, feed, active_chamber, size=3)
    meeting_id = schedule(events_client, token, chamber, days=3)
    notify(*meeting_events(db, meeting_id))
    reminder = db.reminders.find_one({"_id": meeting_id})
    due = reminder["due_at"].replace(tzinfo=None)
    assert reminder["status"] == "pending"

    with MailCatcher(tmp_path / "mail", free_port()) as catcher:
        def sender(at):
            s = sender_for(db, catcher.url, lease_s=60)
            s.clock = lambda: at.replace(tzinfo=__import__("datetime").timezone.utc)
            return s
        # The first sender claims the reminder and dies before it writes anything.
        first = sender(due)
        assert first.unit_of_work().reminders.claim_due(first.clock(), first.clock() + timedelta(seconds=60))
        assert sender(due + timedelta(seconds=30)).owe_reminders() == 0  # still leased
        restarted = sender(due + timedelta(seconds=61))
        assert restarted.owe_reminders() == 3
        assert restarted.send_pending() == {"sent": 6}  # the 3 invitations and the 3 reminders
        again = sender(due + timedelta(seconds=200))
        assert again.owe_reminders() == 0 and again.send_pending() == {}
        reminders = [m for m in catcher.messages() if m["Subject"].startswith("Hatırlatma")]
        assert len(reminders) == 3 and all(f"UID:{meeting_id}@" in ics_of(m) for m in reminders)
    assert db.reminders.find_one({"_id": meeting_id})["status"] == "done"
