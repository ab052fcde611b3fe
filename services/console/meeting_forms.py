"""The meetings pages' forms as the events API's request bodies, and the API's refusals in the user's language.

Every input is named as the API's field (`venue.city`, `participant.full_name`, `votes.for`), so a field error
the API returns lands next to the input it names. An empty input is left out of the body: to the API an
absent optional field and an empty one differ (an empty string is too short), to a person they do not.
Numbers are sent as numbers when they are digits and as typed otherwise, so that the API, not the console,
says what is wrong with them.
"""

from __future__ import annotations

import re
from datetime import datetime

from flask_babel import lazy_gettext as _l

from shared.config import PLATFORM_ZONE

from .adapters.api import ApiError
from .formats import parse_when

VENUE_FIELDS = ("city", "province", "address")
PARTICIPANT_FIELDS = ("full_name", "gender", "email", "organisation_id", "organisation_name", "organisation_kind",
                      "size_class", "province")
VOTES = ("for", "against", "abstain")


def _text(form, name: str) -> str:
    return (form.get(name) or "").strip()


def _number(text: str):
    return int(text) if re.fullmatch(r"\d{1,9}", text) else text


def _present(pairs) -> dict:
    return {name: value for name, value in pairs if value != ""}


def meeting_body(form) -> dict:
    """POST /api/v1/meetings. Times are the Europe/Istanbul wall-clock times of `datetime-local` inputs, which the
    API takes as Istanbul time when they carry no offset."""
    body = _present((name, _text(form, name)) for name in
                    ("kind", "title", "host_organisation_id", "starts_at", "ends_at", "body", "description"))
    venue = _present((name, _text(form, f"venue.{name}")) for name in VENUE_FIELDS)
    if venue:
        body["venue"] = venue
    themes = [theme for theme in form.getlist("themes") if theme]
    if themes:
        body["themes"] = themes
    if _text(form, "capacity"):
        body["capacity"] = _number(_text(form, "capacity"))
    return body


def reschedule_body(form) -> dict:
    return _present((name, _text(form, name)) for name in ("starts_at", "ends_at"))


def cancel_body(form) -> dict:
    return _present([("reason", _text(form, "reason"))])


def registration_body(form) -> dict:
    """Either a member's person (`person_id`) or an outside participant (`participant.*`), as the form's
    `registrant` chooses."""
    if form.get("registrant") == "participant":
        return {"participant": _present((name, _text(form, f"participant.{name}")) for name in PARTICIPANT_FIELDS)}
    return _present([("person_id", _text(form, "person_id"))])


def decision_body(form) -> dict:
    body = _present([("text", _text(form, "text"))])
    votes = {name: _number(_text(form, f"votes.{name}")) for name in VOTES if _text(form, f"votes.{name}")}
    if votes:
        # The API wants all three counts or none: the ones left empty are counted as none cast.
        body["votes"] = {name: votes.get(name, 0) for name in VOTES}
    return body


def local_input(value) -> str:
    """An API time as the value of a `datetime-local` input, in Europe/Istanbul."""
    moment = parse_when(value)
    if not isinstance(moment, datetime):
        return ""
    if moment.tzinfo is not None:
        moment = moment.astimezone(PLATFORM_ZONE)
    return moment.strftime("%Y-%m-%dT%H:%M")


# The events API's refusals (409s) whose wording is known, by the start of their message.
CONFLICTS = (
    ("no quorum", _l("There is no quorum: a decision needs the majority of the seated members present.")),
    ("attendance can be recorded from the meeting's start", _l("Attendance can be recorded from the meeting's start.")),
    ("attendance of this registration is already recorded", _l("This person's attendance is already recorded.")),
    ("attendance cannot be recorded", _l("Attendance cannot be recorded for this meeting any more.")),
    ("the registration is", _l("Only a confirmed registration can be checked in.")),
    ("cannot close a meeting before it starts", _l("A meeting can be closed only after it has started.")),
    ("cannot reschedule a meeting that already has",
     _l("A meeting with attendance or decisions cannot be rescheduled.")),
    ("cannot cancel a meeting that already has",
     _l("A meeting with attendance or decisions cannot be cancelled; close it instead.")),
    ("cannot cancel a registration whose attendance",
     _l("A registration whose attendance is recorded cannot be cancelled.")),
    ("this registration is already cancelled", _l("This registration is already cancelled.")),
    ("decisions are taken only", _l("Decisions are recorded only while a meeting is being held or once it is held.")),
    ("cannot ", _l("The meeting's status does not allow this any more.")),
)
STATUSES = {
    403: _l("You may not do this."),
    404: _l("It was not found; it may have been removed."),
    409: _l("This cannot be done now."),
    412: _l("Someone changed this meeting since you opened the page; look at it again and retry."),
    422: _l("Some fields need correcting."),
    503: _l("The events service could not answer; try again shortly."),
}


def problem(error: ApiError) -> str:
    """What went wrong, in the page's language: a known message translated, else the status's meaning and the
    API's own words."""
    detail = error.detail or ""
    if error.status == 409:
        if detail.endswith("is already registered for this meeting"):
            return str(_l("This person is already registered for this meeting."))
        for start, message in CONFLICTS:
            if detail.startswith(start):
                return str(message)
    general = STATUSES.get(error.status)
    if general is None:
        return detail or error.title
    return f"{general} ({detail})" if detail and error.status in (404, 409) else str(general)


def translated(error: ApiError) -> ApiError:
    """The same refusal, its message in the page's language (for the top of the form)."""
    return ApiError(error.status, error.title, problem(error), error.field_errors)
