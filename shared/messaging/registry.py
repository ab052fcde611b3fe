"""Which event types exist, what their payload looks like and on which topic they travel.

Every event published or consumed goes through `EventRegistry.validate`, so a
payload that breaks its schema is caught at the door on both sides.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from typing import Callable

from marshmallow import Schema, ValidationError

from .envelope import CloudEvent, CloudEventSchema, new_id, utc_now_iso


class UnknownEventType(LookupError):
    pass


class InvalidEvent(ValueError):
    def __init__(self, message: str, errors: dict | list | None = None):
        super().__init__(message)
        self.errors = errors or {}


@dataclass(frozen=True)
class EventSpec:
    type: str
    topic: str
    schema: builtins.type[Schema]
    aggregate: str
    summary: str = ""
    # The aggregate's last event: the relay follows it with a tombstone (its key, a null value), so a
    # compacted topic drops the aggregate's earlier records (an erased person is gone from Kafka too).
    tombstone: bool = False

    @property
    def source(self) -> str:
        return f"/tvp/{self.type.split('.')[2]}"

    @property
    def dataschema(self) -> str:
        return f"urn:tvp:schema:{self.type}"

    @property
    def public(self) -> bool:
        """On a `tvp.public.*` topic: a view for other chambers, not an event of the aggregate's history."""
        return self.topic.startswith("tvp.public.")


_ENVELOPE = CloudEventSchema()

# (type, payload) of an older version -> (type, payload) of the current one. The published language
# (shared/contracts/upcasting.py) hands it over; the runtime knows no event type.
Upcast = Callable[[str, dict], tuple[str, dict]]


def _no_upcasting(type_: str, data: dict) -> tuple[str, dict]:
    return type_, data


class EventRegistry:
    def __init__(self, upcast: Upcast = _no_upcasting) -> None:
        self._upcast = upcast
        self._specs: dict[str, EventSpec] = {}
        self._schemas: dict[builtins.type[Schema], Schema] = {}  # one instance per payload schema, reused

    def register(
        self, type_: str, topic: str, schema: type[Schema], summary: str = "", tombstone: bool = False
    ) -> EventSpec:
        aggregate = type_.split(".")[3]
        spec = EventSpec(
            type=type_, topic=topic, schema=schema, aggregate=aggregate, summary=summary, tombstone=tombstone
        )
        if type_ in self._specs:
            raise ValueError(f"event type {type_} registered twice")
        self._specs[type_] = spec
        return spec

    def spec(self, type_: str) -> EventSpec:
        try:
            return self._specs[type_]
        except KeyError:
            raise UnknownEventType(f"unknown event type {type_!r}") from None

    def __iter__(self):
        return iter(self._specs.values())

    def topics(self) -> list[str]:
        return sorted({spec.topic for spec in self._specs.values()})

    def topics_of(self, service: str) -> list[str]:
        return sorted({s.topic for s in self._specs.values() if s.source == f"/tvp/{service}"})

    def build(
        self,
        type_: str,
        aggregate_id: str,
        aggregate_version: int,
        data: dict,
        correlation_id: str,
        causation_id: str | None = None,
    ) -> CloudEvent:
        """Create an event, validating the payload against its registered schema."""
        spec = self.spec(type_)
        payload = self._validated_payload(spec, data)
        event_id = new_id()
        return CloudEvent(
            id=event_id,
            source=spec.source,
            type=type_,
            subject=f"{spec.aggregate}/{aggregate_id}",
            time=utc_now_iso(),
            data=payload,
            aggregateversion=aggregate_version,
            correlationid=correlation_id,
            causationid=causation_id or correlation_id,
            dataschema=spec.dataschema,
        )

    def current(self, body: dict) -> dict:
        """The envelope `body` as its type's current version (type, dataschema and payload upcast); the
        same object when it already is current or is not an envelope at all (validate() says why)."""
        if (
            not isinstance(body, dict)
            or not isinstance(body.get("type"), str)
            or not isinstance(body.get("data"), dict)
        ):
            return body
        try:
            type_, data = self._upcast(body["type"], body["data"])
        except Exception as exc:  # noqa: BLE001 - an old payload the upcaster cannot read is an invalid event
            raise InvalidEvent(f"payload of {body['type']} cannot be upcast: {exc!r}") from exc
        if type_ == body["type"]:
            return body
        return dict(body, type=type_, dataschema=self.spec(type_).dataschema, data=data)

    def validate(self, body: dict) -> CloudEvent:
        """Parse and check a received envelope and its payload, upcast to the current version of its type."""
        try:
            attributes = _ENVELOPE.load(self.current(body))
        except ValidationError as exc:
            raise InvalidEvent("envelope is not a valid CloudEvent", exc.messages) from exc
        spec = self.spec(attributes["type"])
        attributes["data"] = self._validated_payload(spec, attributes["data"])
        return CloudEvent(**attributes)

    def _validated_payload(self, spec: EventSpec, data: dict) -> dict:
        schema = self._schemas.get(spec.schema)
        if schema is None:
            schema = self._schemas[spec.schema] = spec.schema()
        try:
            return schema.dump(schema.load(data))
        except ValidationError as exc:
            raise InvalidEvent(f"payload of {spec.type} is invalid", exc.messages) from exc
