"""Request and response schemas of the reporting API. Requests reject unknown fields (422)."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates, validates_schema

from shared.contracts.reporting import REPORT_KINDS
from shared.web.fields import Text, Timestamp
from shared.web.schemas import PageQuerySchema

from ..domain import narrative
from ..domain.indicators import CODES
from ..domain.money import BUDGET_LINES, CURRENCIES
from ..domain.periods import EARLIEST, LATEST, PeriodError, parse_period
from ..service_layer import expenditures, reports

FORMATS = ["xlsx", "csv", "pdf"]
LANGS = ["bi", "en", "tr"]
STATUSES = ["draft", "submitted"]
EXPENDITURE_SORTS = list(expenditures.SORTS)
REPORT_SORTS = list(reports.SORTS)


class Day(fields.Date):
    """A calendar date (YYYY-MM-DD) between 2000 and 2099."""

    def _deserialize(self, value, attr, data, **kwargs):
        day = super()._deserialize(value, attr, data, **kwargs)
        if not EARLIEST <= day <= LATEST:
            raise ValidationError(f"must lie between {EARLIEST} and {LATEST}")
        return day

    def _serialize(self, value, attr, obj, **kwargs):
        return value if isinstance(value, str) or value is None else super()._serialize(value, attr, obj, **kwargs)


class Money(fields.Decimal):
    """A decimal number (JSON number or string) with at most `digits` decimals."""

    def __init__(self, digits: int = 2, minimum: int = 0, maximum: int = 1_000_000_000_000,
                 exclusive_minimum: bool = True, **kwargs):
        kwargs.setdefault("validate", validate.Range(min=minimum, max=maximum, min_inclusive=not exclusive_minimum))
        metadata = kwargs.setdefault("metadata", {})  # numbers in the OpenAPI document, not Decimal strings
        metadata.update(minimum=minimum, maximum=maximum)
        if exclusive_minimum:
            metadata["exclusiveMinimum"] = True
        super().__init__(**kwargs)
        self.digits = digits

    def _validated(self, value):
        if isinstance(value, str) and len(value) > 40:
            raise self.make_error("invalid")
        number = super()._validated(value)
        if number.is_finite() and -number.as_tuple().exponent > self.digits:
            raise ValidationError(f"at most {self.digits} decimals")
        return number


class Numeric(fields.Number):
    """Output only: an int stays an int, anything else is a float."""

    num_type = float

    def _format_num(self, value):
        if isinstance(value, int):
            return value
        number = float(value)
        return int(number) if number.is_integer() and abs(number) < 2 ** 53 else number


def _period_label(value: str) -> None:
    try:
        parse_period(value)
    except PeriodError as exc:
        raise ValidationError(str(exc)) from None


# -- programme ------------------------------------------------------------------------

class ProgrammeUpdateSchema(Schema):
    name = Text(required=True, validate=validate.Length(min=2, max=300))
    name_tr = Text(validate=validate.Length(min=2, max=300))
    beneficiary = Text(validate=validate.Length(min=2, max=300))
    start_date = Day(required=True)
    end_date = Day(required=True)
    eu_share = Money(required=True, maximum=100, exclusive_minimum=False,
                     metadata={"description": "EU co-financing in %, with national_share adding up to 100"})
    national_share = Money(required=True, maximum=100, exclusive_minimum=False)
    targets = fields.Dict(keys=fields.String(validate=validate.OneOf(CODES)),
                          values=Money(exclusive_minimum=False),
                          metadata={"description": "Target per indicator code (OI.x: whole numbers; FI.1: EUR)"})

    @validates_schema
    def _whole_targets(self, data, **_):
        for code, value in (data.get("targets") or {}).items():
            if code != "FI.1" and value != value.to_integral_value():
                raise ValidationError(f"the target of {code} is a whole number", "targets")


class ProgrammeSchema(Schema):
    name = fields.String(required=True)
    name_tr = fields.String(allow_none=True)
    beneficiary = fields.String(allow_none=True)
    start_date = fields.String(required=True, metadata={"format": "date"})
    end_date = fields.String(required=True, metadata={"format": "date"})
    eu_share = Numeric(required=True)
    national_share = Numeric(required=True)
    targets = fields.Dict(keys=fields.String(), values=Numeric(), required=True)
    configured = fields.Boolean(required=True, metadata={"description": "false until the first PUT (defaults shown)"})
    version = fields.Integer(required=True, metadata={"description": "Also the ETag"})
    updated_at = Timestamp(allow_none=True)
    updated_by = fields.String(allow_none=True)


# -- indicators -----------------------------------------------------------------------

class IndicatorQuerySchema(Schema):
    period = fields.String(validate=validate.Length(min=1, max=30),
                           metadata={"description": "2026, 2026-H2, 2026-Q3, 2026-07 or 2026-01-01/2026-06-30"})
    from_ = Day(data_key="from", metadata={"description": "First day (with `to`), Europe/Istanbul"})
    to = Day(metadata={"description": "Last day, included"})


class PeriodSchema(Schema):
    label = fields.String(required=True)
    from_ = fields.String(required=True, data_key="from", attribute="from")
    to = fields.String(required=True)
    kind = fields.String(required=True)
    timezone = fields.String(required=True)


class IndicatorSchema(Schema):
    code = fields.String(required=True, validate=validate.OneOf(CODES))
    name = fields.String(required=True)
    name_tr = fields.String(required=True)
    unit = fields.String(required=True)
    unit_tr = fields.String(required=True)
    value = Numeric(required=True, metadata={"description": "For the period"})
    cumulative = Numeric(required=True, metadata={"description": "From the programme start to the period end"})
    target = Numeric(allow_none=True)
    percent_of_target = Numeric(allow_none=True)
    breakdowns = fields.Dict(keys=fields.String(), values=fields.Dict(keys=fields.String(), values=Numeric()),
                             required=True)
    cumulative_breakdowns = fields.Dict(keys=fields.String(),
                                        values=fields.Dict(keys=fields.String(), values=Numeric()), required=True)
    details = fields.Dict(keys=fields.String(), values=Numeric(), required=True)


class IndicatorsSchema(Schema):
    period = fields.Nested(PeriodSchema, required=True)
    cumulative_from = fields.String(required=True)
    programme = fields.Nested(ProgrammeSchema, required=True)
    indicators = fields.List(fields.Nested(IndicatorSchema), required=True)
    computed_at = Timestamp(required=True)
    query_ms = fields.Float(required=True)


# -- expenditures ---------------------------------------------------------------------

class ExpenditureCreateSchema(Schema):
    date = Day(required=True)
    budget_line = fields.String(required=True, validate=validate.OneOf(BUDGET_LINES))
    amount = Money(required=True)
    currency = fields.String(required=True, validate=validate.OneOf(CURRENCIES))
    eur_rate = Money(digits=6, maximum=1_000_000,
                     metadata={"description": "TRY per 1 EUR; required for TRY, not given for EUR"})
    description = Text(required=True, validate=validate.Length(min=1, max=500))
    meeting_id = Text(validate=validate.Length(min=1, max=100),
                      metadata={"description": "A meeting known to reporting (from the events stream)"})

    @validates_schema
    def _rate(self, data, **_):
        if data.get("currency") == "TRY" and data.get("eur_rate") is None:
            raise ValidationError("required for TRY amounts (TRY per 1 EUR)", "eur_rate")
        if data.get("currency") == "EUR" and data.get("eur_rate") is not None:
            raise ValidationError("only for TRY amounts", "eur_rate")


class ExpenditureSchema(Schema):
    id = fields.String(required=True, attribute="_id")
    date = fields.String(required=True, metadata={"format": "date"})
    budget_line = fields.String(required=True)
    amount = fields.String(required=True, metadata={"description": "Decimal, two places"})
    currency = fields.String(required=True)
    eur_rate = fields.String(allow_none=True)
    amount_eur = fields.String(required=True)
    description = fields.String(required=True)
    meeting_id = fields.String(allow_none=True)
    created_at = Timestamp(required=True)
    created_by = fields.String(allow_none=True)


class ExpenditureQuerySchema(PageQuerySchema):
    from_ = Day(data_key="from")
    to = Day()
    budget_line = fields.String(validate=validate.OneOf(BUDGET_LINES))
    meeting_id = fields.String(validate=validate.Length(min=1, max=100))
    sort = fields.String(load_default="date", validate=validate.OneOf(EXPENDITURE_SORTS),
                         metadata={"description": "date (oldest first, the default) or -date (newest first)"})


# -- reports --------------------------------------------------------------------------

class ReportCreateSchema(Schema):
    period = fields.String(required=True, validate=validate.Length(min=1, max=30),
                           metadata={"description": "2026, 2026-H2, 2026-Q3, 2026-07 or 2026-01-01/2026-06-30"})
    kind = fields.String(required=True, validate=validate.OneOf(REPORT_KINDS))

    @validates("period")
    def _valid_period(self, value, **_):
        _period_label(value)


class ReportSummarySchema(Schema):
    id = fields.String(required=True, attribute="_id")
    period = fields.String(required=True)
    from_ = fields.String(required=True, data_key="from", attribute="from")
    to = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(REPORT_KINDS))
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    sha256 = fields.String(required=True, metadata={
        "description": "Of the content while draft; once submitted, of the package's manifest.json (which lists "
                       "the SHA-256 of the PDF, the XLSX and every evidence file, and the content's), frozen"})
    created_at = Timestamp(required=True)
    created_by = fields.String(allow_none=True)
    computed_at = Timestamp(required=True)
    submitted_at = Timestamp(allow_none=True)
    submitted_by = fields.String(allow_none=True)
    version = fields.Integer(required=True, metadata={"description": "+1 per event of the report"})
    draft_version = fields.Integer(load_default=1, dump_default=1, metadata={
        "description": "+1 per change of a draft (recomputation, narrative): the ETag, for If-Match"})
    content_sha256 = fields.String(allow_none=True, metadata={"description": "Of the content"})
    revision = fields.Integer(required=True, metadata={
        "description": "1 for the report as first submitted, n+1 for a revision of version n"})
    revision_of = fields.String(allow_none=True, metadata={"description": "The id of the version it corrects"})


class NarrativeTextSchema(Schema):
    tr = Text(load_default="", validate=validate.Length(max=narrative.MAX_CHARS))
    en = Text(load_default="", validate=validate.Length(max=narrative.MAX_CHARS))


class NarrativeSchema(Schema):
    summary = fields.Nested(NarrativeTextSchema)
    activities = fields.Nested(NarrativeTextSchema)
    challenges = fields.Nested(NarrativeTextSchema)
    next_steps = fields.Nested(NarrativeTextSchema)


class ReportUpdateSchema(Schema):
    narrative = fields.Nested(NarrativeSchema, required=True, metadata={
        "description": "Replaces the narrative: a section or language left out is empty"})


class RevisionCreateSchema(Schema):
    reason = Text(required=True, validate=validate.Length(min=1, max=2000),
                  metadata={"description": "Why the submitted version is corrected (printed on the revision)"})


class ApprovalSchema(Schema):
    submitted_by = fields.String(allow_none=True)
    role = fields.String(allow_none=True)
    submitted_at = fields.String(allow_none=True)


class VersionSchema(Schema):
    id = fields.String(required=True)
    revision = fields.Integer(required=True)
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    sha256 = fields.String(allow_none=True, metadata={"description": "Of its manifest.json, once submitted"})
    previous_sha256 = fields.String(allow_none=True)
    submitted_at = Timestamp(allow_none=True)
    submitted_by = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)


class PeriodEvidenceSchema(Schema):
    id = fields.String(required=True)
    source = fields.String(required=True, validate=validate.OneOf(("meeting", "expenditure")))
    owner_id = fields.String(required=True, metadata={"description": "the meeting's or the expenditure's id"})
    kind = fields.String(required=True)
    filename = fields.String(required=True)
    content_type = fields.String(required=True)
    size = fields.Integer(required=True)
    sha256 = fields.String(required=True)
    uploaded_at = fields.String(required=True)


class ReportSchema(ReportSummarySchema):
    content = fields.Dict(required=True, metadata={
        "description": "Indicators, meetings of the period, financial summary and funding statement"})
    narrative = fields.Nested(NarrativeSchema, metadata={"description": "Turkish and English, editable while draft"})
    approval = fields.Nested(ApprovalSchema, allow_none=True, metadata={
        "description": "Who submitted it (subject and role of the token) and when; null while draft"})
    previous_sha256 = fields.String(allow_none=True, metadata={
        "description": "The SHA-256 of the version it corrects (a revision only)"})
    reason = fields.String(allow_none=True, metadata={"description": "Why it corrects that version"})
    versions = fields.List(fields.Nested(VersionSchema), metadata={
        "description": "Every version of the report, the first one first"})
    evidence = fields.List(fields.Nested(PeriodEvidenceSchema), metadata={
        "description": "The evidence of the period as it stands (files of its held meetings, kept by the events "
                       "service at GET /api/v1/evidence/{id}, and of its expenditures, kept here)"})


class ReportQuerySchema(PageQuerySchema):
    status = fields.String(validate=validate.OneOf(STATUSES))
    kind = fields.String(validate=validate.OneOf(REPORT_KINDS))
    period = fields.String(validate=validate.Length(min=1, max=30))
    sort = fields.String(load_default="-created_at", validate=validate.OneOf(REPORT_SORTS),
                         metadata={"description": "-created_at (newest first, the default), created_at, "
                                                  "-period or period (by the period's start)"})


class ExportQuerySchema(Schema):
    format = fields.String(required=True, validate=validate.OneOf(FORMATS))
    lang = fields.String(load_default="bi", validate=validate.OneOf(LANGS),
                         metadata={"description": "bi: Turkish and English side by side (default); en; tr"})

