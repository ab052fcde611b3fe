"""The mail sender: a loop of the events worker that turns due reminders into notifications and sends what is
pending, one notification at a time under a lease.

Sending is apart from the consumer so that an SMTP server that is away or refuses never holds the consumption
of events. A notification is claimed (`sending`, with a lease), sent, and settled: `sent` with its time, `pending`
again after a temporary failure (backoff doubling up to a cap), `failed` with the error after a permanent one
(the address or the message refused) or after `max_attempts` tries (the dead letters of mail), `skipped` if the
person was erased or withdrew their consent meanwhile. A sender that dies between sending and settling leaves
the lease to expire and the mail is sent again with the same Message-ID: at most one duplicate, recognisable,
in that one window.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

from shared.clock import utc_now
from shared.service_layer.unit_of_work import UnitOfWork

from ..adapters.mail import Mailer, MeetingCalendar, PermanentFailure, TemporaryFailure, compose, meeting_attachment
from ..domain import notifications as rules
from .notifications import owe_reminder

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SenderPolicy:
    sender: str = "TVP <noreply@tvp.local>"
    domain: str = "tvp.events"  # the right-hand side of every Message-ID
    max_attempts: int = 8
    backoff_s: float = 30.0
    backoff_cap_s: float = 3600.0
    lease_s: float = 120.0
    poll_s: float = 2.0
    batch: int = 50  # mails per pass at most, so reminders and stop requests are looked at between passes


class MailSender:
    def __init__(self, unit_of_work: Callable[[], UnitOfWork], mailer: Mailer,
                 calendar: MeetingCalendar = meeting_attachment,
                 policy: SenderPolicy | None = None, clock: Callable[[], datetime] = utc_now):
        self.unit_of_work = unit_of_work
        self.mailer = mailer
        self.calendar = calendar
        self.policy = policy or SenderPolicy()
        self.clock = clock

    def owe_reminders(self) -> int:
        """Claim each due reminder (with a lease) and write the notifications it owes."""
        owed = 0
        while True:
            now = self.clock()
            reminder = self.unit_of_work().reminders.claim_due(now, now + timedelta(seconds=self.policy.lease_s))
            if reminder is None:
                return owed
            owed += owe_reminder(self.unit_of_work(), reminder, now)

    def send_pending(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for _ in range(self.policy.batch):
            now = self.clock()
            uow = self.unit_of_work()
            notification = uow.notifications.claim_next(now, now + timedelta(seconds=self.policy.lease_s))
            if notification is None:
                break
            status = self.send_one(uow, notification, now)
            counts[status] = counts.get(status, 0) + 1
        return counts

    def send_one(self, uow: UnitOfWork, notification: dict, now: datetime) -> str:
        if notification.get("person_id"):
            verdict = rules.may_mail_person(uow.member_people.find(notification["person_id"]))
            if not verdict.allowed:  # erased or consent withdrawn since the mail was owed
                uow.notifications.settle(notification["_id"], {"status": rules.SKIPPED, "reason": verdict.reason},
                                         attempted=False)
                return rules.SKIPPED
        message = compose(notification, self.calendar, self.policy.sender, self.policy.domain)
        attempts = notification.get("attempts", 0) + 1
        try:
            self.mailer.send(message)
        except (PermanentFailure, TemporaryFailure) as exc:
            status = rules.after_failure(attempts, self.policy.max_attempts, isinstance(exc, PermanentFailure))
            retry_at = now + rules.backoff(attempts, self.policy.backoff_s, self.policy.backoff_cap_s)
            uow.notifications.settle(notification["_id"], {"status": status, "last_error": str(exc)[:500],
                                                           "next_attempt_at": retry_at})
            log.warning("mail %s (%s) not sent, attempt %d: %s -> %s", notification["_id"], notification["template"],
                        attempts, exc, status)
            return status
        uow.notifications.settle(notification["_id"], {"status": rules.SENT, "sent_at": self.clock(),
                                                       "message_id": message["Message-ID"], "last_error": None})
        return rules.SENT

    def pass_once(self) -> dict[str, int]:
        reminders = self.owe_reminders()
        counts = self.send_pending()
        return counts | ({"reminders": reminders} if reminders else {})

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                counts = self.pass_once()
                if counts:
                    log.info("mail sender: %s", counts)
                if sum(counts.values()) >= self.policy.batch:
                    continue  # more may be waiting
            except Exception as exc:  # noqa: BLE001 - the database away: the next pass tries again
                log.warning("mail sender pass failed: %s", exc)
            stop.wait(self.policy.poll_s)
