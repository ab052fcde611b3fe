"""HTTP entrypoint for period reports and their exports."""
from __future__ import annotations

from flask import request
from flask.views import MethodView

from shared.web.bus import handle, reading
from shared.web.files import file_response
from shared.web.http import ETAG, IF_MATCH, ApiBlueprint, precondition
from shared.web.schemas import ErrorSchema, page_schema
from shared.web.security import current_principal, guarded

from ..adapters.database_budget import outside_database_budget
from ..adapters.events_evidence import EventsEvidence
from ..service_layer import exports, package, reports
from ..service_layer.commands import (
    CreateReport,
    DeleteReport,
    RecomputeReport,
    ReviseReport,
    SubmitReport,
    UpdateReport,
)
from .schemas import (
    ExportQuerySchema,
    ReportCreateSchema,
    ReportQuerySchema,
    ReportSchema,
    ReportSummarySchema,
    ReportUpdateSchema,
    RevisionCreateSchema,
)

blp = ApiBlueprint("reports", __name__, url_prefix="/api/v1/reports",
                         description="Period reports: drafts computed on demand, frozen when submitted")

_BINARY = {"schema": {"type": "string", "format": "binary"}}
EXPORT_DOC = {"responses": {"200": {"description": "The report as a file", "content": {
    exports.CONTENT_TYPES["xlsx"]: _BINARY, exports.CONTENT_TYPES["pdf"]: _BINARY,
    exports.CONTENT_TYPES["csv"]: {"schema": {"type": "string"}}}}}}
PACKAGE_DOC = {"responses": {"200": {"description": "The PDF, the XLSX, the evidence files of the period and "
                                                    "manifest.json, as one ZIP (streamed)",
                                     "content": {"application/zip": _BINARY}}}}


def shown(report: dict, status: int | None = None):
    """A report as the API answers it (with its versions), with its ETag."""
    document = reports.detail(reading(), report["_id"])
    headers = {"ETag": reports.report_etag(document)}
    return (document, headers) if status is None else (document, status, headers)


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
    @blp.response(201, ReportSchema, headers=ETAG)
    def post(self, data):
        """Compute a draft report for a period and kind (interim or final)"""
        return shown(handle(CreateReport(data["period"], data["kind"])))


@blp.route("/<report_id>")
class ReportById(MethodView):
    @guarded(blp)
    @blp.response(200, ReportSchema, headers=ETAG)
    @blp.alt_response(404, schema=ErrorSchema, description="Unknown report")
    def get(self, report_id):
        """Get a report with its content, narrative, approval, the evidence of its period and its versions"""
        return shown(reports.get(reading(), report_id))

    @guarded(blp)
    @blp.doc(parameters=[IF_MATCH])
    @blp.arguments(ReportUpdateSchema)
    @blp.response(200, ReportSchema, headers=ETAG)
    @blp.alt_response(404, schema=ErrorSchema, description="Unknown report")
    @blp.alt_response(409, schema=ErrorSchema, description="Submitted reports are frozen")
    @blp.alt_response(412, schema=ErrorSchema, description="If-Match is stale")
    def put(self, data, report_id):
        """Write a draft's narrative (summary, activities, challenges, next steps; Turkish and English)"""
        return shown(handle(UpdateReport(report_id, data["narrative"], precondition=precondition())))

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
    @blp.response(200, ReportSchema, headers=ETAG)
    @blp.alt_response(404, schema=ErrorSchema, description="Unknown report")
    @blp.alt_response(409, schema=ErrorSchema, description="Submitted reports are frozen")
    def post(self, report_id):
        """Compute a draft again from the current figures"""
        return shown(handle(RecomputeReport(report_id)))


@blp.route("/<report_id>/submit")
class Submit(MethodView):
    @guarded(blp)
    @blp.response(200, ReportSchema, headers=ETAG)
    @blp.alt_response(404, schema=ErrorSchema, description="Unknown report")
    @blp.alt_response(409, schema=ErrorSchema, description="Already submitted, or another report of the period "
                                                           "and kind is")
    def post(self, report_id):
        """Submit a draft: its package is frozen, its SHA-256 is that of the manifest; announces report.submitted"""
        report = reports.get(reading(), report_id)
        # Rendering the PDF and XLSX takes seconds of CPU: done first, not counted against the database budget.
        with outside_database_budget():
            prepared = reports.prepare_submission(report, current_principal()) if report["status"] == "draft" else None
        return shown(handle(SubmitReport(report_id, prepared=prepared)))


@blp.route("/<report_id>/revisions")
class Revisions(MethodView):
    @guarded(blp)
    @blp.arguments(RevisionCreateSchema)
    @blp.response(201, ReportSchema, headers=ETAG)
    @blp.alt_response(404, schema=ErrorSchema, description="Unknown report")
    @blp.alt_response(409, schema=ErrorSchema, description="A draft, or a version revised already")
    def post(self, data, report_id):
        """Correct a submitted report: a new draft version (revision n+1) that names the one it corrects"""
        return shown(handle(ReviseReport(report_id, data["reason"])), 201)


@blp.route("/<report_id>/package.zip")
class Package(MethodView):
    @guarded(blp)
    @blp.doc(**PACKAGE_DOC)
    @blp.alt_response(404, schema=ErrorSchema, description="Unknown report")
    def get(self, report_id):
        """The report's package: PDF, XLSX, evidence and manifest.json (frozen once submitted)"""
        uow = reading()
        meeting_files = EventsEvidence(request.headers.get("Authorization", ""))  # fetched as the caller
        name, chunks = package.package(uow, reports.get(uow, report_id), meeting_files)
        return file_response(chunks, "application/zip", name)


@blp.route("/<report_id>/export")
class Export(MethodView):
    @guarded(blp)
    @blp.arguments(ExportQuerySchema, location="query")
    @blp.doc(**EXPORT_DOC)
    @blp.alt_response(404, schema=ErrorSchema, description="Unknown report")
    def get(self, query, report_id):
        """Export a report as XLSX (native charts), CSV or PDF (charts), in Turkish and/or English"""
        uow = reading()
        body, filename = package.export(uow, reports.get(uow, report_id), query["format"], query["lang"])
        return file_response(body, exports.CONTENT_TYPES[query["format"]], filename)
