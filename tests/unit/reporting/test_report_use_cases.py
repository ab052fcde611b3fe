"""Period reports against the fakes: drafts, recomputation, submission (report.submitted and the public view),
deletion, and their refusals."""
import hashlib
import json
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from services.reporting.service_layer import expenditures, package, projector, reports
from services.reporting.service_layer.commands import (
    CreateReport,
    DeleteReport,
    RecomputeReport,
    RecordExpenditure,
    SubmitReport,
)
from shared.auth import Principal
from shared.contracts.public import REPORT_PUBLISHED
from shared.contracts.reporting import SUBMITTED
from shared.errors import Conflict, NotFound
from shared.messaging.outbox import Causation
from shared.service_layer.messagebus import MessageBus, system_principal

from ...integration.reporting.stream import Stream
from .fakes import fake_uow
from .test_projection_use_cases import PROGRAMME, small_history

OFFICER = Principal("officer-1", "programme_officer")
CAUSE = Causation("corr-1")


@pytest.fixture
def uow():
    uow = fake_uow(PROGRAMME)
    events, _ = small_history(Stream())
    projector.project_batch(uow, events, system_principal("reporting"), CAUSE)
    expenditures.record(uow, RecordExpenditure(date(2026, 7, 2), "services", Decimal("1000"), "EUR", "Venue"),
                        OFFICER, CAUSE)
    return uow


def test_a_draft_holds_everything_its_exports_show(uow):
    report = reports.create(uow, CreateReport("2026-Q3", "interim"), OFFICER, CAUSE)
    assert (report["status"], report["revision"], report["version"], report["created_by"]) == (
        "draft", 1, 0, "officer-1")
    assert report["sha256"] == reports.sha256(report["content"])
    content = report["content"]
    assert [m["kind"] for m in content["meetings"]] == ["workshop"]
    assert content["meetings"][0]["host_name"] == "Keşan TSO" and content["meetings"][0]["attendances"] == 2
    assert content["financial"]["total_eur"] == 1000 and content["financial"]["eu_eur"] == 850
    assert {i["code"] for i in content["indicators"]} >= {"OI.1", "OI.4", "FI.1"}
    assert uow.events == []


def test_recompute_takes_in_new_figures_and_counts_the_draft_version(uow):
    report = reports.create(uow, CreateReport("2026-Q3", "interim"), OFFICER, CAUSE)
    expenditures.record(uow, RecordExpenditure(date(2026, 8, 2), "travel", Decimal("500"), "EUR", "Bus"),
                        OFFICER, CAUSE)
    again = reports.recompute(uow, RecomputeReport(report["_id"]), OFFICER, CAUSE)
    assert again["draft_version"] == 2 and again["content"]["financial"]["total_eur"] == 1500
    assert again["revision"] == 1  # a recomputation is not a revision: still the first version
    assert again["sha256"] != report["sha256"] and again["sha256"] == reports.sha256(again["content"])


def test_submit_freezes_and_announces_the_report_and_its_public_view(uow):
    report = reports.create(uow, CreateReport("2026-Q3", "interim"), OFFICER, CAUSE)
    submitted = reports.submit(uow, SubmitReport(report["_id"]), OFFICER, CAUSE)
    assert (submitted["status"], submitted["submitted_by"], submitted["version"]) == ("submitted", "officer-1", 1)
    [event] = uow.events
    assert event.type == SUBMITTED and event.subject == f"report/{report['_id']}" and event.correlationid == "corr-1"
    assert {k: event.data[k] for k in ("id", "period", "kind", "sha256", "submitted_by")} == {
        "id": report["_id"], "period": "2026-Q3", "kind": "interim", "sha256": submitted["sha256"],
        "submitted_by": "officer-1"}
    # the submitted SHA-256 is that of the frozen manifest, which names the content's (the draft's SHA-256)
    manifest = uow.report_files.read(package.file_id(submitted, "manifest.json"))
    assert submitted["sha256"] == hashlib.sha256(manifest).hexdigest() != report["sha256"]
    assert event.data["content_sha256"] == submitted["content_sha256"] == report["sha256"]
    assert json.loads(manifest)["content_sha256"] == report["sha256"]
    assert {i["code"] for i in event.data["indicators"]} >= {"OI.1", "FI.1"}
    [view] = uow.reports.public
    assert view.type == REPORT_PUBLISHED and view.data["sha256"] == submitted["sha256"]
    assert "submitted_by" not in view.data


