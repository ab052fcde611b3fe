"""Every topic of the contract, internal and public."""

from shared.messaging.topics import dead_letter_topic

INTERNAL = [
    "tvp.members.organisations",
    "tvp.members.people",
    "tvp.members.seats",
    "tvp.events.meetings",
    "tvp.reporting.reports",
]
PUBLIC = [
    "tvp.public.members.v1",
    "tvp.public.meetings.v1",
    "tvp.public.reports.v1",
]
SERVICES = ["members", "events", "reporting"]


DEAD_LETTER = [dead_letter_topic(service) for service in SERVICES]

ALL = INTERNAL + PUBLIC + DEAD_LETTER
