"""The AsyncAPI document: generated from the registry, valid against the official AsyncAPI 3.0.0 schema.

Where tests/unit/data/asyncapi-3.0.0.json comes from
----------------------------------------------------
The official AsyncAPI 3.0.0 JSON Schema, vendored byte for byte from the npm package
``@asyncapi/specs`` version 6.11.1 (published 2026-03-05; tarball specs-6.11.1.tgz, npm
shasum c629fe962a241a983f883a56b0e9c901a311becb, integrity
sha512-A3WBLqAKGoJ2+6FWFtpjBlCQ1oFCcs4GxF7zsIGvNqp/klGUHjlA3aAcZ9XMMpLGE8zPeYDz2x9FmO6DSuKraQ==),
file ``package/schemas/3.0.0-without-$id.json`` — the bundled variant whose references are
local (``#/definitions/...``), so no network is needed to resolve them. JSON Schema
draft-07. Obtained with ``npm pack @asyncapi/specs@6.11.1``. To move to a newer package,
replace the file, update this note and SCHEMA_SHA256.
"""
from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft7Validator, Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from shared.asyncapi import _plain, build_document, to_yaml, types_table
from shared.contracts import REGISTRY, topics
from shared.contracts import public as public_contract
from shared.messaging.envelope import CONTENT_TYPE

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_FILE = Path(__file__).resolve().parent / "data" / "asyncapi-3.0.0.json"
SCHEMA_SHA256 = "abe96881dbfaad495ccbb6bd8d3fb43ca18a13b9d7564849ccb66f39d5e5b20f"
SPECS_PACKAGE_VERSION = "6.11.1"


@pytest.fixture(scope="module")
def document() -> dict:
    return _plain(build_document(REGISTRY))


@pytest.fixture(scope="module")
def validator() -> Draft7Validator:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    Draft7Validator.check_schema(schema)
    return Draft7Validator(schema)


def _errors(validator, document) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message[:300]}"
            for e in sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))]


# ----------------------------------------------------------------------------- the official schema

def test_vendored_schema_is_the_recorded_file():
    digest = hashlib.sha256(SCHEMA_FILE.read_bytes()).hexdigest()
    assert digest == SCHEMA_SHA256, (f"asyncapi-3.0.0.json changed: it must be @asyncapi/specs "
                                     f"{SPECS_PACKAGE_VERSION} schemas/3.0.0-without-$id.json")
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert schema["title"] == "AsyncAPI 3.0.0 schema."
    assert schema["properties"]["asyncapi"]["const"] == "3.0.0"


def test_generated_document_is_valid_asyncapi_3(validator, document):
    assert document["asyncapi"] == "3.0.0"
    assert _errors(validator, document) == []


def test_the_committed_yaml_is_valid_and_current(validator, document):
    path = ROOT / "docs" / "asyncapi.yaml"
    text = path.read_text(encoding="utf-8")
    assert _errors(validator, yaml.safe_load(text)) == []
    assert text == to_yaml(build_document(REGISTRY)), \
        "docs/asyncapi.yaml is not what the registry generates: run `tvp asyncapi` and commit the result"


def test_the_type_table_of_the_event_reference_is_current():
    reference = (ROOT / "docs" / "events.md").read_text(encoding="utf-8")
    block = reference.split("<!-- types:begin -->\n", 1)[1].split("\n<!-- types:end -->", 1)[0]
    assert block == types_table(REGISTRY), \
        "the type table of docs/events.md is not what the registry generates: run `tvp asyncapi`"


