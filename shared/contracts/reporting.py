"""Events of the reporting service."""

from marshmallow import Schema, fields, validate

REPORTS = "tvp.reporting.reports"

SUBMITTED = "tr.tvp.reporting.report.submitted.v1"
REPORT_KINDS = ["interim", "final"]


class IndicatorFigurePayload(Schema):
    code = fields.String(required=True)
    value = fields.Float(required=True)
    cumulative = fields.Float(required=True)
    target = fields.Float(allow_none=True)
    percent_of_target = fields.Float(allow_none=True)


class ReportSubmittedPayload(Schema):
    """A period report (or a revision of one) was submitted to the programme: its figures and the SHA-256 of
    its frozen package's manifest (since v2; before, of its content, as `content_sha256` is now)."""

    id = fields.String(required=True)
    period = fields.String(required=True)
    from_ = fields.String(required=True, data_key="from")
    to = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(REPORT_KINDS))
    sha256 = fields.String(required=True, validate=validate.Regexp(r"^[0-9a-f]{64}$"))
    submitted_at = fields.String(required=True)
    submitted_by = fields.String(allow_none=True)
    indicators = fields.List(fields.Nested(IndicatorFigurePayload), required=True)
    content_sha256 = fields.String(allow_none=True, validate=validate.Regexp(r"^[0-9a-f]{64}$"))
    revision = fields.Integer(allow_none=True, metadata={"description": "1, or n+1 for a revision of version n"})
    revision_of = fields.String(allow_none=True, metadata={"description": "the id of the version it corrects"})
    previous_sha256 = fields.String(allow_none=True, metadata={"description": "the SHA-256 of that version"})


def register(registry) -> None:
    registry.register(
        SUBMITTED,
        REPORTS,
        ReportSubmittedPayload,
        "A period report was submitted: its content and SHA-256 are frozen from now on.",
    )
