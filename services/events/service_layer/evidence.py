"""A meeting's evidence: signed attendance sheets, photos, agendas, minutes, invoices.

The bytes go to GridFS as they are read (shared/evidence); the meeting then announces the file
(`meeting.evidence_added`, in its own outbox, so reporting learns of it without reading this database). The
upload is checked twice: before the file is read (so a refused upload reads nothing) and when it is attached
(the meeting may have been cancelled meanwhile; the file is then deleted again, shared/evidence/flow.py).
"""
from __future__ import annotations

from shared.auth import Principal
from shared.clock import local_iso
from shared.contracts.events import EVIDENCE_ADDED
from shared.errors import Conflict, NotFound
from shared.evidence.flow import store_then_attach
from shared.evidence.uploads import Upload
from shared.messaging.outbox import Causation
from shared.permissions import require
from shared.service_layer.unit_of_work import UnitOfWork

from ..domain import permissions
from .commands import AttachMeetingEvidence
from .meetings import change_meeting

OWNER = "meeting"


def _check_can_add(principal: Principal, meeting: dict) -> None:
    require(permissions.can_manage_meeting(principal, meeting),
            "only platform admins and the host organisation's admins add evidence to this meeting")
    if meeting["status"] == "cancelled":
        raise Conflict(f"meeting {meeting['_id']} was cancelled: it takes no evidence")


def add(uow: UnitOfWork, handle, meeting_id: str, upload: Upload, principal: Principal) -> dict:
    """Store the upload and attach it to the meeting (`handle` runs the attach command on the bus)."""
    _check_can_add(principal, uow.meetings.get(meeting_id, {"host_organisation_id": 1, "status": 1}))
    return store_then_attach(uow.evidence, upload, owner_type=OWNER, owner_id=meeting_id,
                             uploaded_by=principal.subject,
                             attach=lambda stored: handle(AttachMeetingEvidence(meeting_id, stored)))


def attach(uow: UnitOfWork, command: AttachMeetingEvidence, principal: Principal, cause: Causation) -> dict:
    stored = command.evidence

    def change(meeting):
        _check_can_add(principal, meeting)
        return [(EVIDENCE_ADDED, {
            "id": meeting["_id"], "evidence_id": stored["id"], "kind": stored["kind"],
            "filename": stored["filename"], "content_type": stored["content_type"], "size": stored["size"],
            "sha256": stored["sha256"], "uploaded_at": local_iso(stored["uploaded_at"]),
        })], stored

    return change_meeting(uow, command.meeting_id, change, cause)[1]


# -- reads ------------------------------------------------------------------------------

def listing(uow: UnitOfWork, meeting_id: str, query: dict, principal: Principal) -> dict:
    meeting = uow.meetings.get(meeting_id, {"host_organisation_id": 1})
    require(permissions.can_read_evidence(principal, meeting),
            "a meeting's evidence is for its host's admins, the programme's officers and auditors")
    return uow.evidence.page_of_owner(OWNER, meeting_id, query["page"], query["page_size"])


def one(uow: UnitOfWork, evidence_id: str, principal: Principal) -> dict:
    stored = uow.evidence.get(evidence_id)
    meeting = uow.meetings.find(stored["owner_id"], {"host_organisation_id": 1})
    if stored["owner_type"] != OWNER or meeting is None:
        raise NotFound(f"no evidence file {evidence_id}")
    require(permissions.can_read_evidence(principal, meeting),
            "a meeting's evidence is for its host's admins, the programme's officers and auditors")
    return stored