@pytest.mark.parametrize("mutate", [
    pytest.param(lambda d: d["operations"]["publish.tvp.public.meetings.v1"].update(action="publish"),
                 id="AsyncAPI 2 verb"),
    pytest.param(lambda d: d.update(asyncapi="2.6.0"), id="wrong version"),
    pytest.param(lambda d: d["channels"]["tvp.public.members.v1"]["bindings"]["kafka"].update(partitions=0),
                 id="kafka binding"),
    pytest.param(lambda d: d["components"]["messages"]["tr.tvp.events.meeting.published.v1"].update(topic="x"),
                 id="unknown message field"),
    pytest.param(lambda d: d["components"]["schemas"]["PublicMeetingPayload"].update(required="id"),
                 id="broken payload schema"),
    pytest.param(lambda d: d["components"]["securitySchemes"]["chamberScram"].update(type="scram"),
                 id="unknown security scheme"),
])
def test_the_official_schema_catches_broken_documents(validator, document, mutate):
    broken = copy.deepcopy(document)
    mutate(broken)
    assert _errors(validator, broken), "the AsyncAPI schema accepted a broken document"


# ----------------------------------------------------------------------------- generated from the registry

def _pointer(document: dict, ref: str):
    assert ref.startswith("#/"), ref
    node = document
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        assert isinstance(node, dict) and part in node, f"unresolved $ref {ref}"
        node = node[part]
    return node


def _refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def test_every_reference_resolves(document):
    refs = list(_refs(document))
    assert len(refs) > 50
    for ref in refs:
        _pointer(document, ref)


def test_every_registered_type_is_a_message_on_its_topic(document):
    for spec in REGISTRY:
        channel = document["channels"][spec.topic]
        assert channel["address"] == spec.topic
        assert channel["messages"][spec.type] == {"$ref": f"#/components/messages/{spec.type}"}
        message = document["components"]["messages"][spec.type]
        assert message["contentType"] == CONTENT_TYPE
        assert message["bindings"]["kafka"]["key"]["type"] == "string"
        assert message["headers"]["properties"]["content-type"]["const"] == CONTENT_TYPE
        operation = document["operations"][f"publish.{spec.topic}"]
        assert {"$ref": f"#/channels/{spec.topic}/messages/{spec.type}"} in operation["messages"]
    assert set(topics.PUBLIC) <= set(document["channels"])
    assert set(document["channels"]) <= set(topics.INTERNAL + topics.PUBLIC)
    for topic in topics.PUBLIC:
        assert document["channels"][topic]["tags"] == [{"name": "public"}]
        assert "servers" not in document["channels"][topic], "public topics are on every server, external too"
    for topic in set(document["channels"]) & set(topics.INTERNAL):
        servers = [s["$ref"] for s in document["channels"][topic]["servers"]]
        assert "#/servers/external" not in servers


def _payload_validator(document: dict, type_: str):
    registry = Registry().with_resource("urn:tvp:asyncapi",
                                        Resource.from_contents(document, default_specification=DRAFT202012))
    schema = {"$ref": f"urn:tvp:asyncapi#/components/messages/{type_}/payload"}
    return Draft202012Validator(schema, registry=registry)


ORGANISATION = {"id": "o1", "name": "Keşan Ticaret ve Sanayi Odası", "short_name": "Keşan TSO", "kind": "chamber",
                "province": "Edirne", "district": "Keşan", "region": "TR21", "nace_code": None, "size_class": None,
                "is_sme": False, "website": "https://kesantso.org.tr", "status": "active",
                "member_since": "2026-01-05T10:00:00+03:00", "changes": ["membership_changed"]}
MEETING = {"id": "m1", "kind": "workshop", "title": "Endüstriyel simbiyoz atölyesi", "body": None, "sequence": None,
           "host_organisation_id": "o1", "city": "Keşan", "province": "Edirne",
           "starts_at": "2026-10-01T10:00:00+03:00", "ends_at": "2026-10-01T16:00:00+03:00",
           "themes": ["industrial_symbiosis"], "capacity": 30, "status": "held", "registrations": 2, "waitlisted": 0,
           "held_at": "2026-10-01T16:05:00+03:00",
           "attendance": {"attendances": 2, "by_gender": {"female": 1, "male": 1}, "by_province": {"Edirne": 2},
                          "by_organisation_kind": {"company": 2}, "by_size_class": {"small": 2},
                          "distinct_organisations": 1, "distinct_smes": 1},
           "quorum": None, "decisions": 0, "changes": ["held"]}
