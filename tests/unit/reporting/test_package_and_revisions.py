"""The streamed ZIP, the frozen manifest and the revision chain, against the fakes."""
from __future__ import annotations

import hashlib
import io
import json
import zipfile

import pytest

from services.reporting.service_layer import package, reports, revisions
from services.reporting.service_layer.commands import CreateReport, ReviseReport, SubmitReport, UpdateReport
from services.reporting.service_layer.zip_stream import stream_zip
from shared.concurrency import Precondition
from shared.errors import Conflict, PreconditionFailed

from .test_report_use_cases import CAUSE, OFFICER, uow  # noqa: F401 (uow: a fixture)


@pytest.fixture
def quick_files(monkeypatch):
    """Stand-ins for the PDF and XLSX (their rendering is tested with the exports): bytes that name the
    report's state, so a manifest still hashes what it froze."""
    def rendered(report):
        state = json.dumps([report["_id"], report["status"], report.get("revision")]).encode()
        return [("report.pdf", b"%PDF " + state, "application/pdf"), ("report.xlsx", b"PK " + state, "x/xlsx")]
    monkeypatch.setattr(package, "rendered", rendered)


def test_the_zip_is_streamed_in_chunks_deterministic_and_readable():
    big = bytes(range(256)) * 4096  # 1 MiB
    entries = lambda: [("manifest.json", [b"{}"]), ("a.pdf", [big, big]), ("evidence/b.jpg", iter([b"x"]))]  # noqa: E731
    chunks = list(stream_zip(entries()))
    assert len(chunks) > 4 and max(len(c) for c in chunks) < 1_100_000  # never the whole archive at once
    data = b"".join(chunks)
    assert data == b"".join(stream_zip(entries()))
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.testzip() is None and archive.namelist() == ["manifest.json", "a.pdf", "evidence/b.jpg"]
    assert archive.read("a.pdf") == big * 2
    assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_a_package_s_entry_names_cannot_leave_its_folder():
    assert package.safe_name("../../etc/passwd") == "passwd"
    assert package.safe_name("C:\\fatura 017.pdf") == "fatura_017.pdf"
    assert package.safe_name("") == "file"


def test_narrative_is_written_on_drafts_only_and_with_a_current_version(uow, quick_files):  # noqa: F811
    report = reports.create(uow, CreateReport("2026-Q3", "interim"), OFFICER, CAUSE)
    text = {"summary": {"tr": "Özet", "en": "Summary"}}
    with pytest.raises(PreconditionFailed):
        reports.update(uow, UpdateReport(report["_id"], text, Precondition(versions=frozenset({7}))), OFFICER, CAUSE)
    written = reports.update(uow, UpdateReport(report["_id"], text, Precondition(versions=frozenset({1}))),
                             OFFICER, CAUSE)
    assert written["narrative"]["summary"] == {"tr": "Özet", "en": "Summary"}
    assert written["narrative"]["challenges"] == {"tr": "", "en": ""} and written["draft_version"] == 2
    reports.submit(uow, SubmitReport(report["_id"]), OFFICER, CAUSE)
    with pytest.raises(Conflict):
        reports.update(uow, UpdateReport(report["_id"], text), OFFICER, CAUSE)


def test_revisions_chain_their_manifests_and_only_the_latest_is_revised(uow, quick_files):  # noqa: F811
    first = reports.create(uow, CreateReport("2026-Q3", "interim"), OFFICER, CAUSE)
    with pytest.raises(Conflict, match="only a submitted report"):
        revisions.revise(uow, ReviseReport(first["_id"], "early"), OFFICER, CAUSE)
    chain = [reports.submit(uow, SubmitReport(first["_id"]), OFFICER, CAUSE)]
    for n in (2, 3):
        draft = revisions.revise(uow, ReviseReport(chain[-1]["_id"], f"fix {n}"), OFFICER, CAUSE)
        assert (draft["revision"], draft["revision_of"], draft["previous_sha256"]) == (
            n, chain[-1]["_id"], chain[-1]["sha256"])
        with pytest.raises(Conflict, match="revised already"):
            revisions.revise(uow, ReviseReport(chain[-1]["_id"], "again"), OFFICER, CAUSE)
        chain.append(reports.submit(uow, SubmitReport(draft["_id"]), OFFICER, CAUSE))
    previous = None
    for version in chain:
        manifest = package.frozen_manifest(uow, version)
        assert hashlib.sha256(manifest).hexdigest() == version["sha256"]
        assert json.loads(manifest)["previous_sha256"] == previous
        previous = version["sha256"]
    submitted = [e for e in uow.events if e.type.endswith("report.submitted.v1")]
    assert [(e.data["revision"], e.data["previous_sha256"]) for e in submitted] == [
        (1, None), (2, chain[0]["sha256"]), (3, chain[1]["sha256"])]
    assert [v.data["changes"] for v in uow.reports.public] == [["submitted"], ["revised"], ["revised"]]
    assert all("reason" not in v.data for v in uow.reports.public)
