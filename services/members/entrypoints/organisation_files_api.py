"""HTTP entrypoint for organisation files: importing a CSV or XLSX (dry run, commit) and exporting the list."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import abort
from marshmallow import ValidationError

from shared.clock import today
from shared.web.bus import message_bus, reading
from shared.web.files import file_response
from shared.web.http import UPLOAD, ApiBlueprint, cause
from shared.web.idempotency import BY_CONTENT
from shared.web.outages import DATABASE_BUDGET_S
from shared.web.schemas import ErrorSchema
from shared.web.security import current_principal, guarded

from ..adapters.organisation_files import MAX_FILE_BYTES, FileProblem, Sheet, csv_bytes, read_sheet, xlsx_bytes
from ..domain.organisation_import import HeaderProblem, map_columns, normalise_values
from ..service_layer import imports, organisations
from ..service_layer.commands import GetImportPlan, ImportRow, ListOrganisationsToExport
from .schemas import (
    ImportFormSchema,
    ImportResultSchema,
    OrganisationCreateSchema,
    OrganisationExportQuerySchema,
)

blp = ApiBlueprint("organisation_files", __name__, url_prefix="/api/v1/organisations",
                   description="Organisations in and out of files: import (CSV, XLSX) and export")

# A 10 MB CSV holds some 100,000 short rows; a file that big is better split than checked for minutes.
MAX_ROWS = 20_000
EXPORT_COLUMNS = ["id", "name", "short_name", "kind", "province", "region", "district", "tax_number", "nace_code",
                  "size_class", "is_sme", "employees", "email", "website", "status", "created_at", "updated_at"]
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8",
                 "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
_BINARY = {"schema": {"type": "string", "format": "binary"}}
EXPORT_DOC = {"responses": {"200": {"description": "The organisations as a file", "content": {
    CONTENT_TYPES["xlsx"]: _BINARY, "text/csv": {"schema": {"type": "string"}}}}}}


@blp.route("/imports")
class Imports(MethodView):
    # A file, not JSON: 10 MB. The commit registers row after row, each its own command; sending the same
    # file again creates nothing (the duplicate rule), so an Idempotency-Key is not needed nor looked at.
    max_body_bytes = MAX_FILE_BYTES
    idempotent_by_content = True

    @guarded(blp)
    @blp.doc(**{BY_CONTENT: True})
    @blp.arguments(ImportFormSchema, location=UPLOAD)
    @blp.response(200, ImportResultSchema, description="Dry run: what a commit would do; nothing is created")
    @blp.alt_response(201, schema=ImportResultSchema, description="Commit: the new organisations are registered")
    @blp.alt_response(413, schema=ErrorSchema, description="Over 10 MB (or an XLSX that unpacks to over 200 MB)")
    @blp.alt_response(415, schema=ErrorSchema, description="Neither CSV nor XLSX")
    @blp.alt_response(422, schema=ErrorSchema, description="Empty, no recognisable header, formulas or merged "
                                                           "cells, too many rows: nothing is imported")
    def post(self, form):
        """Import organisations from a CSV or XLSX file (dry run by default)

        Every row is checked with the rules of POST /organisations; valid rows naming an organisation already
        registered (same tax number, or same name in the same province) or named by an earlier row are
        duplicates. With dry_run=false the new rows are registered, each with its organisation.registered
        event; the same file again creates nothing. A file that cannot be read is refused whole (413, 415,
        422): nothing is imported."""
        sheet = _sheet(form["file"].read(MAX_FILE_BYTES + 1))
        try:
            columns = map_columns(sheet.header)
        except HeaderProblem as problem:
            abort(422, message=str(problem))
        rows, errors, invalid = _validated_rows(sheet, columns)
        plan = imports.plan_import(reading(), GetImportPlan(rows), current_principal())
        report = imports.ImportReport(len(sheet.rows), errors, invalid, plan, columns.ignored)
        if form["dry_run"]:
            return report.as_dict()
        report.created = imports.commit_import(plan, _registering())
        return report.as_dict(), 201


@blp.route("/export")
class Export(MethodView):
    @guarded(blp)
    @blp.arguments(OrganisationExportQuerySchema, location="query")
    @blp.doc(**EXPORT_DOC)
    def get(self, query):
        """Export the organisations the list's filters select, as CSV (semicolons, UTF-8 with BOM) or XLSX"""
        fmt, sort = query.pop("format"), query.pop("sort")
        found = organisations.export_organisations(reading(), ListOrganisationsToExport(query, sort),
                                                   current_principal())
        documents = ({**document, "id": document["_id"]} for document in found)
        body = csv_bytes(EXPORT_COLUMNS, documents) if fmt == "csv" else xlsx_bytes(EXPORT_COLUMNS, documents)
        filename = f"organisations-{today().isoformat()}.{fmt}"
        return file_response(body, CONTENT_TYPES[fmt], filename)


def _registering():
    """The bus's handle as the request's principal with its correlation id, callable from the commit's threads
    (which have no request context); each registration is its own command with its own retries and budget."""
    bus, principal, caused_by = message_bus(), current_principal(), cause()
    return lambda command: bus.handle(command, principal, caused_by, attempt_budget_s=DATABASE_BUDGET_S)


def _sheet(data: bytes) -> Sheet:
    if len(data) > MAX_FILE_BYTES:
        abort(413, message=f"the file is larger than {MAX_FILE_BYTES // 2**20} MB")
    try:
        sheet = read_sheet(data)
    except FileProblem as problem:
        abort(problem.status, message=problem.message)
    if not sheet.rows:
        abort(422, message="the file has a header but no rows")
    if len(sheet.rows) > MAX_ROWS:
        abort(422, message=f"the file has {len(sheet.rows)} rows; at most {MAX_ROWS} at a time: split it")
    return sheet


def _validated_rows(sheet: Sheet, columns) -> tuple[list[ImportRow], list[imports.RowIssue], int]:
    """Every row through the schema of POST /organisations (a row fails here exactly when the API would refuse
    it), all of them: the valid rows, every refusal of the others, and how many those are."""
    schema = OrganisationCreateSchema()
    valid: list[ImportRow] = []
    errors: list[imports.RowIssue] = []
    invalid = 0
    for number, record in sheet.records(columns):
        try:
            valid.append(ImportRow(number, schema.load(normalise_values(record))))
        except ValidationError as refused:
            invalid += 1
            errors.extend(imports.RowIssue(number, name, message) for name, message in _messages(refused.messages))
    return valid, errors, invalid


def _messages(messages, prefix: str = ""):
    """marshmallow's {field: [message]} (nested for a field's parts) as (field, message) pairs."""
    if isinstance(messages, dict):
        for name, inner in messages.items():
            yield from _messages(inner, f"{prefix}.{name}" if prefix else str(name))
    elif isinstance(messages, list):
        for message in messages:
            yield from _messages(message, prefix)
    else:
        yield prefix or "_schema", str(messages)
