"""What the signed-in role may do, read from the services' own access tables (the rows their door applies):
a page offers a form or a button only where the API would let the role through. The API's answer stays the
final word (a chamber admin's "own organisation" rule, a draft-only action): this only decides what to offer.
"""

from __future__ import annotations

from services.events.domain.permissions import ACCESS as EVENTS_ACCESS
from services.members.domain.permissions import ACCESS as MEMBERS_ACCESS
from services.reporting.domain.permissions import ACCESS as REPORTING_ACCESS

from .web import current_user

TABLES = {"members": MEMBERS_ACCESS, "events": EVENTS_ACCESS, "reporting": REPORTING_ACCESS}


def may(service: str, method: str, route: str) -> bool:
    """`may("reporting", "POST", "/api/v1/reports/{report_id}/submit")`, the route as the table writes it
    (its OpenAPI path). A route missing from the table is a programming error, not a "no"."""
    user = current_user()
    row = TABLES[service][(method, route)]
    return user is not None and row.admits(user.role)


def roles_that_may(service: str, method: str, route: str) -> tuple[str, ...]:
    """The roles a nav entry is shown to: those that may call the route the page is built on."""
    row = TABLES[service][(method, route)]
    return tuple(sorted(row.roles))