REPORT = {"id": "r1", "period": "2026-Q3", "kind": "interim", "period_start": "2026-07-01", "period_end": "2026-09-30",
          "submitted_at": "2026-10-02T09:00:00+03:00", "sha256": "a" * 64,
          "indicators": [{"code": "OI.1", "name": "active member organisations", "unit": "organisations",
                          "value": 12, "cumulative": 12, "target": 40, "percent_of_target": 30.0,
                          "breakdowns": {"kind": {"chamber": 4, "company": 8}}}],
          "changes": ["submitted"]}
SAMPLES = {public_contract.ORGANISATION_PUBLISHED: ("o1", ORGANISATION),
           public_contract.MEETING_PUBLISHED: ("m1", MEETING),
           public_contract.REPORT_PUBLISHED: ("r1", REPORT)}


@pytest.mark.parametrize("type_", sorted(SAMPLES))
def test_real_public_events_match_their_message_schema(document, type_):
    key, data = SAMPLES[type_]
    event = REGISTRY.build(type_, key, 3, data, correlation_id="c1")
    body = json.loads(event.to_json_bytes())
    validator = _payload_validator(document, type_)
    assert list(validator.iter_errors(body)) == []
    # The published schema refuses what must never be on a public topic.
    leaky = copy.deepcopy(body)
    leaky["data"]["email"] = "ayse.yilmaz@example.org"
    assert list(validator.iter_errors(leaky)), "a public payload schema accepts an e-mail field"
    wrong_type = dict(body, type="tr.tvp.members.organisation.registered.v1")
    assert list(validator.iter_errors(wrong_type))


def test_an_internal_event_matches_its_message_schema(document):
    type_ = "tr.tvp.members.organisation.registered.v1"
    data = {k: v for k, v in ORGANISATION.items() if k not in ("member_since", "changes")}
    data |= {"tax_number": "1234567890", "email": "info@kesantso.org.tr", "employees": 12, "status": "applicant"}
    body = json.loads(REGISTRY.build(type_, "o1", 1, data, correlation_id="c1").to_json_bytes())
    assert list(_payload_validator(document, type_).iter_errors(body)) == []


# ----------------------------------------------------------------------------- no personal data, by construction

def _fields(schema_class, seen=None):
    """Every field name of a marshmallow schema and the schemas nested in it."""
    from marshmallow import fields as mfields

    seen = seen if seen is not None else set()
    if schema_class in seen:
        return
    seen.add(schema_class)
    for name, field in schema_class._declared_fields.items():
        yield field.data_key or name
        inner = field
        while isinstance(inner, mfields.List):
            inner = inner.inner
        if isinstance(inner, mfields.Nested):
            nested = inner.nested if isinstance(inner.nested, type) else type(inner.schema)
            yield from _fields(nested, seen)


def test_public_payloads_have_no_personal_fields():
    public_specs = [spec for spec in REGISTRY if spec.public]
    assert {spec.topic for spec in public_specs} == set(topics.PUBLIC)
    for spec in public_specs:
        names = set(_fields(spec.schema))
        assert not names & public_contract.FORBIDDEN_FIELDS, (spec.type, names & public_contract.FORBIDDEN_FIELDS)
        assert not {n for n in names if "person" in n or "email" in n or "phone" in n}, spec.type
        assert spec.source in ("/tvp/members", "/tvp/events", "/tvp/reporting")


def test_public_topics_have_versioning_metadata():
    for topic in topics.PUBLIC:
        meta = public_contract.TOPICS[topic]
        assert topic.endswith(".v1") and meta.since and not meta.deprecated
    assert public_contract.DEPRECATION_MONTHS >= 6
