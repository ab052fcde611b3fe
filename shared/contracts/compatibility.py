"""The compatibility gate: does the current AsyncAPI document still honour the last published one?

Every message (event type) of the published document is looked up in the current one and
its payload (`data`) compared field by field, under the rule of its topic:

FULL (public topics, `tvp.public.*`): what other chambers built on a `vN` keeps working in
both directions. A field may be added only as optional (not required); no field is
removed, renamed or retyped; null is neither newly allowed nor forbidden; required-ness
does not change either way; an enum only grows (an enum where there was none shrinks it).

BACKWARD (internal topics): the new consumer reads every old event (what the event log and
`tvp replay` hold). A new field is optional or has a default; an existing field keeps its
type (it may only widen: a type or null added, integer to number); an optional field does
not become required without a default; an enum only grows; a required field is not removed
(our consumers may use it: which of them do is not visible from the document, so every
required field counts). An optional field may be removed.

Both: a message of the published document stays in the current one, on the same topic,
until its deprecation has run out: it must have been published with `deprecated: true` and
an `x-sunset` date (shared/contracts/deprecation.py) that has passed. Anything else is a
new `vN` type (for public topics on a new `.vN` topic).

The gate reads documents only (plain dicts as loaded from YAML/JSON), so it judges exactly
what subscribers were given. Fields are named by their path in `data` (`location.city`,
`indicators[].code`, `by_gender{}`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from .topics import PUBLIC_PREFIX

FULL = "FULL"
BACKWARD = "BACKWARD"

# Type changes a reader of the older type still understands (BACKWARD only).
WIDER = {"integer": {"number"}}


@dataclass(frozen=True)
class Break:
    message: str
    field: str  # path in the payload; "" for the message itself
    rule: str  # "FULL: ..." or "BACKWARD: ..."
    detail: str

    def __str__(self) -> str:
        return f"{self.message}: {self.field or '(message)'}: {self.rule} ({self.detail})"


def mode_of(topic: str) -> str:
    return FULL if topic.startswith(PUBLIC_PREFIX) else BACKWARD


@dataclass
class _Shape:
    """One JSON Schema node with references resolved and nullability taken apart."""

    types: set[str] = field(default_factory=set)
    nullable: bool = False
    enum: set | None = None
    properties: dict = field(default_factory=dict)
    required: set[str] = field(default_factory=set)
    items: dict | None = None
    values: dict | None = None  # additionalProperties as a schema: a map's values
    has_default: bool = False


class _Document:
    def __init__(self, document: dict):
        self.document = document

    def resolve(self, node: dict) -> dict:
        seen = 0
        while isinstance(node, dict) and "$ref" in node:
            node = self._pointer(node["$ref"])
            seen += 1
            if seen > 50:
                raise ValueError("reference cycle")
        return node

    def _pointer(self, ref: str) -> dict:
        if not ref.startswith("#/"):
            raise ValueError(f"only local references are followed, not {ref}")
        node = self.document
        for part in ref[2:].split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node

    def shape(self, node: dict) -> _Shape:
        node = self.resolve(node)
        shape = _Shape(has_default="default" in node)
        for option in node.get("anyOf") or node.get("oneOf") or []:
            option = self.resolve(option)
            if option.get("type") == "null":
                shape.nullable = True
            else:
                node = {**option, **{k: v for k, v in node.items() if k not in ("anyOf", "oneOf")}}
        types = node.get("type")
        for name in [types] if isinstance(types, str) else types or []:
            if name == "null":
                shape.nullable = True
            else:
                shape.types.add(name)
        if "enum" in node:
            shape.enum = {value for value in node["enum"] if value is not None}
            shape.nullable = shape.nullable or None in node["enum"]
        shape.properties = node.get("properties") or {}
        shape.required = set(node.get("required") or [])
        shape.items = node.get("items")
        if isinstance(node.get("additionalProperties"), dict):
            shape.values = node["additionalProperties"]
        return shape

    def messages(self) -> dict[str, tuple[str, dict]]:
        """type -> (topic, message object) for every message reachable from a channel."""
        found = {}
        for name, channel in (self.document.get("channels") or {}).items():
            topic = channel.get("address") or name
            for ref in (channel.get("messages") or {}).values():
                message = self.resolve(ref)
                found[str(message.get("name"))] = (topic, message)
        return found

    def payload(self, message: dict) -> dict:
        """The schema of the message's `data` (the part after the CloudEvents envelope)."""
        payload = self.resolve(message["payload"])
        for part in payload.get("allOf", [payload]):
            data = self.resolve(part).get("properties", {}).get("data")
            if data is not None and data != {"type": "object"}:
                return data
        raise ValueError(f"message {message.get('name')} has no data schema")


