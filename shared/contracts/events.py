"""Events of the events service (meetings, registrations, attendance, decisions)."""

MEETINGS = "tvp.events.meetings"


def register(registry) -> None:
    """Meeting event types are added by the events service work (issue 4)."""
