"""HTTP entrypoint for an expenditure's evidence files: upload (multipart), list, download."""
from __future__ import annotations

from flask.views import MethodView

from shared.evidence.http import download_response
from shared.evidence.schemas import (
    EvidenceQuerySchema,
    EvidenceSchema,
    EvidenceUploadSchema,
)
from shared.evidence.uploads import UPLOAD_BODY_BYTES, upload_of
from shared.web.bus import reading
from shared.web.http import UPLOAD, ApiBlueprint
from shared.web.schemas import ErrorSchema, page_schema
from shared.web.security import current_principal, guarded

from ..service_layer import evidence

blp = ApiBlueprint("evidence", __name__, url_prefix="/api/v1",
                   description="Evidence of expenditures: invoices and other supporting files (PDF, JPEG, PNG; "
                               "at most 20 MiB)")


@blp.route("/expenditures/<expenditure_id>/evidence")
class ExpenditureEvidence(MethodView):
    max_body_bytes = UPLOAD_BODY_BYTES  # shared/web/limits.py

    @guarded(blp)
    @blp.arguments(EvidenceQuerySchema, location="query")
    @blp.response(200, page_schema(EvidenceSchema))
    @blp.alt_response(404, schema=ErrorSchema, description="Unknown expenditure")
    def get(self, query, expenditure_id):
        """List an expenditure's evidence files, oldest first"""
        return evidence.listing(reading(), expenditure_id, query)

    @guarded(blp)
    @blp.arguments(EvidenceUploadSchema, location=UPLOAD)
    @blp.response(201, EvidenceSchema)
    @blp.alt_response(404, schema=ErrorSchema, description="Unknown expenditure")
    @blp.alt_response(409, schema=ErrorSchema, description="A submitted report's period holds the expenditure")
    @blp.alt_response(413, schema=ErrorSchema, description="Larger than 20 MiB")
    @blp.alt_response(415, schema=ErrorSchema, description="Not a PDF, JPEG or PNG file (by its content)")
    def post(self, form, expenditure_id):
        """Add a file (an invoice …) to an expenditure's evidence (multipart: `file`, `kind`)"""
        return evidence.add(reading(), expenditure_id, upload_of(form), current_principal())


@blp.route("/evidence/<evidence_id>")
class EvidenceById(MethodView):
    @guarded(blp)
    @blp.response(200, description="The file's bytes, with its stored type and name",
                  content_type="application/octet-stream")
    @blp.alt_response(404, schema=ErrorSchema, description="Unknown evidence file")
    def get(self, evidence_id):
        """Download an evidence file"""
        uow = reading()
        stored = evidence.one(uow, evidence_id)
        return download_response(stored, uow.evidence.chunks(evidence_id))