class _Comparison:
    def __init__(self, old: _Document, new: _Document, message: str, mode: str):
        self.old, self.new, self.message, self.mode = old, new, message, mode
        self.breaks: list[Break] = []

    def brk(self, path: str, rule: str, detail: str) -> None:
        self.breaks.append(Break(self.message, path, f"{self.mode}: {rule}", detail))

    def node(self, old_node: dict, new_node: dict, path: str) -> None:
        old, new = self.old.shape(old_node), self.new.shape(new_node)
        self.types(old, new, path)
        self.nulls(old, new, path)
        self.enum(old, new, path)
        if old.properties or new.properties:
            self.properties(old, new, path)
        if old.items is not None and new.items is not None:
            self.node(old.items, new.items, f"{path}[]")
        if old.values is not None and new.values is not None:
            self.node(old.values, new.values, f"{path}{{}}")

    def types(self, old: _Shape, new: _Shape, path: str) -> None:
        if not old.types or not new.types or old.types == new.types:
            return  # an untyped schema accepts anything: nothing to compare
        widened = all(t in new.types or WIDER.get(t, set()) & new.types for t in old.types)
        if self.mode == FULL or not widened:
            self.brk(path, "retyped", f"{'/'.join(sorted(old.types))} became {'/'.join(sorted(new.types))}")

    def nulls(self, old: _Shape, new: _Shape, path: str) -> None:
        if old.nullable and not new.nullable:
            self.brk(path, "null no longer allowed", "old events may carry null")
        elif new.nullable and not old.nullable and self.mode == FULL:
            self.brk(path, "null newly allowed", "readers of the published version do not expect null")

    def enum(self, old: _Shape, new: _Shape, path: str) -> None:
        if new.enum is None:
            return
        if old.enum is None:
            self.brk(path, "enum introduced", f"only {sorted(new.enum, key=str)} allowed now")
        elif old.enum - new.enum:
            self.brk(path, "enum shrank", f"{sorted(old.enum - new.enum, key=str)} removed")

    def properties(self, old: _Shape, new: _Shape, prefix: str) -> None:
        for name, old_node in old.properties.items():
            path = f"{prefix}.{name}" if prefix else name
            if name not in new.properties:
                if self.mode == FULL:
                    self.brk(path, "field removed", "published fields stay (a rename is a removal)")
                elif name in old.required:
                    self.brk(path, "required field removed", "consumers may rely on it")
                continue
            was, now = name in old.required, name in new.required
            if was and not now and self.mode == FULL:
                self.brk(path, "required-ness loosened", "readers of the published version expect it")
            elif now and not was and (self.mode == FULL or not self.new.shape(new.properties[name]).has_default):
                self.brk(path, "required-ness tightened", "old events may lack it")
            self.node(old_node, new.properties[name], path)
        for name in new.properties.keys() - old.properties.keys():
            if name not in new.required:
                continue
            path = f"{prefix}.{name}" if prefix else name
            if self.mode == FULL:
                self.brk(path, "new field is required", "additions must be optional")
            elif not self.new.shape(new.properties[name]).has_default:
                self.brk(path, "new field is required without a default", "old events lack it")


def compare(published: dict, current: dict, today: date) -> list[Break]:
    """Every way `current` breaks what `published` promised; empty when it is compatible."""
    old, new = _Document(published), _Document(current)
    now = new.messages()
    breaks: list[Break] = []
    for type_, (topic, message) in old.messages().items():
        mode = mode_of(topic)
        if type_ not in now:
            breaks += _removal(type_, message, mode, today)
            continue
        new_topic, new_message = now[type_]
        if new_topic != topic:
            breaks.append(Break(type_, "", f"{mode}: moved", f"from topic {topic} to {new_topic}"))
            continue
        comparison = _Comparison(old, new, type_, mode)
        comparison.node(old.payload(message), new.payload(new_message), "")
        breaks += comparison.breaks
    return breaks


def _removal(type_: str, message: dict, mode: str, today: date) -> list[Break]:
    sunset = message.get("x-sunset")
    if not message.get("deprecated") or not sunset:
        return [Break(type_, "", f"{mode}: message removed", "it was never published as deprecated with a sunset")]
    if today <= date.fromisoformat(str(sunset)):
        return [Break(type_, "", f"{mode}: message removed", f"its deprecation runs until {sunset}")]
    return []
