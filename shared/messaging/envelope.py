"""The CloudEvents 1.0 envelope of the contract, in structured JSON mode."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from dataclasses import fields as fields_of

from marshmallow import Schema, ValidationError, fields, validate

from ..clock import utc_now

CONTENT_TYPE = "application/cloudevents+json; charset=utf-8"
SPEC_VERSION = "1.0"


def new_id() -> str:
    return str(uuid.uuid4())


def utc_now_iso() -> str:
    """The envelope's `time`: UTC, to the millisecond (shared/clock.py's now)."""
    return utc_now().isoformat(timespec="milliseconds")


@dataclass(frozen=True)
class CloudEvent:
    id: str
    source: str
    type: str
    subject: str
    time: str
    data: dict
    aggregateversion: int
    correlationid: str
    causationid: str
    dataschema: str
    specversion: str = SPEC_VERSION
    datacontenttype: str = "application/json"
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def aggregate_id(self) -> str:
        """The record key: subject is `<aggregate>/<id>`."""
        return self.subject.split("/", 1)[1]

    def to_dict(self) -> dict:
        # Shallow on purpose: dataclasses.asdict deep-copies the payload, on every write.
        return {name: getattr(self, name) for name in _ATTRIBUTES}

    def to_json_bytes(self) -> bytes:
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    @classmethod
    def from_dict(cls, body: dict) -> "CloudEvent":
        return cls(**CloudEventSchema().load(body))


_ATTRIBUTES = [f.name for f in fields_of(CloudEvent) if f.name != "extra"]


class CloudEventSchema(Schema):
    """What every record on a tvp topic must carry, whatever its payload."""

    specversion = fields.String(required=True, validate=validate.Equal(SPEC_VERSION))
    id = fields.String(required=True, validate=validate.Length(min=1))
    source = fields.String(required=True, validate=validate.Regexp(r"^/tvp/[a-z]+$"))
    type = fields.String(required=True, validate=validate.Regexp(r"^tr\.tvp\.[a-z]+\.[a-z_]+\.[a-z_]+\.v\d+$"))
    subject = fields.String(required=True, validate=validate.Regexp(r"^[a-z_]+/.+$"))
    time = fields.String(required=True)
    datacontenttype = fields.String(required=True, validate=validate.Equal("application/json"))
    dataschema = fields.String(required=True)
    aggregateversion = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    correlationid = fields.String(required=True)
    causationid = fields.String(required=True)
    data = fields.Dict(required=True)

    class Meta:
        # Unknown extension attributes from newer producers are kept, not rejected.
        unknown = "exclude"


def parse_record_value(raw: bytes) -> dict:
    """Decode a record value; raises ValueError for anything that is not a JSON object."""
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"record is not JSON: {exc}") from exc
    if not isinstance(body, dict):
        raise ValueError("record is not a JSON object")
    return body


__all__ = [
    "CloudEvent",
    "CloudEventSchema",
    "CONTENT_TYPE",
    "ValidationError",
    "new_id",
    "utc_now_iso",
    "parse_record_value",
]
