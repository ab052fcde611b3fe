"""The AsyncAPI 3 document of the platform's event streams, generated from the event registry.

Nothing here is written by hand per event: every registered type becomes a message
(CloudEvents envelope + its marshmallow payload schema turned into JSON Schema by
apispec's MarshmallowPlugin, OpenAPI 3.1 flavour, which is JSON Schema), every topic a
channel with its Kafka binding, and the platform's relays the `send` operations.
Served by every service at `/api/v1/asyncapi.json`; written to `docs/asyncapi.yaml`
by `tvp asyncapi`. tests/unit/test_asyncapi.py validates it against the official
AsyncAPI 3.0.0 JSON schema and checks that docs/asyncapi.yaml is current.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from .contracts import public as public_contract
from .contracts import topics as contract_topics
from .contracts.deprecation import DEPRECATED
from .messaging.envelope import CONTENT_TYPE, SPEC_VERSION
from .messaging.registry import EventRegistry, EventSpec

ASYNCAPI_VERSION = "3.0.0"
# The release this document describes: published documents are kept as docs/asyncapi/<version>.yaml
# (`tvp asyncapi --publish`); minor for compatible changes, major for a removal after a sunset.
DOCUMENT_VERSION = "1.1.0"
KAFKA_BINDING = "0.5.0"
DEFAULT_PARTITIONS = 3
ENVELOPE = "CloudEvent"
CHAMBER_SCRAM = "One SCRAM-SHA-512 user per subscribing chamber (over TLS); read access to tvp.public.* only."

DESCRIPTION = """\
Domain events of the Thrace Productivity Platform (Trakya Verimlilik Platformu).

Every record is one CloudEvents 1.0 event in structured JSON mode (record header
`content-type: application/cloudevents+json; charset=utf-8`), keyed by the id of the
aggregate it concerns, so the events of one aggregate arrive in order. Delivery is at
least once: drop an event whose `id` you have already seen.

* **Internal topics** (`tvp.<service>.<aggregate>`) are the services' own history; they
  may carry personal data and are reachable only inside the platform.
* **Public topics** (`tvp.public.<area>.v<N>`) are for other chambers and the programme.
  They carry no personal data (no names, e-mail addresses, phone numbers or person ids;
  people appear only as counts). Each record is the whole public view of one aggregate
  after a change: keep the newest record per key (highest `aggregateversion`). A
  breaking change is a new topic version; the old one is served for
  {months} more months and marked deprecated here.

