"""HTTP entrypoint for the printouts: badges, attendance sheets and the decision book (PDF)."""
from __future__ import annotations

from flask import Response
from flask.views import MethodView

from shared.web.bus import reading
from shared.web.files import file_response
from shared.web.http import ApiBlueprint
from shared.web.schemas import ErrorSchema
from shared.web.security import current_principal, guarded

from ..service_layer import printouts
from .schemas import DecisionBookQuerySchema, PrintoutQuerySchema

PDF = "application/pdf"
PDF_DOC = {"responses": {"200": {"description": "A PDF file",
                                 "content": {PDF: {"schema": {"type": "string", "format": "binary"}}}}}}

blp = ApiBlueprint("printouts", __name__, url_prefix="/api/v1",
                   description="Printouts: badges with the check-in QR code, attendance sheets, the decision book")


def _pdf(body: bytes, filename: str) -> Response:
    return file_response(body, PDF, filename, disposition="inline")


@blp.route("/meetings/<meeting_id>/attendance-sheet.pdf")
class AttendanceSheet(MethodView):
    @guarded(blp)
    @blp.arguments(PrintoutQuerySchema, location="query")
    @blp.doc(**PDF_DOC)
    @blp.alt_response(404, schema=ErrorSchema, description="Unknown meeting")
    def get(self, query, meeting_id):
        """The sheet the participants sign: meeting header, one row per confirmed participant, EU visibility"""
        body = printouts.attendance_sheet(reading(), dict(query, meeting_id=meeting_id), current_principal())
        return _pdf(body, f"attendance-{meeting_id}.pdf")


@blp.route("/registrations/<registration_id>/badge.pdf")
class Badge(MethodView):
    @guarded(blp)
    @blp.arguments(PrintoutQuerySchema, location="query")
    @blp.doc(**PDF_DOC)
    @blp.alt_response(404, schema=ErrorSchema, description="Unknown registration")
    @blp.alt_response(409, schema=ErrorSchema, description="Not confirmed, or without a check-in code")
    def get(self, query, registration_id):
        """An A6 badge: name, organisation, the meeting and the QR code of the check-in code"""
        body = printouts.badge(reading(), dict(query, registration_id=registration_id), current_principal())
        return _pdf(body, f"badge-{registration_id}.pdf")


@blp.route("/decisions.pdf")
class DecisionBook(MethodView):
    @guarded(blp)
    @blp.arguments(DecisionBookQuerySchema, location="query")
    @blp.doc(**PDF_DOC)
    def get(self, query):
        """The decision book of a body for a year: its numbered decisions with each meeting's number and date"""
        return _pdf(printouts.decision_book(reading(), query, current_principal()),
                    f"decisions-{query['body']}-{query['year']}.pdf")
