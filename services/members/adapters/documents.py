"""How the members service stores its aggregates (mongoengine, database tvp_members)."""
from mongoengine import (BooleanField, DateTimeField, DictField, Document, IntField, ListField, StringField)

ALIAS = "members"


class OrganisationDocument(Document):
    id = StringField(primary_key=True)
    name = StringField(required=True)
    name_folded = StringField(required=True)
    short_name = StringField()
    kind = StringField(required=True)
    province = StringField(required=True)
    region = StringField(required=True)
    district = StringField()
    tax_number = StringField()
    nace_code = StringField()
    size_class = StringField()
    is_sme = BooleanField(default=False)
    employees = IntField()
    email = StringField()
    website = StringField()
    status = StringField(required=True)
    status_history = ListField(DictField())
    created_at = DateTimeField(required=True)
    updated_at = DateTimeField(required=True)
    version = IntField(default=0)
    outbox = ListField(DictField())
    outbox_pending = BooleanField()

    meta = {
        "collection": "organisations",
        "db_alias": ALIAS,
        "indexes": [
            {"fields": ["tax_number"], "unique": True, "sparse": True},
            "kind", "province", "status", "name_folded",
        ],
    }


AGGREGATE_COLLECTIONS = ["organisations"]


def ensure_indexes(_db) -> None:
    OrganisationDocument.ensure_indexes()
