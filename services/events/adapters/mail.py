"""Meeting mails: rendered from the Jinja templates under services/events/templates/mail/ (Turkish and English,
a plain-text body with an HTML alternative), the meeting's `.ics` attached, sent over SMTP (`TVP_SMTP_URL`).

`compose` is pure (a notification record in, an EmailMessage out); `SmtpMailer` is the only code that talks to an
SMTP server. Unit tests use a fake mailer with the same `send(message)` and the same errors.
"""
from __future__ import annotations

import os
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Callable, Protocol
from urllib.parse import unquote, urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from shared.clock import as_utc

from ..domain.notifications import message_id
from .calendar import meeting_ics

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "mail"
DEFAULT_SMTP_URL = "smtp://127.0.0.1:8025"
DEFAULT_SENDER = "TVP <noreply@tvp.local>"

FOOTER = {
    "tr": "Bu iletiyi toplantı bildirimleri için verdiğiniz izin (ya da bu etkinliğe kaydınız) nedeniyle "
          "aldınız. İzninizi odanız aracılığıyla geri çekebilirsiniz.",
    "en": "You receive this mail under the consent you gave to meeting notifications (or your registration for "
          "this event). Your chamber can withdraw that consent for you.",
}

# The `.jinja` templates are plain text (not escaped); `layout.html`, the HTML alternative, escapes everything.
_templates = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
                         undefined=StrictUndefined)


# The `.ics` of a stored meeting (adapters/calendar.py); a parameter so that tests may pass another.
MeetingCalendar = Callable[[dict], bytes]


def meeting_attachment(meeting: dict) -> bytes:
    return meeting_ics(meeting, meeting.get("host_name"))


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def render(template: str, language: str, context: dict) -> Rendered:
    """The subject, text and HTML of `template` in `language` (tr or en) for `context` (adapters/mail_context)."""
    page = _templates.get_template(f"{language}/{template}.jinja")
    values = {"name": None, "host": None, "place": None, "reason": None, "previous_starts": None, **context}
    subject = " ".join("".join(page.blocks["subject"](page.new_context(values))).split())
    body = "".join(page.blocks["body"](page.new_context(values))).strip()
    text = f"{body}\n\n-- \n{FOOTER[language]}\n"
    paragraphs = [p.strip().splitlines() for p in body.split("\n\n") if p.strip()]
    html = _templates.get_template("layout.html").render(language=language, subject=subject, paragraphs=paragraphs,
                                                    footer=FOOTER[language])
    return Rendered(subject, text, html)


def compose(notification: dict, calendar: MeetingCalendar = meeting_attachment, sender: str = DEFAULT_SENDER,
            domain: str = "tvp.events") -> EmailMessage:
    """The mail a notification record stands for; its Message-ID is derived from the record, so a mail sent
    twice (a sender that died between the send and its record) is recognisably the same."""
    rendered = render(notification["template"], notification["language"], notification["context"]["mail"])
    message = EmailMessage()
    message["From"] = sender
    message["To"] = notification["to"]
    message["Subject"] = rendered.subject
    message["Message-ID"] = message_id(notification["_id"], domain)
    message["Date"] = format_datetime(as_utc(notification["created_at"]))
    message["Auto-Submitted"] = "auto-generated"
    message["X-TVP-Notification"] = notification["_id"]
    message.set_content(rendered.text)
    message.add_alternative(rendered.html, subtype="html")
    # METHOD:PUBLISH in the file (a cancelled meeting says STATUS:CANCELLED): the header's method must match it.
    message.add_attachment(calendar(notification["context"]["meeting"]), maintype="text", subtype="calendar",
                           filename="meeting.ics", params={"method": "PUBLISH"})
    message["Content-Language"] = notification["language"]  # after the parts: set_content drops Content-*
    return message


class Mailer(Protocol):
    def send(self, message: EmailMessage) -> None: ...


class PermanentFailure(Exception):
    """The server refused the recipient or the message (5xx): trying again will not help."""


class TemporaryFailure(Exception):
    """The server is away, busy or said 4xx: worth another try later."""


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    ssl: bool = False

    @classmethod
    def from_url(cls, url: str) -> "SmtpSettings":
        """`smtp://[user:password@]host:port[?starttls=true]` or `smtps://…` (TLS from the start)."""
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError(f"TVP_SMTP_URL must look like smtp://host:port, not {url!r}")
        query = dict(p.split("=", 1) for p in parts.query.split("&") if "=" in p)
        return cls(host=parts.hostname, port=parts.port or (465 if parts.scheme == "smtps" else 25),
                   username=unquote(parts.username) if parts.username else None,
                   password=unquote(parts.password) if parts.password else None,
                   starttls=query.get("starttls", "").lower() in ("1", "true", "yes"), ssl=parts.scheme == "smtps")


def smtp_from_environment() -> tuple[SmtpSettings, dict]:
    """`TVP_SMTP_URL` (default: the mail catcher of `tvp up`) and the sender's policy from `TVP_MAIL_FROM`,
    `TVP_MAIL_MAX_ATTEMPTS`, `TVP_MAIL_BACKOFF_S` (docs/configuration.md)."""
    policy: dict = {}
    if os.environ.get("TVP_MAIL_FROM"):
        policy["sender"] = os.environ["TVP_MAIL_FROM"]
    if os.environ.get("TVP_MAIL_MAX_ATTEMPTS"):
        policy["max_attempts"] = int(os.environ["TVP_MAIL_MAX_ATTEMPTS"])
    if os.environ.get("TVP_MAIL_BACKOFF_S"):
        policy["backoff_s"] = float(os.environ["TVP_MAIL_BACKOFF_S"])
    return SmtpSettings.from_url(os.environ.get("TVP_SMTP_URL") or DEFAULT_SMTP_URL), policy


class SmtpMailer:
    """One connection per mail: the sender sends a few mails a minute, and a fresh connection never finds a
    server that dropped it."""

    def __init__(self, settings: SmtpSettings, timeout_s: float = 10.0):
        self.settings = settings
        self.timeout_s = timeout_s

    def send(self, message: EmailMessage) -> None:
        s = self.settings
        try:
            factory = smtplib.SMTP_SSL if s.ssl else smtplib.SMTP
            with factory(s.host, s.port, timeout=self.timeout_s) as smtp:
                if s.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if s.username:
                    smtp.login(s.username, s.password or "")
                smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            failure = PermanentFailure if all(code >= 500 for code in codes) else TemporaryFailure
            raise failure(f"recipient refused: {_describe(exc.recipients)}") from exc
        except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
            failure = PermanentFailure if exc.smtp_code >= 500 else TemporaryFailure
            raise failure(f"{exc.smtp_code} {_decode(exc.smtp_error)}") from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise TemporaryFailure(f"{type(exc).__name__}: {exc}") from exc


def _decode(value) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _describe(recipients: dict) -> str:
    return "; ".join(f"{address}: {code} {_decode(text)}" for address, (code, text) in recipients.items())
