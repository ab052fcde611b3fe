"""The names of the platform's codes in the page's language (organisation kinds, meeting kinds, themes...).

Pages show these instead of the API's codes; a code without a name here is shown as it is.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ORGANISATION_KINDS = {
    "chamber": _l("Chamber"),
    "commodity_exchange": _l("Commodity exchange"),
    "public_body": _l("Public body"),
    "development_agency": _l("Development agency"),
    "university": _l("University"),
    "industrial_zone": _l("Industrial zone"),
    "company": _l("Company"),
    "ngo": _l("NGO"),
}

MEETING_KINDS = {
    "board_meeting": _l("Board meeting"),
    "advisory_board_meeting": _l("Advisory Board meeting"),
    "working_group_meeting": _l("Working group meeting"),
    "workshop": _l("Workshop"),
    "training": _l("Training"),
    "site_visit": _l("Site visit"),
    "matchmaking": _l("Matchmaking"),
    "conference": _l("Conference"),
}

MEMBERSHIP_STATUSES = {
    "applicant": _l("Applicant"),
    "active": _l("Active"),
    "suspended": _l("Suspended"),
    "withdrawn": _l("Withdrawn"),
}

MEMBERSHIP_ACTIONS = {
    "approve": _l("Approve"),
    "suspend": _l("Suspend"),
    "reinstate": _l("Reinstate"),
    "withdraw": _l("Withdraw"),
}

# The same actions once done, as the membership timeline and the confirmation message tell them.
MEMBERSHIP_EVENTS = {
    "apply": _l("Applied"),
    "approve": _l("Approved"),
    "suspend": _l("Suspended"),
    "reinstate": _l("Reinstated"),
    "withdraw": _l("Withdrew"),
}

SIZE_CLASSES = {
    "micro": _l("Micro"),
    "small": _l("Small"),
    "medium": _l("Medium"),
    "large": _l("Large"),
    "none": _l("Not an SME"),  # how reporting's breakdowns name the organisations that are not SMEs
}

SEAT_ROLES = {
    "chair": _l("Chair"),
    "vice_chair": _l("Vice chair"),
    "member": _l("Member"),
}

SEAT_STATUSES = {
    "active": _l("Seated"),
    "ended": _l("Ended"),
}

# --- meetings ---
MEETING_STATUSES = {
    "scheduled": _l("Scheduled"),
    "held": _l("Held"),
    "cancelled": _l("Cancelled"),
}

THEMES = {
    "resource_efficiency": _l("Resource efficiency"),
    "energy_efficiency": _l("Energy efficiency"),
    "industrial_symbiosis": _l("Industrial symbiosis"),
    "eco_efficiency": _l("Eco-efficiency"),
    "green_transition": _l("Green transition"),
    "waste_management": _l("Waste management"),
    "renewable_energy": _l("Renewable energy"),
    "digitalisation": _l("Digitalisation"),
}

REGISTRATION_STATUSES = {
    "confirmed": _l("Confirmed"),
    "waitlisted": _l("Waitlisted"),
    "cancelled": _l("Cancelled"),
}

REGISTRATION_SOURCES = {
    "registration": _l("Registration"),
    "invitation": _l("Invitation"),
}

NOTIFICATION_TEMPLATES = {
    "invitation": _l("Invitation"),
    "registration_confirmed": _l("Registration confirmed"),
    "waitlist_promoted": _l("Place from the waiting list"),
    "reminder": _l("Reminder, a day before"),
    "rescheduled": _l("New date"),
    "cancelled": _l("Cancellation notice"),
}

NOTIFICATION_STATUSES = {
    "pending": _l("Waiting to be sent"),
    "sending": _l("Being sent"),
    "sent": _l("Sent"),
    "failed": _l("Not sent"),
    "skipped": _l("Not sent: not allowed"),
}

GENDERS = {
    "female": _l("Female"),
    "male": _l("Male"),
    "other": _l("Other"),
    "undisclosed": _l("Undisclosed"),
}
# --- end meetings ---

SERVICES = {
    "members": _l("Members"),
    "events": _l("Events"),
    "reporting": _l("Reporting"),
}

TABLES = {
    "organisation_kind": ORGANISATION_KINDS,
    "meeting_kind": MEETING_KINDS,
    "service": SERVICES,
    "membership_status": MEMBERSHIP_STATUSES,
    "membership_action": MEMBERSHIP_ACTIONS,
    "membership_event": MEMBERSHIP_EVENTS,
    "size_class": SIZE_CLASSES,
    "seat_role": SEAT_ROLES,
    "seat_status": SEAT_STATUSES,
    "gender": GENDERS,
    "meeting_status": MEETING_STATUSES,
    "theme": THEMES,
    "registration_status": REGISTRATION_STATUSES,
    "registration_source": REGISTRATION_SOURCES,
    "notification_template": NOTIFICATION_TEMPLATES,
    "notification_status": NOTIFICATION_STATUSES,
}


def label(table: str, code) -> str:
    """`{{ code|label("organisation_kind") }}` in a template."""
    name = TABLES.get(table, {}).get(code)
    return str(name) if name is not None else ("" if code is None else str(code))


# --- reporting ---
BUDGET_LINES = {
    "human_resources": _l("Human resources"),
    "travel": _l("Travel"),
    "equipment": _l("Equipment"),
    "services": _l("Services"),
    "visibility": _l("Visibility"),
    "other": _l("Other"),
}

REPORT_KINDS = {"interim": _l("Interim report"), "final": _l("Final report")}

REPORT_STATUSES = {"draft": _l("Draft"), "submitted": _l("Submitted")}

# The indicators' breakdowns (services/reporting/domain/indicators.py), by dimension.
BREAKDOWNS = {
    "kind": _l("By kind"),
    "province": _l("By province"),
    "body": _l("By body"),
    "body_with_quorum": _l("By body, with quorum"),
    "theme": _l("By theme"),
    "gender": _l("By gender"),
    "organisation_kind": _l("By kind of organisation"),
    "size_class": _l("By size class"),
    "budget_line": _l("By budget line"),
}

# The governance bodies with a fixed code; a working group's code is shown as it is.
BODIES = {"board": _l("Board"), "advisory_board": _l("Advisory Board")}

TABLES.update({
    "body": BODIES,
    "budget_line": BUDGET_LINES,
    "report_kind": REPORT_KINDS,
    "report_status": REPORT_STATUSES,
    "breakdown": BREAKDOWNS,
})
# --- end reporting ---

# --- evidence ---
EVIDENCE_KINDS = {
    "attendance_sheet": _l("Signed attendance sheet"),
    "photo": _l("Photo"),
    "invoice": _l("Invoice"),
    "agenda": _l("Agenda"),
    "minutes": _l("Minutes"),
    "other": _l("Other"),
}
TABLES["evidence_kind"] = EVIDENCE_KINDS
# --- end evidence ---