def test_submitted_reports_are_frozen_409(uow):
    report = reports.create(uow, CreateReport("2026-Q3", "interim"), OFFICER, CAUSE)
    reports.submit(uow, SubmitReport(report["_id"]), OFFICER, CAUSE)
    for command, handler in ((SubmitReport(report["_id"]), reports.submit),
                             (RecomputeReport(report["_id"]), reports.recompute),
                             (DeleteReport(report["_id"]), reports.delete)):
        with pytest.raises(Conflict):
            handler(uow, command, OFFICER, CAUSE)
    assert len(uow.events) == 1 and reports.get(uow, report["_id"])["status"] == "submitted"


def test_one_submitted_report_per_period_and_kind_409(uow):
    first = reports.create(uow, CreateReport("2026-Q3", "interim"), OFFICER, CAUSE)
    second = reports.create(uow, CreateReport("2026-Q3", "interim"), OFFICER, CAUSE)
    final = reports.create(uow, CreateReport("2026-Q3", "final"), OFFICER, CAUSE)
    reports.submit(uow, SubmitReport(first["_id"]), OFFICER, CAUSE)
    with pytest.raises(Conflict, match="already submitted"):
        reports.submit(uow, SubmitReport(second["_id"]), OFFICER, CAUSE)
    assert reports.get(uow, second["_id"])["status"] == "draft"
    assert reports.submit(uow, SubmitReport(final["_id"]), OFFICER, CAUSE)["status"] == "submitted"


def test_a_submission_that_lost_a_race_runs_again_and_answers_409():
    uow = fake_uow(PROGRAMME)
    report = reports.create(uow, CreateReport("2026-Q3", "interim"), OFFICER, CAUSE)
    save = uow.reports.save

    def racing_save(*args, **kwargs):  # another officer submits between our read and our write
        uow.reports.save = save
        save(*args, **kwargs)
        return save(*args, **kwargs)

    uow.reports.save = racing_save
    bus = MessageBus("reporting", lambda session=None: uow, {SubmitReport: reports.submit}, {})
    with pytest.raises(Conflict, match="already submitted"):
        bus.handle(SubmitReport(report["_id"]), OFFICER, CAUSE)
    assert len(uow.events) == 1


def test_delete_a_draft_and_404s(uow):
    report = reports.create(uow, CreateReport("2026", "final"), OFFICER, CAUSE)
    reports.delete(uow, DeleteReport(report["_id"]), OFFICER, CAUSE)
    for call in (lambda: reports.get(uow, report["_id"]),
                 lambda: reports.delete(uow, DeleteReport(report["_id"]), OFFICER, CAUSE),
                 lambda: reports.recompute(uow, RecomputeReport("nope"), OFFICER, CAUSE),
                 lambda: reports.submit(uow, SubmitReport("nope"), OFFICER, CAUSE)):
        with pytest.raises(NotFound):
            call()


def test_listing_newest_first_with_summaries_only(uow):
    older = reports.create(uow, CreateReport("2026-Q2", "interim"), OFFICER, CAUSE)
    uow.reports.docs[older["_id"]]["created_at"] = datetime(2026, 1, 1, tzinfo=timezone.utc)
    reports.create(uow, CreateReport("2026-Q3", "interim"), OFFICER, CAUSE)
    page = reports.listing(uow, {"status": "draft", "page": 1, "page_size": 10})
    assert page["total"] == 2 and [r["period"] for r in page["items"]] == ["2026-Q3", "2026-Q2"]
    assert "content" not in page["items"][0] and "sha256" in page["items"][0]
