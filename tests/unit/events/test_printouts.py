"""The printouts (service_layer/printouts.py, adapters/printouts/): their text read back with pypdfium2, and
who may print them."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pypdfium2
import pytest

from services.events.domain import check_in as codes
from services.events.service_layer import meetings, printouts
from services.events.service_layer.commands import (
    CancelRegistration,
    RecordAttendance,
    RecordDecision,
    Register,
    ScheduleMeeting,
)
from shared.auth import Principal
from shared.errors import Conflict, Forbidden, NotFound

from .fakes import ADMIN, CAUSE, chamber_admin, fake_uow, later, organisation, person, seat

AUDITOR = Principal("auditor-1", "auditor")


def pages(pdf: bytes) -> list[str]:
    document = pypdfium2.PdfDocument(pdf)
    try:
        return [page.get_textpage().get_text_range() for page in document]
    finally:
        document.close()


def page_size_mm(pdf: bytes) -> tuple[int, int]:
    document = pypdfium2.PdfDocument(pdf)
    try:
        width, height = document[0].get_size()
        return round(width / 72 * 25.4), round(height / 72 * 25.4)
    finally:
        document.close()


@pytest.fixture
def uow():
    return fake_uow(organisations=[organisation(name="Kırklareli Ticaret ve Sanayi Odası"),
                                   organisation("company-1", kind="company", name="Ergene Çorap A.Ş.",
                                                size_class="small")],
                    people=[person("p1", full_name="Şükrü Öğüt"), person("p2", full_name="Ayşe Yılmaz"),
                            person("p3", organisation_id="company-1", full_name="İlkay Ilgın")],
                    seats=[seat("s1", "p1", body="advisory_board"), seat("s2", "p2", body="advisory_board")])


def advisory_meeting(uow, starts=None):
    starts = starts or later(days=0, hours=-2).replace(minute=0, second=0)
    return meetings.schedule(uow, ScheduleMeeting(kind="advisory_board_meeting", title="Yıllık değerlendirme",
                                                  host_organisation_id="chamber-1", starts_at=starts,
                                                  ends_at=starts + timedelta(hours=3),
                                                  venue={"city": "Lüleburgaz", "address": "Gazi Cd. 12"}),
                             ADMIN, CAUSE)


def test_the_attendance_sheet_lists_the_confirmed_participants_by_name_under_the_meetings_header(uow):
    meeting = advisory_meeting(uow)
    meetings.register(uow, Register(meeting["_id"], person_id="p3"), ADMIN, CAUSE)
    _, gone = meetings.register(uow, Register(meeting["_id"], participant={
        "full_name": "Gizem Gidenoğlu", "gender": "female", "organisation_name": "Dış Kurum",
        "organisation_kind": "ngo"}), ADMIN, CAUSE)
    meetings.cancel_registration(uow, CancelRegistration(meeting["_id"], gone["id"]), ADMIN, CAUSE)
    [text] = pages(printouts.attendance_sheet(uow, {"meeting_id": meeting["_id"], "lang": "tr"}, ADMIN))
    assert "Katılım çizelgesi" in text and "1. Danışma Kurulu Toplantısı" in text
    assert "Yıllık değerlendirme" in text and "Kırklareli Ticaret ve Sanayi Odası" in text
    assert "Gazi Cd. 12, Lüleburgaz, Kırklareli" in text
    assert "Avrupa Birliği ve Türkiye Cumhuriyeti tarafından finanse edilmektedir" in text
    assert "İmza" in text and "Kayıtlı katılımcı: 3" in text
    starts = meeting["starts_at"] + timedelta(hours=3)  # Istanbul wall clock
    assert f"{starts:%H:%M}–" in text
    names = ["Ayşe Yılmaz", "İlkay Ilgın", "Şükrü Öğüt"]  # Turkish order: A, I/İ, Ş
    assert [text.index(n) for n in names] == sorted(text.index(n) for n in names)
    assert "Ergene Çorap A.Ş." in text and "Gizem" not in text

    [english] = pages(printouts.attendance_sheet(uow, {"meeting_id": meeting["_id"], "lang": "en"}, ADMIN))
    assert "Attendance sheet" in english and "Advisory Board Meeting No. 1" in english
    assert "Co-financed by the European Union" in english and "Signature" in english


def test_only_the_meetings_managers_print_its_attendance_sheet(uow):
    meeting = advisory_meeting(uow)
    for outsider in (AUDITOR, chamber_admin("company-1")):
        with pytest.raises(Forbidden):
            printouts.attendance_sheet(uow, {"meeting_id": meeting["_id"], "lang": "tr"}, outsider)


def test_a_badge_is_a6_with_name_organisation_meeting_and_the_code(uow):
    meeting = advisory_meeting(uow, starts=later(days=5))
    meeting, registration = meetings.register(uow, Register(meeting["_id"], person_id="p3"), ADMIN, CAUSE)
    code = uow.meetings.get(meeting["_id"])["check_in_codes"][registration["id"]]
    pdf = printouts.badge(uow, {"registration_id": registration["id"], "lang": "tr"}, chamber_admin("company-1"))
    assert page_size_mm(pdf) == (105, 148)
    [text] = pages(pdf)
    for shown in ("İlkay Ilgın", "Ergene Çorap A.Ş.", "1. Danışma Kurulu Toplantısı", codes.shown(code),
                  "Giriş kodu"):
        assert shown in text, shown


def test_who_may_print_a_badge_and_of_what(uow):
    meeting = advisory_meeting(uow, starts=later(days=5))
    _, outside = meetings.register(uow, Register(meeting["_id"], participant={
        "full_name": "Deniz Dışarıda", "gender": "male", "organisation_name": "Dış Kurum",
        "organisation_kind": "ngo"}), ADMIN, CAUSE)
    query = {"registration_id": outside["id"], "lang": "en"}
    assert "Deniz Dışarıda" in pages(printouts.badge(uow, query, ADMIN))[0]
    for refused in (AUDITOR, chamber_admin("chamber-1")):  # an outside participant has no chamber admin
        with pytest.raises(Forbidden):
            printouts.badge(uow, query, refused)
    meetings.cancel_registration(uow, CancelRegistration(meeting["_id"], outside["id"]), ADMIN, CAUSE)
    with pytest.raises(Conflict, match="cancelled"):
        printouts.badge(uow, query, ADMIN)
    with pytest.raises(NotFound):
        printouts.badge(uow, {"registration_id": "nope", "lang": "tr"}, ADMIN)


def test_the_decision_book_holds_a_bodys_numbered_decisions_of_the_year_in_order(uow):
    first = advisory_meeting(uow, starts=datetime(2025, 3, 10, 7, tzinfo=timezone.utc))
    second = advisory_meeting(uow, starts=datetime(2025, 12, 31, 19, tzinfo=timezone.utc))  # 22:00 in Istanbul
    next_year = advisory_meeting(uow, starts=datetime(2025, 12, 31, 21, 30, tzinfo=timezone.utc))  # 2026 there
    for meeting, texts in ((first, ["Bütçe onaylandı", "Çalışma takvimi kabul edildi"]),
                           (second, ["Şubat çalıştayı ertelendi"]), (next_year, ["Yeni yılın kararı"])):
        for person_id in ("p1", "p2"):
            registration = next(r for r in uow.meetings.get(meeting["_id"])["registrations"]
                                if r["person_id"] == person_id)
            meetings.record_attendance(uow, RecordAttendance(meeting["_id"], registration["id"]), ADMIN, CAUSE)
        for text in texts:
            meetings.record_decision(uow, RecordDecision(meeting["_id"], text, {"for": 2, "against": 0,
                                                                                 "abstain": 0}), ADMIN, CAUSE)
    year = 2025
    stored = [d["number"] for m in (first, second) for d in uow.meetings.get(m["_id"])["decisions"]]
    assert stored == ["2025/1-1", "2025/1-2", "2025/2-1"]
    text = "\n".join(pages(printouts.decision_book(uow, {"body": "advisory_board", "year": year, "lang": "tr"},
                                                   AUDITOR)))
    assert "Danışma Kurulu — Karar defteri" in text
    positions = [text.index(n) for n in stored]
    assert positions == sorted(positions) and len(set(stored)) == 3
    assert "Bütçe onaylandı" in text and "Şubat çalıştayı ertelendi" in text and "2 / 0 / 0" in text
    assert "2. Danışma Kurulu Toplantısı" in text and "31 Aralık 2025" in text and "Yeni yılın" not in text
    empty = pages(printouts.decision_book(uow, {"body": "board", "year": year, "lang": "en"}, AUDITOR))
    assert "No decisions recorded" in empty[0]
