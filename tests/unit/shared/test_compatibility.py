"""The compatibility gate judged on documents built from small registries: a published payload, then a change.

Each breaking change must be reported naming the message, the field and the rule; each additive one must pass.
"""
from __future__ import annotations

from datetime import date

import pytest
from marshmallow import Schema, fields, validate

from shared.asyncapi import _plain, build_document
from shared.contracts.compatibility import BACKWARD, FULL, compare
from shared.messaging.registry import EventRegistry

INTERNAL_TYPE, INTERNAL_TOPIC = "tr.tvp.events.meeting.noted.v1", "tvp.events.meetings"
PUBLIC_TYPE, PUBLIC_TOPIC = "tr.tvp.events.meeting.shown.v1", "tvp.public.meetings.v1"
TODAY = date(2026, 11, 29)


class Place(Schema):
    city = fields.String(allow_none=True)
    province = fields.String(required=True)


class Published(Schema):
    id = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(["workshop", "training"]))
    title = fields.String(required=True)
    note = fields.String(allow_none=True)
    capacity = fields.Integer(allow_none=True)
    themes = fields.List(fields.String(validate=validate.OneOf(["energy", "waste"])), required=True)
    place = fields.Nested(Place, required=True)


def document(schema, topic: str, type_: str) -> dict:
    registry = EventRegistry()
    registry.register(type_, topic, schema, "test")
    return _plain(build_document(registry))


def changed(**fields_) -> type[Schema]:
    """`Published` with fields replaced (a field set to None is removed)."""
    declared = {name: field for name, field in Published._declared_fields.items()}
    for name, field in fields_.items():
        if field is None:
            declared.pop(name)
        else:
            declared[name] = field
    return Schema.from_dict(declared, name="Changed")


def breaks(new_schema, public: bool) -> list:
    topic, type_ = (PUBLIC_TOPIC, PUBLIC_TYPE) if public else (INTERNAL_TOPIC, INTERNAL_TYPE)
    return compare(document(Published, topic, type_), document(new_schema, topic, type_), TODAY)


def described(found) -> list[tuple[str, str, str]]:
    return [(b.message, b.field, b.rule) for b in found]


BOTH = pytest.mark.parametrize("public", [False, True], ids=["internal", "public"])


def test_the_same_schema_passes_under_both_rules():
    assert breaks(Published, public=False) == [] and breaks(Published, public=True) == []


@BOTH
def test_an_optional_field_added_is_compatible(public):
    assert breaks(changed(venue=fields.String(allow_none=True)), public) == []


@BOTH
def test_an_enum_that_grows_is_compatible(public):
    grown = fields.String(required=True, validate=validate.OneOf(["workshop", "training", "conference"]))
    assert breaks(changed(kind=grown), public) == []


def test_a_removed_required_field_breaks_both_rules_and_is_named():
    assert described(breaks(changed(title=None), public=False)) == [
        (INTERNAL_TYPE, "title", f"{BACKWARD}: required field removed")]
    assert described(breaks(changed(title=None), public=True)) == [(PUBLIC_TYPE, "title", f"{FULL}: field removed")]


def test_a_removed_optional_field_breaks_only_a_public_topic():
    assert breaks(changed(note=None), public=False) == []
    assert described(breaks(changed(note=None), public=True)) == [(PUBLIC_TYPE, "note", f"{FULL}: field removed")]


def test_a_rename_is_a_removal():
    found = breaks(changed(title=None, name=fields.String(required=True)), public=True)
    assert (PUBLIC_TYPE, "title", f"{FULL}: field removed") in described(found)
    assert (PUBLIC_TYPE, "name", f"{FULL}: new field is required") in described(found)


@BOTH
def test_a_retyped_field_breaks(public):
    rule = FULL if public else BACKWARD
    [found] = breaks(changed(capacity=fields.String(allow_none=True)), public)
    assert (found.field, found.rule) == ("capacity", f"{rule}: retyped")
    assert "integer became string" in str(found) and found.message in str(found)


def test_widening_a_type_or_allowing_null_is_backward_but_not_full():
    number = changed(capacity=fields.Float(allow_none=True))
    assert breaks(number, public=False) == []
    assert described(breaks(number, public=True)) == [(PUBLIC_TYPE, "capacity", f"{FULL}: retyped")]
    nullable = changed(title=fields.String(required=True, allow_none=True))
    assert breaks(nullable, public=False) == []
    assert described(breaks(nullable, public=True)) == [(PUBLIC_TYPE, "title", f"{FULL}: null newly allowed")]


