"""HTTP entrypoint for period reports and their exports."""
from __future__ import annotations

from flask import Response
from flask.views import MethodView

from shared.web.bus import handle, reading
from shared.web.http import ApiBlueprint
from shared.web.schemas import ErrorSchema, page_schema
from shared.web.security import guarded

from ..service_layer import exports, reports
from ..service_layer.commands import CreateReport, DeleteReport, RecomputeReport, SubmitReport
from .schemas import ExportQuerySchema, ReportCreateSchema, ReportQuerySchema, ReportSchema, ReportSummarySchema

blp = ApiBlueprint("reports", __name__, url_prefix="/api/v1/reports",
                         description="Period reports: drafts computed on demand, frozen when submitted")

_BINARY = {"schema": {"type": "string", "format": "binary"}}
EXPORT_DOC = {"responses": {"200": {"description": "The report as a file", "content": {
    exports.CONTENT_TYPES["xlsx"]: _BINARY, exports.CONTENT_TYPES["pdf"]: _BINARY,
    exports.CONTENT_TYPES["csv"]: {"schema": {"type": "string"}}}}}}


@blp.route("")
class Reports(MethodView):
    @guarded(blp)
    @blp.arguments(ReportQuerySchema, location="query")
    @blp.response(200, page_schema(ReportSummarySchema))
    def get(self, query):
        """List reports, newest first (filters: status, kind, period)"""
        return reports.listing(reading(), query)

    @guarded(blp)
    @blp.arguments(ReportCreateSchema)
    @blp.response(201, ReportSchema)
    def post(self, data):
        """Compute a draft report for a period and kind (interim or final)"""
        return reports.with_evidence(reading(), handle(CreateReport(data["period"], data["kind"])))


@blp.route("/<report_id>")
class ReportById(MethodView):
    @guarded(blp)
    @blp.response(200, ReportSchema)
    @blp.alt_response(404, schema=ErrorSchema, description="Unknown report")
    def get(self, report_id):
        """Get a report with its content and the evidence of its period"""
        uow = reading()
        return reports.with_evidence(uow, reports.get(uow, report_id))

    @guarded(blp)
    @blp.response(204)
    @blp.alt_response(404, schema=ErrorSchema, description="Unknown report")
    @blp.alt_response(409, schema=ErrorSchema, description="Submitted reports cannot be deleted")
    def delete(self, report_id):
        """Delete a draft report"""
        handle(DeleteReport(report_id))


@blp.route("/<report_id>/recompute")
class Recompute(MethodView):
    @guarded(blp)
    @blp.response(200, ReportSchema)
    @blp.alt_response(404, schema=ErrorSchema, description="Unknown report")
    @blp.alt_response(409, schema=ErrorSchema, description="Submitted reports are frozen")
    def post(self, report_id):
        """Compute a draft again from the current figures"""
        return reports.with_evidence(reading(), handle(RecomputeReport(report_id)))


@blp.route("/<report_id>/submit")
class Submit(MethodView):
    @guarded(blp)
    @blp.response(200, ReportSchema)
    @blp.alt_response(404, schema=ErrorSchema, description="Unknown report")
    @blp.alt_response(409, schema=ErrorSchema, description="Already submitted, or another report of the period "
                                                           "and kind is")
    def post(self, report_id):
        """Submit a draft: its content and SHA-256 are frozen; announces report.submitted"""
        return reports.with_evidence(reading(), handle(SubmitReport(report_id)))


@blp.route("/<report_id>/export")
class Export(MethodView):
    @guarded(blp)
    @blp.arguments(ExportQuerySchema, location="query")
    @blp.doc(**EXPORT_DOC)
    @blp.alt_response(404, schema=ErrorSchema, description="Unknown report")
    def get(self, query, report_id):
        """Export a report as XLSX (native charts), CSV or PDF (charts), in Turkish and/or English"""
        report = reports.get(reading(), report_id)
        body, filename = exports.render(report, query["format"], query["lang"])
        return Response(body, status=200, mimetype=exports.CONTENT_TYPES[query["format"]],
                        headers={"Content-Disposition": f'attachment; filename="{filename}"'})
