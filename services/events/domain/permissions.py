"""Who may do what with meetings: the door of every route (ACCESS, shared/access.py) and the rules beyond it.

platform_admin: everything. chamber_admin: the meetings its organisation hosts (no governance
meetings), and its own people's registrations anywhere; it registers only its own organisation's
people. Contact data (e-mail) of participants only for platform admins and the participant's own
chamber admin. programme_officer and auditor: read, without contact data.
"""
from __future__ import annotations

from shared.access import EVERY_ROLE, allow, privacy_rows, public, retention_rows
from shared.auth import Principal
from shared.permissions import acts_for, sees_contact_of

API = "/api/v1"
MEETING = f"{API}/meetings/{{meeting_id}}"
HOSTS = "the host's chamber admin"
EVIDENCE = "the host's chamber admin; programme officers and auditors read (sheets carry names and signatures)"
CONTACT = "e-mail only for platform admins and the participant's own chamber admin"

# One line per route and method; a route added without its line stops the service from starting.
ACCESS = {
    ("GET", f"{API}/meetings"): allow(*EVERY_ROLE),
    ("POST", f"{API}/meetings"): allow("chamber_admin", own=True, note="hosted by its own organisation; "
                                                                     "governance meetings: platform admins"),
    ("GET", MEETING): allow(*EVERY_ROLE),
    ("GET", f"{MEETING}/calendar.ics"): allow(*EVERY_ROLE, note="whoever may read the meeting"),
    ("GET", f"{API}/public/calendar.ics"): public(note="only what the public meetings topic shows"),
    ("POST", f"{MEETING}/reschedule"): allow("chamber_admin", own=True, note=HOSTS),
    ("POST", f"{MEETING}/cancel"): allow("chamber_admin", own=True, note=HOSTS),
    ("POST", f"{MEETING}/close"): allow("chamber_admin", own=True, note=HOSTS),
    ("GET", f"{MEETING}/registrations"): allow(*EVERY_ROLE, note=f"chamber admins: the meetings they host and "
                                                                 f"their own people elsewhere; {CONTACT}"),
    ("POST", f"{MEETING}/registrations"): allow("chamber_admin", own=True, note="a chamber admin registers its "
                                                "own organisation's people; outside participants at meetings "
                                                f"it hosts; {CONTACT}"),
    ("GET", f"{MEETING}/registrations/{{registration_id}}"): allow(*EVERY_ROLE, own=True, note=CONTACT),
    ("DELETE", f"{MEETING}/registrations/{{registration_id}}"): allow("chamber_admin", own=True,
                                                                      note="its own people's, or any at meetings "
                                                                           "it hosts"),
    ("POST", f"{MEETING}/attendance"): allow("chamber_admin", own=True, note=f"{HOSTS}; {CONTACT}"),
    ("POST", f"{MEETING}/check-in"): allow("chamber_admin", own=True, note=f"{HOSTS}; by a badge's code"),
    ("GET", f"{MEETING}/attendance-sheet.pdf"): allow("chamber_admin", own=True, note=f"{HOSTS} (participants' "
                                                                                   "names)"),
    ("GET", f"{API}/registrations/{{registration_id}}/badge.pdf"): allow("chamber_admin", own=True,
                                                                         note="the registrant's own chamber admin "
                                                                              "(as for its e-mail)"),
    ("GET", f"{API}/decisions.pdf"): allow(*EVERY_ROLE, note="as the meetings' decisions"),
    ("GET", f"{MEETING}/decisions"): allow(*EVERY_ROLE),
    ("POST", f"{MEETING}/decisions"): allow("chamber_admin", own=True, note=HOSTS),
    ("GET", f"{MEETING}/evidence"): allow("chamber_admin", "programme_officer", "auditor", own=True, note=EVIDENCE),
    ("POST", f"{MEETING}/evidence"): allow("chamber_admin", own=True, note=f"{HOSTS}; not once cancelled"),
    ("GET", f"{API}/evidence/{{evidence_id}}"): allow("chamber_admin", "programme_officer", "auditor", own=True,
                                                       note=EVIDENCE),
    ("GET", f"{API}/member-organisations"): allow(*EVERY_ROLE),
    ("GET", f"{API}/member-organisations/{{organisation_id}}"): allow(*EVERY_ROLE),
    ("GET", f"{API}/notifications"): allow(note="recipients' e-mail addresses"),
    **privacy_rows(),
    **retention_rows(),
}


def can_manage_meeting(principal: Principal, meeting: dict) -> bool:
    return principal.is_admin or acts_for(principal, meeting["host_organisation_id"])


def can_read_evidence(principal: Principal, meeting: dict) -> bool:
    """A meeting's evidence (attendance sheets carry names and signatures): its managers, and the programme's
    officers and auditors who check it; not the other chambers."""
    return principal.role in {"programme_officer", "auditor"} or can_manage_meeting(principal, meeting)


def can_schedule_meetings(principal: Principal) -> bool:
    return principal.role in {"platform_admin", "chamber_admin"}


def can_schedule_for_body(principal: Principal, body: str | None) -> bool:
    """Governance meetings (those of a body) are the platform's to schedule."""
    return principal.is_admin or body is None


def can_host_from(principal: Principal, host_organisation_id: str) -> bool:
    return principal.is_admin or acts_for(principal, host_organisation_id)


def can_record_past_meetings(principal: Principal) -> bool:
    return principal.is_admin


def can_register_for(principal: Principal, meeting: dict, registrant_organisation: str | None) -> bool:
    """A chamber admin registers its own organisation's people and participants anywhere, and outside
    participants (of no member organisation) at the meetings it hosts; never another organisation's people,
    whose names and e-mails the registration would otherwise show it."""
    if principal.is_admin or acts_for(principal, registrant_organisation):
        return True
    return registrant_organisation is None and can_manage_meeting(principal, meeting)


def can_cancel_registration(principal: Principal, meeting: dict, registrant_organisation: str | None) -> bool:
    """The meeting's managers cancel any registration; a chamber admin its own organisation's people's."""
    return can_manage_meeting(principal, meeting) or acts_for(principal, registrant_organisation)


def can_see_contact(principal: Principal, registration: dict) -> bool:
    """A participant's e-mail: platform admins and the chamber admin of the participant's member organisation.
    An outside participant (no member organisation) has no chamber admin: only platform admins see it."""
    return sees_contact_of(principal, (registration.get("organisation") or {}).get("id"))


def can_see_registration(principal: Principal, meeting: dict, registration: dict) -> bool:
    """A chamber admin sees the registrations of the meetings it hosts and of its own organisation."""
    if principal.role != "chamber_admin" or can_manage_meeting(principal, meeting):
        return True
    return (registration.get("organisation") or {}).get("id") == principal.organisation_id
