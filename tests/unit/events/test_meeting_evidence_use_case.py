"""Attaching a stored evidence file to a meeting (service_layer/evidence.py) against in-memory repositories."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from services.events.service_layer import evidence, meetings
from services.events.service_layer.commands import AttachMeetingEvidence, CancelMeeting
from shared.contracts import events as contract
from shared.errors import Conflict, Forbidden

from .fakes import ADMIN, CAUSE, chamber_admin, fake_uow, organisation
from .test_meeting_use_cases import scheduled

STORED = {"id": "ev-1", "kind": "agenda", "filename": "gündem.pdf", "content_type": "application/pdf", "size": 10,
          "sha256": "a" * 64, "uploaded_by": "admin-of-chamber-1",
          "uploaded_at": datetime(2026, 5, 14, 7, 0, tzinfo=timezone.utc)}


def test_attaching_announces_the_file_without_its_uploader():
    uow = fake_uow(organisations=[organisation()])
    meeting = scheduled(uow)
    evidence.attach(uow, AttachMeetingEvidence(meeting["_id"], STORED), chamber_admin(), CAUSE)
    assert uow.types() == [contract.EVIDENCE_ADDED]
    assert uow.events[0].data == {"id": meeting["_id"], "evidence_id": "ev-1", "kind": "agenda",
                                  "filename": "gündem.pdf", "content_type": "application/pdf", "size": 10,
                                  "sha256": "a" * 64, "uploaded_at": "2026-05-14T10:00:00+03:00"}
    assert uow.meetings.public == []  # no public view of the meeting changes: evidence is never public


def test_a_cancelled_meeting_or_another_chamber_is_refused():
    uow = fake_uow(organisations=[organisation(), organisation("chamber-2")])
    meeting = scheduled(uow)
    with pytest.raises(Forbidden):
        evidence.attach(uow, AttachMeetingEvidence(meeting["_id"], STORED), chamber_admin("chamber-2"), CAUSE)
    meetings.cancel(uow, CancelMeeting(meeting["_id"], "storm"), ADMIN, CAUSE)
    uow.events.clear()
    with pytest.raises(Conflict):
        evidence.attach(uow, AttachMeetingEvidence(meeting["_id"], STORED), ADMIN, CAUSE)
    assert uow.events == []
