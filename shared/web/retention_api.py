"""The retention endpoints, the same on every service that runs a retention policy (members, events).

`GET /api/v1/retention/policy` (any role: what is kept how long and why is no secret; KVKK Art. 10 asks
the controller to tell it), `POST /api/v1/retention/run` (platform_admin) and `GET /api/v1/retention/log`
(platform_admin, auditor). The service hands in its policy and its `RunRetention` command class, so this
module knows no category.
"""

from __future__ import annotations

from typing import Callable

from flask.views import MethodView
from marshmallow import Schema, fields

from ..audit.schemas import ActorSchema  # the same actor as in the audit trail
from .bus import handle, reading
from .fields import Timestamp
from .http import ApiBlueprint
from .schemas import ErrorSchema, PageQuerySchema, page_schema
from .security import guarded


class RetentionCategorySchema(Schema):
    category = fields.String(required=True)
    data = fields.String(required=True, metadata={"description": "Which personal data"})
    starts = fields.String(required=True, metadata={"description": "When the retention period starts"})
    period_months = fields.Integer(required=True)
    basis = fields.String(required=True, metadata={"description": "Legal basis (KVKK articles)"})
    action = fields.String(required=True, metadata={"description": "What a run does to a due item"})
    configured_by = fields.String(required=True, metadata={"description": "Environment variable of the period"})


class RetentionPolicySchema(Schema):
    service = fields.String(required=True)
    interval_days = fields.Integer(required=True, metadata={"description": "How often the worker runs it"})
    categories = fields.List(fields.Nested(RetentionCategorySchema), required=True)


class RetentionRunRequestSchema(Schema):
    dry_run = fields.Boolean(load_default=True, metadata={"description": "Count what is due, change nothing"})


class RetentionCountSchema(Schema):
    category = fields.String(required=True)
    count = fields.Integer(required=True, metadata={"description": "Items due (dry run) or anonymised"})
    period_months = fields.Integer(required=True)
    basis = fields.String(required=True)
    cutoff = Timestamp(required=True, metadata={"description": "Items older than this were due"})


class RetentionRunSchema(Schema):
    run_id = fields.String(required=True)
    dry_run = fields.Boolean(required=True)
    started_at = Timestamp(required=True)
    finished_at = Timestamp(required=True)
    categories = fields.List(fields.Nested(RetentionCountSchema), required=True)


class RetentionLogEntrySchema(RetentionCountSchema):
    id = fields.String(required=True, attribute="_id")
    run_id = fields.String(required=True)
    at = Timestamp(required=True)
    dry_run = fields.Boolean(required=True)
    actor = fields.Nested(ActorSchema, required=True, metadata={"description": "Who ran it"})


def retention_blueprint(
    service: str, policy: Callable[[], list], interval_days: Callable[[], int], run_command: Callable[[bool], object]
) -> ApiBlueprint:
    """The three endpoints of `service`; `policy()` gives its configured categories."""
    blp = ApiBlueprint(
        "retention",
        __name__,
        url_prefix="/api/v1/retention",
        description="KVKK retention: the policy, runs and their log (counts, never the data)",
    )

    @blp.route("/policy")
    class Policy(MethodView):
        @guarded(blp)
        @blp.response(200, RetentionPolicySchema)
        def get(self):
            """The retention policy: each category of personal data, its period and legal basis"""
            return {
                "service": service,
                "interval_days": interval_days(),
                "categories": [category.describe() for category in policy()],
            }

    @blp.route("/run")
    class Run(MethodView):
        @guarded(blp)
        @blp.arguments(RetentionRunRequestSchema)
        @blp.response(200, RetentionRunSchema)
        @blp.alt_response(409, schema=ErrorSchema, description="Another retention run is running")
        def post(self, body):
            """Run the retention policy now (dry_run: only count what is due)"""
            return handle(run_command(body["dry_run"]))

    @blp.route("/log")
    class Log(MethodView):
        @guarded(blp)
        @blp.arguments(PageQuerySchema, location="query")
        @blp.response(200, page_schema(RetentionLogEntrySchema))
        def get(self, query):
            """The runs' log, newest first: category, count, time, basis, dry run, who ran it"""
            return reading().retention.log_page(query["page"], query["page_size"])

    return blp
