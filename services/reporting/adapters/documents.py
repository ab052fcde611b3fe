"""How the reporting service stores its data (mongoengine, database tvp_reporting)."""
from mongoengine import BooleanField, Document, IntField, StringField

ALIAS = "reporting"


class MemberOrganisationView(Document):
    """Organisations as reporting counts them, from the members' event stream only."""
    id = StringField(primary_key=True)
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
