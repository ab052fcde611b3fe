"""What the events service holds about a person, for an access request (KVKK Art. 11, GDPR Art. 15).

Its copy of the person and the person's seats (the membership view, from the members' events), and every
registration of the person (with the meeting's id, title, kind, dates and status): invitations, confirmed,
waitlisted and cancelled ones. `attendances` are the registrations whose attendance was recorded (a check-in
records an attendance) and `waitlist` those waiting for a place. The person's organisation, which decides
whether a chamber admin may ask, is the one of the membership view. A person this service knows nothing of
(no membership view, no registration) is a 404. Registrations of participants who are not members' people
carry no person id, so they are not found by one. `notifications` are the meeting mails owed to the person.
"""
from __future__ import annotations

from shared.audit.access import may_see_data_subject
from shared.auth import Principal
from shared.errors import NotFound
from shared.permissions import require
from shared.service_layer.unit_of_work import UnitOfWork

MEETING_FIELDS = ("title", "kind", "body", "starts_at", "ends_at", "status", "host_organisation_id")
REGISTRATION_FIELDS = ("status", "source", "registrant", "seat_id", "role", "gender", "province", "organisation",
                       "waitlist_position", "attended", "attended_at", "created_at", "cancelled_at", "cancel_reason")
VIEW_FIELDS = ("organisation_id", "full_name", "email", "gender", "consents", "erased", "erased_at", "version")
NOTIFICATION_FIELDS = ("meeting_id", "template", "language", "to", "status", "reason", "sent_at", "created_at")
SEAT_FIELDS = ("body", "organisation_id", "role", "term_start", "term_end", "status", "ended_on")


def holdings(uow: UnitOfWork, person_id: str, principal: Principal) -> dict:
    view = uow.member_people.find(person_id)
    meetings = uow.meetings.with_registered_person(person_id)
    if view is None and not meetings:
        raise NotFound(f"person {person_id} is not known to the events service")
    require(may_see_data_subject(principal, (view or {}).get("organisation_id")),
            "a chamber admin may only ask for the data of people of its own organisation")
    registrations = [_registration(meeting, r) for meeting in meetings for r in meeting.get("registrations") or []
                     if r.get("person_id") == person_id]
    return {
        "person": None if view is None else {"id": person_id, **{k: view.get(k) for k in VIEW_FIELDS}},
        "seats": [{"id": s["_id"], **{k: s.get(k) for k in SEAT_FIELDS}}
                  for s in uow.member_seats.of_person(person_id)],
        "registrations": registrations,
        "attendances": [{"meeting": r["meeting"], "registration_id": r["id"], "attended_at": r["attended_at"]}
                        for r in registrations if r["attended"]],
        "waitlist": [{"meeting": r["meeting"], "registration_id": r["id"], "position": r["waitlist_position"]}
                     for r in registrations if r["status"] == "waitlisted"],
        # The meeting mails owed to the person (docs/notifications.md): which, where to, and what became of them.
        "notifications": [{"id": n["_id"], **{k: n.get(k) for k in NOTIFICATION_FIELDS}}
                          for n in uow.notifications.of_person(person_id)],
    }


def _registration(meeting: dict, registration: dict) -> dict:
    shown = {"id": registration["id"], **{k: registration.get(k) for k in REGISTRATION_FIELDS}}
    shown["attended"] = bool(shown["attended"])
    shown["meeting"] = {"id": meeting["_id"], **{k: meeting.get(k) for k in MEETING_FIELDS}}
    return shown
