"""HTTP entrypoint for a meeting's evidence files: upload (multipart), list, download."""
from __future__ import annotations

from flask.views import MethodView

from shared.evidence.http import download_response
from shared.evidence.schemas import (
    EvidenceQuerySchema,
    EvidenceSchema,
    EvidenceUploadSchema,
)
from shared.evidence.uploads import UPLOAD_BODY_BYTES, upload_of
from shared.web.bus import handle, reading
from shared.web.http import UPLOAD, ApiBlueprint
from shared.web.schemas import ErrorSchema, page_schema
from shared.web.security import current_principal, guarded

from ..service_layer import evidence

blp = ApiBlueprint("evidence", __name__, url_prefix="/api/v1",
                   description="Evidence of meetings: signed attendance sheets, photos, agendas, minutes (PDF, "
                               "JPEG, PNG; at most 20 MiB)")


@blp.route("/meetings/<meeting_id>/evidence")
class MeetingEvidence(MethodView):
    max_body_bytes = UPLOAD_BODY_BYTES  # shared/web/limits.py

    @guarded(blp)
    @blp.arguments(EvidenceQuerySchema, location="query")
    @blp.response(200, page_schema(EvidenceSchema))
    @blp.alt_response(404, schema=ErrorSchema, description="Unknown meeting")
    def get(self, query, meeting_id):
        """List a meeting's evidence files, oldest first"""
        return evidence.listing(reading(), meeting_id, query, current_principal())

    @guarded(blp)
    @blp.arguments(EvidenceUploadSchema, location=UPLOAD)
    @blp.response(201, EvidenceSchema)
    @blp.alt_response(404, schema=ErrorSchema, description="Unknown meeting")
    @blp.alt_response(409, schema=ErrorSchema, description="The meeting was cancelled")
    @blp.alt_response(413, schema=ErrorSchema, description="Larger than 20 MiB")
    @blp.alt_response(415, schema=ErrorSchema, description="Not a PDF, JPEG or PNG file (by its content)")
    def post(self, form, meeting_id):
        """Add a file to a meeting's evidence (multipart: `file`, `kind`); its SHA-256 is recorded"""
        return evidence.add(reading(), handle, meeting_id, upload_of(form), current_principal())


@blp.route("/evidence/<evidence_id>")
class EvidenceById(MethodView):
    @guarded(blp)
    @blp.response(200, description="The file's bytes, with its stored type and name",
                  content_type="application/octet-stream")
    @blp.alt_response(404, schema=ErrorSchema, description="Unknown evidence file")
    def get(self, evidence_id):
        """Download an evidence file"""
        uow = reading()
        stored = evidence.one(uow, evidence_id, current_principal())
        return download_response(stored, uow.evidence.chunks(evidence_id))
