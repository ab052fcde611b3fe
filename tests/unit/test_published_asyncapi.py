"""The compatibility gate on the real documents: the registry's document against the last published one
(docs/asyncapi/), so that `make test` fails on an incompatible payload change; and `tvp asyncapi --check`
and `--publish` around it."""
from __future__ import annotations

import copy
from datetime import date
from pathlib import Path

import pytest

from infra.cli import main
from shared.asyncapi import DOCUMENT_VERSION, _plain, build_document, to_yaml
from shared.contracts import REGISTRY, events, public, published
from shared.contracts.deprecation import DEPRECATED
from shared.contracts.published import gate, load, versions

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def current() -> dict:
    return _plain(build_document(REGISTRY))


def test_the_current_document_honours_the_last_published_one(current):
    version, breaks = gate(current, date.today())
    assert version == versions()[-1]
    assert breaks == [], "\n".join(map(str, breaks))


def test_every_published_document_names_its_version_and_the_first_is_kept():
    assert versions()[0] == "1.0.0"
    for version in versions():
        assert load(version)["info"]["version"] == version
    assert DOCUMENT_VERSION not in versions() or load(DOCUMENT_VERSION) == _plain(build_document(REGISTRY))


def test_a_breaking_change_of_a_real_payload_fails_the_gate(current):
    broken = copy.deepcopy(current)
    meeting = broken["components"]["schemas"]["PublicMeetingPayload"]
    del meeting["properties"]["city"]
    meeting["properties"]["status"]["enum"].remove("cancelled")
    _, breaks = gate(broken, date.today())
    assert {(b.message, b.field, b.rule) for b in breaks} == {
        (public.MEETING_PUBLISHED, "city", "FULL: field removed"),
        (public.MEETING_PUBLISHED, "status", "FULL: enum shrank"),
    }


def test_an_additive_change_of_a_real_payload_passes_the_gate(current):
    grown = copy.deepcopy(current)
    grown["components"]["schemas"]["PublicMeetingPayload"]["properties"]["online"] = {"type": ["boolean", "null"]}
    grown["components"]["schemas"]["ReportSubmittedPayload"]["properties"]["note"] = {"type": ["string", "null"]}
    assert gate(grown, date.today())[1] == []


def test_dropping_the_deprecated_v1_type_waits_for_its_sunset(current):
    message = current["components"]["messages"][events.SCHEDULED_V1]
    sunset = DEPRECATED[events.SCHEDULED_V1].sunset
    assert message["deprecated"] is True and message["x-sunset"] == sunset.isoformat()
    assert message["x-successor"] == events.SCHEDULED
    without = copy.deepcopy(current)
    del without["channels"][events.MEETINGS]["messages"][events.SCHEDULED_V1]
    [found] = gate(without, sunset)[1]
    assert (found.message, found.rule) == (events.SCHEDULED_V1, "BACKWARD: message removed")
    # 1.0.0 published it without a sunset, so even after the sunset it may go only once a document with the
    # sunset is published: the gate compares with the last published document
    assert "never published as deprecated" in found.detail


def test_a_changed_document_must_not_keep_a_published_version(current, tmp_path):
    (tmp_path / f"{DOCUMENT_VERSION}.yaml").write_text(to_yaml(current), encoding="utf-8")
    assert gate(current, date.today(), tmp_path)[1] == []  # the YAML file reads back as the same document
    changed = copy.deepcopy(current)
    changed["info"]["description"] += "\nMore."
    [found] = gate(changed, date.today(), tmp_path)[1]
    assert (found.field, found.rule) == ("info.version", "published documents are frozen")


def run(capsys, *args: str) -> tuple[int, str]:
    """`tvp ARGS` in this process: its exit code and everything it wrote (stdout and stderr)."""
    code = main(list(args))
    written = capsys.readouterr()
    return code, written.out + written.err


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)  # the generated documents are checked where they live
    monkeypatch.setattr(published, "FOLDER", tmp_path)
    return tmp_path


def test_check_reports_a_break_naming_message_field_and_rule(folder, current, capsys):
    promised = copy.deepcopy(current)
    promised["info"]["version"] = "1.0.0"
    report = promised["components"]["schemas"]["PublicReportPayload"]
    report["properties"]["currency"] = {"type": "string"}
    report["required"].append("currency")
    (folder / "1.0.0.yaml").write_text(to_yaml(promised), encoding="utf-8")
    code, output = run(capsys, "asyncapi", "--check")
    assert code != 0
    assert f"{public.REPORT_PUBLISHED}: currency: FULL: field removed" in output


def test_check_passes_and_names_the_published_version(folder, current, capsys):
    (folder / "1.0.0.yaml").write_text((ROOT / "docs/asyncapi/1.0.0.yaml").read_text(encoding="utf-8"))
    code, output = run(capsys, "asyncapi", "--check")
    assert code == 0, output
    assert "compatible with published 1.0.0" in output


def test_publish_keeps_the_current_document_once(folder, current, capsys):
    (folder / "1.0.0.yaml").write_text((ROOT / "docs/asyncapi/1.0.0.yaml").read_text(encoding="utf-8"))
    code, output = run(capsys, "asyncapi", "--publish", "9.9.9")
    assert code != 0 and f"version {DOCUMENT_VERSION}, not 9.9.9" in output
    code, output = run(capsys, "asyncapi", "--publish", DOCUMENT_VERSION)
    assert code == 0, output
    assert load(DOCUMENT_VERSION, folder) == current
    code, output = run(capsys, "asyncapi", "--publish", DOCUMENT_VERSION)
    assert code == 0 and "already published, unchanged" in output
