"""Period reports: computed as drafts, recomputed at will, frozen when submitted.

A report's content is everything its exports show (indicators, meetings,
financial summary, funding statement), computed once and stored. Submitting
stores the content it hashes together with the SHA-256 and the
`report.submitted` event, in one conditional write: from then on neither
changes, whatever events arrive later. One report per period and kind can be
submitted.
"""
from __future__ import annotations

import hashlib
import json

from shared.auth import Principal
from shared.clock import local_iso, utc_now
from shared.contracts import reporting as contract
from shared.errors import Conflict
from shared.ids import new_id
from shared.messaging.outbox import Causation

from ..domain import labels, money
from ..domain.periods import Period, parse_period
from . import evidence, expenditures, indicators, public
from . import programme as programme_settings
from .commands import CreateReport, DeleteReport, RecomputeReport, SubmitReport

SUMMARY_FIELDS = ("period", "from", "to", "kind", "status", "sha256", "created_at", "created_by", "computed_at",
                  "submitted_at", "submitted_by", "version", "revision")


def canonical(content: dict) -> bytes:
    return json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def sha256(content: dict) -> str:
    return hashlib.sha256(canonical(content)).hexdigest()


def submitted_key(period: str, kind: str) -> str:
    """Unique among submitted reports: one per period and kind."""
    return f"{period}|{kind}"


# -- content ---------------------------------------------------------------------------

def meetings_of(uow, period: Period) -> list[dict]:
    gen = uow.projections.active()
    found = gen.held_meetings(period.start.isoformat(), period.end.isoformat())
    found.sort(key=lambda m: (m["day"], m.get("starts_at") or "", m["_id"]))
    hosts = gen.organisations(sorted({m.get("host_organisation_id") for m in found if m.get("host_organisation_id")}),
                              {"name": 1, "short_name": 1})
    shown = []
    for m in found:
        host = hosts.get(m.get("host_organisation_id")) or {}
        att = m.get("att") or {}
        shown.append({
            "id": m["_id"], "date": m["day"], "starts_at": m.get("starts_at"), "kind": m.get("kind"),
            "title": m.get("title"), "body": m.get("body"), "sequence": m.get("sequence"),
            "numbered_title": labels.numbered_title(m, "en") if m.get("sequence") else None,
            "numbered_title_tr": labels.numbered_title(m, "tr") if m.get("sequence") else None,
            "host_organisation_id": m.get("host_organisation_id"),
            "host_name": host.get("short_name") or host.get("name"), "province": m.get("province"),
            "themes": list(m.get("themes") or []), "attendances": att.get("total", 0),
            "by_gender": dict(sorted((att.get("gender") or {}).items())),
            "distinct_organisations": m.get("distinct_organisations", 0), "distinct_smes": m.get("distinct_smes", 0),
            "quorum": m.get("quorum"), "decisions": m.get("decisions", 0),
        })
    return shown


def _line_split(line: str, amount, eu_share) -> dict:
    eu, national = money.split(amount, eu_share)
    return {"budget_line": line, "amount_eur": money.as_number(amount), "eu_eur": money.as_number(eu),
            "national_eur": money.as_number(national)}


def build_content(uow, period: Period, kind: str) -> dict:
    programme = programme_settings.get(uow)
    figures, spent = indicators.compute_with_expenditures(uow, period, programme)
    summary = expenditures.totals(spent, programme["eu_share"])
    return {
        "format": "tvp.reporting.report.v1",
        "kind": kind,
        "period": figures["period"],
        "cumulative_from": figures["cumulative_from"],
        "programme": {k: v for k, v in figures["programme"].items() if k not in ("updated_at", "updated_by")},
        "indicators": figures["indicators"],
        "meetings": meetings_of(uow, period),
        "financial": {
            "currency": "EUR",
            "eu_share_pct": figures["programme"]["eu_share"],
            "national_share_pct": figures["programme"]["national_share"],
            "total_eur": money.as_number(summary["total"]), "eu_eur": money.as_number(summary["eu"]),
            "national_eur": money.as_number(summary["national"]),
            "by_budget_line": [_line_split(line, amount, programme["eu_share"])
                               for line, amount in summary["by_line"].items()],
            "expenditures": [{k: e.get(k) for k in ("date", "budget_line", "description", "amount", "currency",
                                                     "eur_rate", "amount_eur", "meeting_id")} | {"id": e["_id"]}
                             for e in spent],
        },
        "funding_statement": dict(labels.FUNDING_STATEMENT),
        "computed_at": figures["computed_at"],
    }


