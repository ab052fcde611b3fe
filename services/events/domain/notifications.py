"""The rules of meeting mails: who may get one, in which language, when to try again. Pure: no I/O.

A mail is owed per (triggering event, recipient, template): the notification's id is derived from those
three, so the same event delivered or replayed again names the same notification and creates nothing new.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

# The consent purpose that covers meeting mails (docs/privacy.md, "Purposes"): invitations, confirmations,
# waitlist promotions, reminders, reschedule and cancellation notices.
MEETING_NOTIFICATIONS = "meeting_notifications"

INVITATION = "invitation"
REGISTRATION_CONFIRMED = "registration_confirmed"
WAITLIST_PROMOTED = "waitlist_promoted"
REMINDER = "reminder"
RESCHEDULED = "rescheduled"
CANCELLED = "cancelled"
TEMPLATES = [INVITATION, REGISTRATION_CONFIRMED, WAITLIST_PROMOTED, REMINDER, RESCHEDULED, CANCELLED]

LANGUAGES = ("tr", "en")
DEFAULT_LANGUAGE = "tr"

PENDING, SENDING, SENT, FAILED, SKIPPED = "pending", "sending", "sent", "failed", "skipped"
STATUSES = [PENDING, SENDING, SENT, FAILED, SKIPPED]

REMINDER_BEFORE = timedelta(hours=24)


@dataclass(frozen=True)
class Recipient:
    """Whom a mail goes to: `key` names the person (or the outside participant's registration) for dedup."""

    key: str
    email: str | None
    language: str
    person_id: str | None = None


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    reason: str | None = None


def notification_id(event_id: str, recipient_key: str, template: str) -> str:
    """Stable: the same event, recipient and template always give the same id (and Message-ID)."""
    return hashlib.sha256(f"{event_id}|{recipient_key}|{template}".encode()).hexdigest()[:32]


def message_id(notification: str, domain: str) -> str:
    return f"<{notification}@{domain}>"


def current_consent(person: dict, purpose: str = MEETING_NOTIFICATIONS) -> dict | None:
    """The person's consent for `purpose` that was granted and not withdrawn, if any."""
    for consent in person.get("consents") or []:
        if (consent.get("purpose") or "").strip().lower() == purpose and not consent.get("withdrawn_at"):
            return consent
    return None


def may_mail_person(person: dict | None) -> Verdict:
    """A member's person gets meeting mails only under a current `meeting_notifications` consent; an erased
    person (or one this service never heard of) gets nothing."""
    if not person:
        return Verdict(False, "unknown person")
    if person.get("erased"):
        return Verdict(False, "erased")
    if not person.get("email"):
        return Verdict(False, "no e-mail address")
    if current_consent(person) is None:
        return Verdict(False, f"no current consent for {MEETING_NOTIFICATIONS}")
    return Verdict(True)


def may_mail_participant(participant: dict | None) -> Verdict:
    """An outside participant gave an e-mail address with the registration they made for this meeting: the mails
    about that registration are part of it (KVKK Art. 5(2)(c)); without an address, nothing."""
    if not participant or not participant.get("email"):
        return Verdict(False, "no e-mail address")
    return Verdict(True)


def language_of(consent: dict | None) -> str:
    """The language of the consent text the person accepted (`text_version` starting `en`, e.g. `en-2026-01`),
    else Turkish: the platform's language."""
    version = ((consent or {}).get("text_version") or "").strip().lower()
    return "en" if version.startswith("en") else DEFAULT_LANGUAGE


def reminder_due(starts_at: datetime) -> datetime:
    return starts_at - REMINDER_BEFORE


def reminder_event_id(meeting_id: str, due_at: datetime) -> str:
    """The reminder's stand-in for a triggering event: one per meeting and start time, so a reschedule owes a new
    reminder and a restart owes none twice."""
    return f"reminder:{meeting_id}:{due_at.strftime('%Y%m%dT%H%M%SZ')}"


def backoff(attempts: int, base_s: float, cap_s: float) -> timedelta:
    """Wait after the `attempts`-th failed try: base, 2×base, 4×base … up to cap."""
    return timedelta(seconds=min(cap_s, base_s * 2 ** max(0, attempts - 1)))


def after_failure(attempts: int, max_attempts: int, permanent: bool) -> str:
    """A refused address fails at once; a failing server is tried again until `max_attempts`, then dead-lettered."""
    return FAILED if permanent or attempts >= max_attempts else PENDING