Follow a public topic with `tvp subscribe TOPIC` or any Kafka client (see docs/streams.md).
""".format(months=public_contract.DEPRECATION_MONTHS)

SERVERS = OrderedDict(
    [
        (
            "embedded",
            {
                "host": "127.0.0.1:9092",
                "protocol": "kafka",
                "title": "Embedded broker (tvp up)",
                "description": "The broker `tvp up` starts on this machine, without authentication: Apache "
                "Kafka (messages kept across restarts) where Java is installed, else Tansu (messages in "
                "memory; after its restart the services' event logs are published again with the same "
                "event ids).",
                "tags": [{"name": "development"}],
            },
        ),
        (
            "compose",
            {
                "host": "kafka:9092",
                "protocol": "kafka",
                "title": "Production stack, INTERNAL listener",
                "description": "Apache Kafka of docker-compose.yml, reachable only on the compose network "
                "(the services).",
                "tags": [{"name": "production"}],
            },
        ),
        (
            "external",
            {
                "host": "{host}:19092",
                "protocol": "kafka-secure",
                "title": "Production stack, EXTERNAL listener for other chambers",
                "description": "SASL/SCRAM-SHA-512 over TLS. Each chamber has its own user; ACLs let it read "
                "`tvp.public.*` and use consumer groups named after it, nothing else "
                "(docs/deployment.md).",
                "variables": {
                    "host": {"default": "kafka.example.org", "description": "the platform's public broker host name"}
                },
                "security": [{"$ref": "#/components/securitySchemes/chamberScram"}],
                "tags": [{"name": "production"}],
            },
        ),
    ]
)


def _envelope_schema() -> dict:
    return {
        "type": "object",
        "description": "CloudEvents 1.0 envelope of every tvp event, with the extensions aggregateversion, "
        "correlationid and causationid.",
        "required": [
            "specversion",
            "id",
            "source",
            "type",
            "subject",
            "time",
            "datacontenttype",
            "dataschema",
            "aggregateversion",
            "correlationid",
            "causationid",
            "data",
        ],
        "properties": {
            "specversion": {"type": "string", "const": SPEC_VERSION},
            "id": {
                "type": "string",
                "minLength": 1,
                "description": "unique event id; the same after any republication (drop duplicates by it)",
            },
            "source": {
                "type": "string",
                "pattern": "^/tvp/[a-z]+$",
                "description": "/tvp/members, /tvp/events or /tvp/reporting",
            },
            "type": {
                "type": "string",
                "pattern": r"^tr\.tvp\.[a-z]+\.[a-z_]+\.[a-z_]+\.v\d+$",
                "description": "tr.tvp.<service>.<aggregate>.<happening>.v<N>",
            },
            "subject": {
                "type": "string",
                "pattern": "^[a-z_]+/.+$",
                "description": "<aggregate>/<id>; the record key is the <id>",
            },
            "time": {"type": "string", "format": "date-time"},
            "datacontenttype": {"type": "string", "const": "application/json"},
            "dataschema": {"type": "string", "description": "urn:tvp:schema:<type>"},
            "aggregateversion": {
                "type": "integer",
                "minimum": 1,
                "description": "internal topics: +1 per event of the aggregate; public "
                "topics: the aggregate's version the view shows (grows, "
                "may skip)",
            },
            "correlationid": {"type": "string", "description": "the X-Correlation-Id of the request that caused it"},
            "causationid": {
                "type": "string",
                "description": "the id of the event that caused it (or the correlation id)",
            },
            "data": {"type": "object"},
        },
    }


def _payload_schemas(registry) -> tuple[dict, dict[str, str]]:
    """JSON Schemas of every payload (and the schemas nested in them), by component name."""
    spec = APISpec("tvp events", DOCUMENT_VERSION, openapi_version="3.1.0", plugins=[MarshmallowPlugin()])
    names: dict[str, str] = {}
    by_class: dict[type, str] = {}
    for event in registry:
        schema = event.schema
        if schema not in by_class:
            name = schema.__name__
            if name in spec.components.schemas:
                name = f"{schema.__module__.rsplit('.', 1)[-1].capitalize()}{name}"
            spec.components.schema(name, schema=schema)
            by_class[schema] = name
        names[event.type] = by_class[schema]
    return spec.to_dict()["components"]["schemas"], names


def _is_public(topic: str) -> bool:
    return topic.startswith("tvp.public.")


def _message(spec, payload_name: str, deprecated: bool) -> dict:
    service = spec.source.rsplit("/", 1)[-1]
    message = {
        "name": spec.type,
        "title": spec.type.split(".")[3].replace("_", " ") + " " + spec.type.split(".")[4].replace("_", " "),
        "summary": spec.summary or spec.type,
        "contentType": CONTENT_TYPE,
        "headers": {
            "type": "object",
            "required": ["content-type"],
            "properties": {"content-type": {"type": "string", "const": CONTENT_TYPE}},
        },
        "payload": {
            "allOf": [
                {"$ref": f"#/components/schemas/{ENVELOPE}"},
                {
                    "type": "object",
                    "properties": {
                        "type": {"type": "string", "const": spec.type},
                        "source": {"type": "string", "const": spec.source},
                        "subject": {"type": "string", "pattern": f"^{spec.aggregate}/.+$"},
                        "dataschema": {"type": "string", "const": spec.dataschema},
                        "data": {"$ref": f"#/components/schemas/{payload_name}"},
                    },
                },
            ],
        },
        "correlationId": {"$ref": "#/components/correlationIds/correlationid"},
        "bindings": {
            "kafka": {
                "key": {
                    "type": "string",
                    "description": f"the {spec.aggregate}'s id ({spec.aggregate}/<id> in subject)",
                },
                "bindingVersion": KAFKA_BINDING,
            }
        },
        "tags": [{"name": "public" if spec.public else "internal"}, {"name": service}],
    }
    retiring = DEPRECATED.get(spec.type)
    if deprecated or retiring:
        message["deprecated"] = True
    if retiring:
        message["x-successor"] = retiring.successor
        message["x-sunset"] = retiring.sunset.isoformat()
    return message


def _channel_description(topic: str) -> tuple[str, str]:
    if _is_public(topic):
        meta = public_contract.TOPICS.get(topic)
        if meta is not None:
            text = meta.description
            if meta.deprecated:
                text += f"\n\n**Deprecated**: superseded by `{meta.successor}`; served until {meta.sunset}."
            return meta.title, text
        return topic, "Public topic."
    service, aggregate = topic.split(".")[1:3]
    return (
        f"{service}: {aggregate}",
        f"Internal history of the {service} service's {aggregate}: every change, in order per key. "
        "Inside the platform only; may carry personal data (erased people's data is nulled in the "
        "event log that replays use).",
    )


def build_document(registry) -> dict:
    """The AsyncAPI 3.0.0 document (a plain, JSON-serialisable dict) for `registry`."""
    payloads, payload_names = _payload_schemas(registry)
    schemas = OrderedDict([(ENVELOPE, _envelope_schema())])
    schemas.update(sorted(payloads.items()))

    order = {topic: n for n, topic in enumerate(contract_topics.INTERNAL + contract_topics.PUBLIC)}
    by_topic: dict[str, list] = {}
    for spec in registry:
        by_topic.setdefault(spec.topic, []).append(spec)
    channels, operations, messages = OrderedDict(), OrderedDict(), OrderedDict()
    for topic in sorted(by_topic, key=lambda t: (order.get(t, len(order)), t)):
        specs = sorted(by_topic[topic], key=lambda s: s.type)
        meta = public_contract.TOPICS.get(topic)
        deprecated = bool(meta and meta.deprecated)
        for spec in specs:
            messages[spec.type] = _message(spec, payload_names[spec.type], deprecated)
        title, description = _channel_description(topic)
        public = _is_public(topic)
        channel: dict[str, Any] = {
            "address": topic,
            "title": title,
            "description": description,
            "messages": OrderedDict((s.type, {"$ref": f"#/components/messages/{s.type}"}) for s in specs),
            "bindings": {
                "kafka": {
                    "topic": topic,
                    "partitions": DEFAULT_PARTITIONS,
                    "topicConfiguration": {"cleanup.policy": ["delete"]},
                    "bindingVersion": KAFKA_BINDING,
                }
            },
            "tags": [{"name": "public" if public else "internal"}],
        }
        if not public:
            channel["servers"] = [{"$ref": "#/servers/embedded"}, {"$ref": "#/servers/compose"}]
        if deprecated:
            channel["x-deprecated"] = True
            channel["x-sunset"] = meta.sunset if meta else None
        channels[topic] = channel
        service = specs[0].source.rsplit("/", 1)[-1]
        operations[f"publish.{topic}"] = {
            "action": "send",
            "channel": {"$ref": f"#/channels/{topic}"},
            "title": f"{service} publishes {topic}",
            "summary": (
                "The relay of the " + service + " service publishes what its use cases wrote into "
                "the aggregates' outboxes, atomically with the change"
                + (" (the public view, next to the internal event)." if public else ".")
            ),
            "messages": [{"$ref": f"#/channels/{topic}/messages/{s.type}"} for s in specs],
            "tags": [{"name": "public" if public else "internal"}],
        }

    return OrderedDict(
        [
            ("asyncapi", ASYNCAPI_VERSION),
            ("id", "urn:tr:tvp:events"),
            (
                "info",
                OrderedDict(
                    [
                        ("title", "Thrace Productivity Platform — event streams"),
                        ("version", DOCUMENT_VERSION),
                        ("description", DESCRIPTION),
                        ("license", {"name": "Proprietary — Thrace Productivity Platform"}),
                        (
                            "tags",
                            [
                                {
                                    "name": "public",
                                    "description": "tvp.public.* — for other chambers, no personal data",
                                },
                                {"name": "internal", "description": "the services' own topics"},
                            ],
                        ),
                    ]
                ),
            ),
            ("defaultContentType", CONTENT_TYPE),
            ("servers", SERVERS),
            ("channels", channels),
            ("operations", operations),
            (
                "components",
                OrderedDict(
                    [
                        ("schemas", schemas),
                        ("messages", messages),
                        (
                            "securitySchemes",
                            {
                                "chamberScram": {
                                    "type": "scramSha512",
                                    "description": CHAMBER_SCRAM,
                                }
                            },
                        ),
                        (
                            "correlationIds",
                            {
                                "correlationid": {
                                    "description": "The request's X-Correlation-Id, carried by every event it causes.",
                                    "location": "$message.payload#/correlationid",
                                }
                            },
                        ),
                    ]
                ),
            ),
        ]
    )


def _plain(node):
    """OrderedDicts (and tuples) to plain JSON types, for dumping."""
    return json.loads(json.dumps(node, ensure_ascii=False))


def to_json(document: dict) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def to_yaml(document: dict) -> str:
    import yaml

    class Dumper(yaml.SafeDumper):
        pass

    def text(dumper, value: str):
        style = "|" if "\n" in value else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    Dumper.add_representer(str, text)
    header = (
        "# GENERATED by `tvp asyncapi` from the event registry (shared/contracts) — do not edit.\n"
        "# AsyncAPI 3.0.0; the same document is served at /api/v1/asyncapi.json by every service.\n"
    )
    return header + yaml.dump(_plain(document), Dumper=Dumper, sort_keys=False, allow_unicode=True, width=100)


def types_table(registry: EventRegistry) -> str:
    """The Markdown table of docs/events.md: every topic in declaration order, its types and what they say."""
    by_topic: dict[str, list[EventSpec]] = {}
    for spec in registry:
        by_topic.setdefault(spec.topic, []).append(spec)
    rows = ["| topic | type | what happened |", "|---|---|---|"]
    internal = [t for t in by_topic if not _is_public(t)]
    for topic in internal + [t for t in by_topic if _is_public(t)]:
        rows += [f"| `{topic}` | `{s.type}` | {s.summary} |" for s in sorted(by_topic[topic], key=lambda s: s.type)]
    return "\n".join(rows)
