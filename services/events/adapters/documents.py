"""How the events service stores its data (database tvp_events).

`meetings` holds the meeting aggregates, each with its registrations, attendance
and decisions embedded and its own outbox (see shared/messaging/outbox.py). The
`member_*` collections are this service's view of the membership, built only
from the members' event stream (entrypoints/membership_consumer.py).
"""
from pymongo import ASCENDING

MEETINGS = "meetings"
ORGANISATIONS = "member_organisations"
PEOPLE = "member_people"
SEATS = "member_seats"

AGGREGATE_COLLECTIONS: list[str] = [MEETINGS]


def ensure_indexes(db) -> None:
    meetings = db[MEETINGS]
    meetings.create_index([("starts_at", ASCENDING), ("_id", ASCENDING)], name="by_start")
    meetings.create_index([("body", ASCENDING), ("status", ASCENDING)], name="by_body")
    meetings.create_index([("host_organisation_id", ASCENDING)], name="by_host")
    meetings.create_index([("kind", ASCENDING)], name="by_kind")
    meetings.create_index([("registrations.person_id", ASCENDING)], name="by_registered_person")
    db[SEATS].create_index([("body", ASCENDING)], name="by_body")
    db[SEATS].create_index([("person_id", ASCENDING)], name="by_person")
    db[PEOPLE].create_index([("organisation_id", ASCENDING)], name="by_organisation")