# -- use cases -------------------------------------------------------------------------

def create(uow, command: CreateReport, principal: Principal, cause: Causation) -> dict:
    period = parse_period(command.period)
    content = build_content(uow, period, command.kind)
    document = {"_id": new_id(), "period": period.label, "from": period.start.isoformat(),
                "to": period.end.isoformat(), "kind": command.kind, "status": "draft", "content": content,
                "sha256": sha256(content), "created_at": utc_now(), "created_by": principal.subject,
                "computed_at": content["computed_at"], "submitted_at": None, "submitted_by": None, "revision": 1}
    uow.reports.add(document, [], cause)
    return get(uow, document["_id"])


def recompute(uow, command: RecomputeReport, principal: Principal, cause: Causation) -> dict:
    report = get(uow, command.report_id)
    if report["status"] != "draft":
        raise Conflict("a submitted report is frozen; it cannot be recomputed")
    content = build_content(uow, parse_period(report["period"]), report["kind"])
    # Submitted or recomputed meanwhile: ConcurrencyConflict, and the bus runs this again from a fresh read.
    uow.reports.replace_draft_content(command.report_id, report["revision"], {
        "content": content, "sha256": sha256(content), "computed_at": content["computed_at"]})
    return get(uow, command.report_id)


def submit(uow, command: SubmitReport, principal: Principal, cause: Causation) -> dict:
    report_id = command.report_id
    report = get(uow, report_id)
    if report["status"] != "draft":
        raise Conflict(f"report {report_id} was already submitted on {local_iso(report['submitted_at'])}")
    content, digest, now, actor = report["content"], sha256(report["content"]), utc_now(), principal.subject
    payload = {
        "id": report_id, "period": report["period"], "from": report["from"], "to": report["to"],
        "kind": report["kind"], "sha256": digest, "submitted_at": local_iso(now), "submitted_by": actor,
        "indicators": [{"code": i["code"], "value": i["value"], "cumulative": i["cumulative"], "target": i["target"],
                        "percent_of_target": i["percent_of_target"]} for i in content["indicators"]],
    }
    # Changed meanwhile: ConcurrencyConflict, and the bus runs this again (409 above once it is submitted);
    # another report of the period and kind submitted first: 409 from the repository (a unique index).
    uow.reports.save(report_id, report["version"], [(contract.SUBMITTED, payload)], cause, set_fields={
        "status": "submitted", "submitted_at": now, "submitted_by": actor, "sha256": digest, "content": content,
        "submitted_key": submitted_key(report["period"], report["kind"])},
        public=public.publication(report, content, digest, local_iso(now)))
    return get(uow, report_id)


def delete(uow, command: DeleteReport, principal: Principal, cause: Causation) -> None:
    if uow.reports.delete_draft(command.report_id):
        return
    get(uow, command.report_id)  # 404 if unknown
    raise Conflict("a submitted report cannot be deleted")


# -- reads ------------------------------------------------------------------------------

def get(uow, report_id: str) -> dict:
    return uow.reports.get(report_id)


def with_evidence(uow, report: dict) -> dict:
    """The report as the API shows it: with the evidence of its period as it stands now
    (evidence.evidence_of_period), whichever call answers with the report."""
    entries = evidence.evidence_of_period(uow, parse_period(report["period"]))
    return report | {"evidence": [entry.as_dict() for entry in entries]}


# The list's `sort` values: by when the report was made, or by the period's start (a year before its halves
# and quarters that start on the same day).
SORTS = {
    "-created_at": [("created_at", -1), ("_id", 1)],
    "created_at": [("created_at", 1), ("_id", 1)],
    "-period": [("from", -1), ("to", 1), ("_id", 1)],  # the exact reverse of "period"
    "period": [("from", 1), ("to", -1), ("_id", 1)],
}


def listing(uow, query: dict) -> dict:
    criteria = {name: query[name] for name in ("status", "kind", "period") if query.get(name)}
    order = SORTS[query.get("sort") or "-created_at"]
    return uow.reports.page(criteria, order, query["page"], query["page_size"],
                            projection={name: 1 for name in SUMMARY_FIELDS})