@BOTH
def test_null_no_longer_allowed_breaks(public):
    found = breaks(changed(note=fields.String()), public)
    assert [(b.field, b.rule.split(": ")[1]) for b in found] == [("note", "null no longer allowed")]


@BOTH
def test_an_enum_that_shrinks_breaks_also_inside_a_list(public):
    shrunk = changed(themes=fields.List(fields.String(validate=validate.OneOf(["energy"])), required=True))
    [found] = breaks(shrunk, public)
    assert (found.field, found.rule.split(": ")[1]) == ("themes[]", "enum shrank") and "waste" in found.detail


@BOTH
def test_an_enum_where_there_was_none_breaks(public):
    [found] = breaks(changed(title=fields.String(required=True, validate=validate.OneOf(["a"]))), public)
    assert (found.field, found.rule.split(": ")[1]) == ("title", "enum introduced")


def test_a_new_required_field_breaks_unless_internal_and_defaulted():
    required = changed(venue=fields.String(required=True))
    assert described(breaks(required, public=False)) == [
        (INTERNAL_TYPE, "venue", f"{BACKWARD}: new field is required without a default")]
    assert described(breaks(required, public=True)) == [(PUBLIC_TYPE, "venue", f"{FULL}: new field is required")]
    # marshmallow never declares a defaulted field required; a hand-written schema may: old events read with it
    published = document(Published, INTERNAL_TOPIC, INTERNAL_TYPE)
    current = document(required, INTERNAL_TOPIC, INTERNAL_TYPE)
    current["components"]["schemas"]["Changed"]["properties"]["venue"]["default"] = "online"
    assert compare(published, current, TODAY) == []
    published = document(Published, PUBLIC_TOPIC, PUBLIC_TYPE)
    current = document(required, PUBLIC_TOPIC, PUBLIC_TYPE)
    current["components"]["schemas"]["Changed"]["properties"]["venue"]["default"] = "online"
    assert described(compare(published, current, TODAY)) == [(PUBLIC_TYPE, "venue", f"{FULL}: new field is required")]


def test_required_ness_loosened_breaks_only_full_and_tightened_breaks_both():
    loosened = changed(title=fields.String())
    assert breaks(loosened, public=False) == []
    assert described(breaks(loosened, public=True)) == [(PUBLIC_TYPE, "title", f"{FULL}: required-ness loosened")]
    tightened = changed(note=fields.String(required=True, allow_none=True))
    assert described(breaks(tightened, public=False)) == [
        (INTERNAL_TYPE, "note", f"{BACKWARD}: required-ness tightened")]
    assert described(breaks(tightened, public=True)) == [(PUBLIC_TYPE, "note", f"{FULL}: required-ness tightened")]


@BOTH
def test_changes_inside_a_nested_object_are_named_by_their_path(public):
    class Moved(Schema):
        city = fields.Integer(allow_none=True)

    found = breaks(changed(place=fields.Nested(Moved, required=True)), public)
    named = {(b.field, b.rule.split(": ")[1]) for b in found}
    assert ("place.city", "retyped") in named
    assert ("place.province", "field removed" if public else "required field removed") in named


def test_a_message_disappears_only_after_its_published_sunset():
    published = document(Published, INTERNAL_TOPIC, INTERNAL_TYPE)
    empty = document(Place, INTERNAL_TOPIC, "tr.tvp.events.meeting.other.v1")
    [found] = compare(published, empty, TODAY)
    assert (found.message, found.field, found.rule) == (INTERNAL_TYPE, "", f"{BACKWARD}: message removed")
    assert "never published as deprecated" in found.detail
    message = published["components"]["messages"][INTERNAL_TYPE]
    message.update({"deprecated": True, "x-sunset": "2027-11-29"})
    [found] = compare(published, empty, TODAY)
    assert "runs until 2027-11-29" in found.detail
    assert compare(published, empty, date(2027, 11, 30)) == []


def test_a_message_moved_to_another_topic_breaks():
    published = document(Published, PUBLIC_TOPIC, PUBLIC_TYPE)
    moved = document(Published, "tvp.public.meetings.v2", PUBLIC_TYPE)
    assert described(compare(published, moved, TODAY)) == [(PUBLIC_TYPE, "", f"{FULL}: moved")]
