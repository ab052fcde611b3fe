"""The audit trail's and the access requests' HTTP shapes, the same on every service."""

from __future__ import annotations

from datetime import datetime, timezone

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ..web.fields import Moment, Text, Timestamp
from ..web.schemas import PageQuerySchema

SUBJECT = r"^[a-z_]+/[^\s/]+$"
EVENT_TYPE = r"^tr\.tvp\.[a-z]+\.[a-z_]+\.[a-z_]+\.v\d+$"
# Bounds of `from`/`to`: far enough for any record, near enough for the database's dates.
EARLIEST = datetime(2000, 1, 1, tzinfo=timezone.utc)
LATEST = datetime(2200, 1, 1, tzinfo=timezone.utc)


class AuditQuerySchema(PageQuerySchema):
    aggregate = Text(
        validate=validate.Regexp(SUBJECT),
        metadata={"description": "The aggregate (CloudEvent subject), e.g. person/6f1c…"},
    )
    actor = Text(validate=validate.Length(min=1, max=255), metadata={"description": "The actor's `sub`"})
    type = Text(
        validate=validate.Regexp(EVENT_TYPE),
        metadata={"description": "The event type, e.g. tr.tvp.members.person.updated.v1"},
    )
    from_ = Moment(
        earliest=EARLIEST,
        latest=LATEST,
        data_key="from",
        attribute="since",
        metadata={"description": "At or after (ISO 8601 with offset)"},
    )
    to = Moment(
        earliest=EARLIEST,
        latest=LATEST,
        attribute="until",
        metadata={"description": "At or before (ISO 8601 with offset)"},
    )

    @validates_schema
    def _window(self, data, **kwargs):
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise ValidationError("must not be after `to`", "from")


class ActorSchema(Schema):
    sub = fields.String(required=True)
    role = fields.String(
        required=True,
        metadata={"description": "A token role, or `system` for what a service did by itself (its worker)"},
    )
    org = fields.String(allow_none=True, metadata={"description": "The chamber admin's organisation id"})


class AuditEntrySchema(Schema):
    at = Timestamp(required=True)
    actor = fields.Nested(
        ActorSchema, allow_none=True, metadata={"description": "null for records written before actors were recorded"}
    )
    type = fields.String(required=True, metadata={"description": "The event type (or the access request's)"})
    aggregate = fields.String(required=True, metadata={"description": "The CloudEvent subject"})
    version = fields.Integer(allow_none=True, metadata={"description": "The aggregate's version after the event"})
    correlation_id = fields.String(allow_none=True)


class DataSubjectSchema(Schema):
    person_id = fields.String(required=True)
    service = fields.String(required=True)
    generated_at = Timestamp(required=True)
    holds = fields.Dict(
        required=True,
        metadata={"description": "Everything this service holds about the person, by category (docs/privacy.md)"},
    )
    notifications = fields.List(
        fields.Dict(),
        allow_none=True,
        metadata={"description": "Messages sent to the person; null while the service sends none"},
    )
    audit = fields.List(
        fields.Nested(AuditEntrySchema),
        allow_none=True,
        metadata={"description": "Audit entries naming the person as the aggregate, newest first"},
    )
