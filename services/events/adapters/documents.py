"""How the events service stores its data (mongoengine, database tvp_events)."""
from mongoengine import BooleanField, Document, IntField, StringField

ALIAS = "events"


class MemberOrganisationView(Document):
    """The members' organisations as this service knows them, from the members' event stream only."""
    id = StringField(primary_key=True)
    name = StringField()
    kind = StringField()
    province = StringField()
    size_class = StringField()
    is_sme = BooleanField()
    status = StringField()
    version = IntField()
    last_event_id = StringField()

    meta = {"collection": "member_organisations", "db_alias": ALIAS}


AGGREGATE_COLLECTIONS: list[str] = []


def ensure_indexes(_db) -> None:
    MemberOrganisationView.ensure_indexes()
