"""What a page offers the signed-in user, read from the services' own access tables.

A form or an action button is shown only where the service's door (its ACCESS row) would let the user in,
and, for a row marked `own`, only where the thing belongs to a chamber admin's own organisation. The pages
never decide on their own which role may do what: the services' tables do, and the API's 403 stays the
final word for the rules beyond the door.
"""

from __future__ import annotations

from services.events.domain.permissions import ACCESS as EVENTS_ACCESS
from services.members.domain.permissions import ACCESS as MEMBERS_ACCESS
from services.reporting.domain.permissions import ACCESS as REPORTING_ACCESS

from .web import current_user

TABLES = {"events": EVENTS_ACCESS, "members": MEMBERS_ACCESS, "reporting": REPORTING_ACCESS}
DOOR_ONLY = object()  # `owner` when the rule beyond the door is the service's (e.g. whose people a form lists)


def may(service: str, method: str, route: str, owner: str | None | object = DOOR_ONLY) -> bool:
    """Whether the user may call `method route` of `service` (its OpenAPI path, `/api/v1/meetings/{meeting_id}`)
    for a thing of organisation `owner`."""
    user = current_user()
    row = TABLES[service][(method, route)]  # a route missing from the table is a programming error, not a "no"
    if user is None or not row.admits(user.role):
        return False
    if row.own and user.role == "chamber_admin" and owner is not DOOR_ONLY:
        return owner is not None and owner == user.organisation_id
    return True


def roles_that_may(service: str, method: str, route: str) -> tuple[str, ...]:
    """The roles a nav entry is shown to: those that may call the route the page is built on."""
    row = TABLES[service][(method, route)]
    return tuple(sorted(row.roles))
