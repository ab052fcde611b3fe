"""An AsyncAPI 3 document read for people: per topic its description, its messages and each payload field
with its type and description (`$ref`s resolved against the document's components), and an example of each
message built from its schema.

Read by the services' own AsyncAPI page (shared/web/asyncapi_page.py) and by the console's /streams page, so
both say the same as /api/v1/asyncapi.json.
"""

from __future__ import annotations

import re

def _resolve(document: dict, node: dict) -> dict:
    while isinstance(node, dict) and "$ref" in node:
        node = _lookup(document, node["$ref"])
    return node


def _lookup(document: dict, ref: str) -> dict:
    node = document
    for part in ref.lstrip("#/").split("/"):
        node = node[part]
    return node


def type_of(document: dict, schema: dict) -> str:
    """A short human name of a JSON Schema's type: `string (date-time)`, `array of Seat`, `A or null`."""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    for combinator in ("anyOf", "oneOf", "allOf"):
        if combinator in schema:
            return " or ".join(type_of(document, part) for part in schema[combinator])
    kinds = schema.get("type", "any")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    names = []
    for kind in kinds:
        if kind == "array":
            names.append("array of " + type_of(document, schema.get("items", {})))
        elif kind != "null" and "format" in schema:
            names.append(f"{kind} ({schema['format']})")
        else:
            names.append(kind)
    text = " or ".join(names)
    if "enum" in schema:
        text += ": " + ", ".join(str(v) for v in schema["enum"] if v is not None)
    elif "const" in schema:
        text += f" = {schema['const']}"
    return text


def _fields(document: dict, schema: dict) -> list[dict]:
    schema = _resolve(document, schema)
    required = set(schema.get("required", []))
    return [
        {
            "name": name,
            "type": type_of(document, prop),
            "required": name in required,
            "description": _resolve(document, prop).get("description", ""),
        }
        for name, prop in schema.get("properties", {}).items()
    ]


def _references(schema: dict) -> list[str]:
    """The component names a property's schema points to (itself, its items, its alternatives)."""
    if "$ref" in schema:
        return [schema["$ref"]]
    found = []
    for part in schema.get("anyOf", []) + schema.get("oneOf", []) + schema.get("allOf", []):
        found += _references(part)
    if isinstance(schema.get("items"), dict):
        found += _references(schema["items"])
    if isinstance(schema.get("additionalProperties"), dict):
        found += _references(schema["additionalProperties"])
    return found


def nested_schemas(document: dict, schema: dict) -> list[dict]:
    """The objects a payload's fields are made of ([{name, fields}], depth first, each once): the type column
    names them, and a reader wants their fields too."""
    found: list[dict] = []
    seen: set[str] = set()

    def walk(node: dict) -> None:
        for prop in _resolve(document, node).get("properties", {}).values():
            for ref in _references(prop):
                name = ref.rsplit("/", 1)[-1]
                if name in seen:
                    continue
                seen.add(name)
                target = _lookup(document, ref)
                if target.get("properties"):
                    found.append({"name": name, "fields": _fields(document, target)})
                    walk(target)

    walk(schema)
    return found


def _data_schema(document: dict, message: dict) -> dict:
    for part in message["payload"].get("allOf", []):
        data = part.get("properties", {}).get("data")
        if data is not None:
            return data
    return {}


# Sample values by JSON Schema format: an example reads like a real record, not like "string".
_SAMPLES = {
    "date-time": "2026-10-01T10:00:00+03:00",
    "date": "2026-10-01",
    "uuid": "0b6c2f4e-5d7a-4b1e-9c3f-2a8d6e1f7b90",
    "email": "info@example.org",
    "uri": "https://example.org",
}
_SAMPLE_ID = "9f2e4c1a7b3d4e5f8a6b0c2d1e3f4a5b"


def example(document: dict, schema: dict, name: str = ""):
    """A value that fits `schema`: its const or first enum value, every property of an object, one item of an
    array, a sample of a string's format. Made from the schema, so it cannot fall behind the document."""
    schema = _resolve(document, schema)
    if "allOf" in schema:
        merged: dict = {}
        for part in schema["allOf"]:
            value = example(document, part, name)
            if isinstance(value, dict):
                merged.update(value)
        return merged
    for combinator in ("anyOf", "oneOf"):
        if combinator in schema:
            options = [part for part in schema[combinator] if _resolve(document, part).get("type") != "null"]
            return example(document, (options or schema[combinator])[0], name)
    if "const" in schema:
        return schema["const"]
    if schema.get("enum"):
        return next((value for value in schema["enum"] if value is not None), None)
    kinds = schema.get("type", "object" if "properties" in schema else "string")
    kind = next((k for k in kinds if k != "null"), "null") if isinstance(kinds, list) else kinds
    if kind == "object":
        return {key: example(document, prop, key) for key, prop in schema.get("properties", {}).items()}
    if kind == "array":
        return [example(document, schema.get("items", {}), name)]
    if kind == "integer":
        return max(schema.get("minimum", 1), 1)
    if kind == "number":
        return 1.5
    if kind == "boolean":
        return True
    if kind == "null":
        return None
    return _string_example(schema, name)


def _string_example(schema: dict, name: str) -> str:
    if schema.get("format") in _SAMPLES:
        return _SAMPLES[schema["format"]]
    pattern = schema.get("pattern", "")
    hex_digits = re.fullmatch(r"\^\[0-9a-f\]\{(\d+)\}\$", pattern)
    if hex_digits:  # a digest (sha256)
        return ("0123456789abcdef" * 8)[: int(hex_digits.group(1))]
    if pattern.endswith("/.+$") and pattern.startswith("^"):  # "<aggregate>/<id>", the subject
        return pattern[1:-4].replace("[a-z_]+", "meeting") + "/" + _SAMPLE_ID
    if name == "id" or name.endswith("_id"):
        return _SAMPLE_ID
    return "…"


def describe(document: dict) -> dict:
    """{asyncapi, info, servers, channels: [{address, title, description, tags, deprecated, messages}], envelope}."""
    channels = []
    for address, channel in document.get("channels", {}).items():
        channel_messages = []
        for ref in channel.get("messages", {}).values():
            message = _resolve(document, ref)
            channel_messages.append(
                {
                    "name": message["name"],
                    "summary": message.get("summary", ""),
                    "fields": _fields(document, _data_schema(document, message)),
                    "nested": nested_schemas(document, _data_schema(document, message)),
                    "example": example(document, message["payload"]),
                }
            )
        channels.append(
            {
                "address": channel.get("address", address),
                "title": channel.get("title", ""),
                "description": channel.get("description", ""),
                "tags": [t["name"] for t in channel.get("tags", [])],
                "deprecated": channel.get("x-deprecated", False),
                "messages": channel_messages,
            }
        )
    envelope = document.get("components", {}).get("schemas", {}).get("CloudEvent", {})
    return dict(
        asyncapi=document.get("asyncapi"),
        info=document.get("info", {}),
        servers=document.get("servers", {}),
        channels=channels,
        envelope={"description": envelope.get("description", ""), "fields": _fields(document, envelope)},
    )
