"""Period reports: computed as drafts, recomputed and narrated at will, frozen when submitted, corrected by
revisions.

A report's content is everything its exports show (indicators, meetings,
financial summary, funding statement), computed once and stored; its narrative
(four sections in Turkish and English) is written while it is a draft. Submitting
freezes its package (package.py: the PDF and XLSX are stored, the manifest lists
them and the period's evidence) and stores the manifest's SHA-256 as the report's
`sha256` (the content's own stays as `content_sha256`), the approval block and the
`report.submitted` event, in one conditional write: from then on nothing of it
changes, whatever events arrive later. One report per period and kind can be
submitted; a correction is a revision of it (revisions.py), a new version with
its own package whose manifest names the SHA-256 of the version it corrects.
"""
from __future__ import annotations

import hashlib
import json

from shared.auth import Principal
from shared.clock import local_iso, utc_now
from shared.concurrency import etag
from shared.contracts import reporting as contract
from shared.errors import Conflict
from shared.ids import new_id
from shared.messaging.outbox import Causation

from ..domain import labels, money, narrative
from ..domain.periods import Period, parse_period
from . import evidence, expenditures, indicators, package, public
from . import programme as programme_settings
from .commands import CreateReport, DeleteReport, RecomputeReport, SubmitReport, UpdateReport

SUMMARY_FIELDS = ("period", "from", "to", "kind", "status", "sha256", "content_sha256", "created_at", "created_by",
                  "computed_at", "submitted_at", "submitted_by", "version", "draft_version", "revision", "revision_of")


def canonical(content: dict) -> bytes:
    return json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def sha256(content: dict) -> str:
    return hashlib.sha256(canonical(content)).hexdigest()


def submitted_key(period: str, kind: str, revision: int = 1) -> str:
    """Unique among submitted reports: one per period and kind (its revisions are versions of that one)."""
    return f"{period}|{kind}" if revision == 1 else f"{period}|{kind}|r{revision}"


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

def new_draft(uow, period: Period, kind: str, principal: Principal, report_id: str | None = None,
              revision: int = 1, lineage: str | None = None) -> dict:
    """A draft computed now: the first version of a report, or (with `lineage`) a revision of one."""
    report_id = report_id or new_id()
    content = build_content(uow, period, kind)
    digest = sha256(content)
    return {"_id": report_id, "period": period.label, "from": period.start.isoformat(),
            "to": period.end.isoformat(), "kind": kind, "status": "draft", "content": content,
            "sha256": digest, "content_sha256": digest, "created_at": utc_now(), "created_by": principal.subject,
            "computed_at": content["computed_at"], "submitted_at": None, "submitted_by": None,
            "narrative": narrative.empty(), "approval": None, "draft_version": 1, "revision": revision,
            "lineage": lineage or report_id, "revision_of": None, "previous_sha256": None, "reason": None,
            "revision_key": f"{lineage or report_id}|{revision}"}


def create(uow, command: CreateReport, principal: Principal, cause: Causation) -> dict:
    document = new_draft(uow, parse_period(command.period), command.kind, principal)
    uow.reports.add(document, [], cause)
    return get(uow, document["_id"])


def _draft(uow, report_id: str, doing: str) -> dict:
    report = get(uow, report_id)
    if report["status"] != "draft":
        raise Conflict(f"a submitted report is frozen; it cannot be {doing} (create a revision to correct it)")
    return report


def recompute(uow, command: RecomputeReport, principal: Principal, cause: Causation) -> dict:
    report = _draft(uow, command.report_id, "recomputed")
    content = build_content(uow, parse_period(report["period"]), report["kind"])
    digest = sha256(content)
    # Submitted or changed meanwhile: ConcurrencyConflict, and the bus runs this again from a fresh read.
    uow.reports.change_draft(command.report_id, draft_version(report), {
        "content": content, "sha256": digest, "content_sha256": digest, "computed_at": content["computed_at"]})
    return get(uow, command.report_id)


def update(uow, command: UpdateReport, principal: Principal, cause: Causation) -> dict:
    """A draft's narrative, replaced whole (a section or language left out is empty)."""
    report = get(uow, command.report_id)
    if command.precondition is not None:
        command.precondition.check(draft_version(report))
    _draft(uow, command.report_id, "edited")
    # Changed meanwhile: 412 when If-Match named the version read, else the bus runs this again.
    uow.reports.change_draft(command.report_id, draft_version(report), {
        "narrative": narrative.complete(command.narrative), "narrated_at": utc_now(),
        "narrated_by": principal.subject})
    return get(uow, command.report_id)


def frozen_fields(report: dict, principal: Principal, now) -> dict:
    """What submitting sets, but the SHA-256 (which hashes the files rendered from the report with these)."""
    return {
        "status": "submitted", "submitted_at": now, "submitted_by": principal.subject, "content": report["content"],
        "content_sha256": sha256(report["content"]), "narrative": narrative.complete(report.get("narrative")),
        "approval": {"submitted_by": principal.subject, "role": principal.role, "submitted_at": local_iso(now)},
        "submitted_key": submitted_key(report["period"], report["kind"], report.get("revision", 1))}


def prepare_submission(report: dict, principal: Principal) -> package.Rendered:
    """The files of a draft as submitted now: rendered by the HTTP layer before the submission runs, since
    rendering takes longer than a command's database budget allows."""
    now = utc_now()
    files = package.rendered(report | frozen_fields(report, principal, now))
    return package.Rendered(draft_version(report), now, files)


def submit(uow, command: SubmitReport, principal: Principal, cause: Causation) -> dict:
    report_id = command.report_id
    report = get(uow, report_id)
    if report["status"] != "draft":
        raise Conflict(f"report {report_id} was already submitted on {local_iso(report['submitted_at'])}")
    prepared = command.prepared or prepare_submission(report, principal)
    if prepared.draft_version != draft_version(report):
        raise Conflict(f"report {report_id} changed while its files were rendered; submit it again")
    frozen = frozen_fields(report, principal, prepared.at) | {"package_key": prepared.key}
    # The files and the manifest first (a lost race below writes them again under the same names); the
    # manifest's SHA-256 is the report's from now on.
    frozen["sha256"] = digest = package.freeze(uow, report | frozen, prepared.files)
    content, now, actor = report["content"], prepared.at, principal.subject
    revision = report.get("revision", 1)
    payload = {
        "id": report_id, "period": report["period"], "from": report["from"], "to": report["to"],
        "kind": report["kind"], "sha256": digest, "submitted_at": local_iso(now), "submitted_by": actor,
        "indicators": [{"code": i["code"], "value": i["value"], "cumulative": i["cumulative"], "target": i["target"],
                        "percent_of_target": i["percent_of_target"]} for i in content["indicators"]],
        "content_sha256": frozen["content_sha256"], "revision": revision, "revision_of": report.get("revision_of"),
        "previous_sha256": report.get("previous_sha256"),
    }
    # Changed meanwhile: ConcurrencyConflict, and the bus runs this again (409 above once it is submitted);
    # another report of the period and kind submitted first: 409 from the repository (a unique index).
    uow.reports.save(report_id, report["version"], [(contract.SUBMITTED, payload)], cause, set_fields=frozen,
                     public=public.publication(report | frozen, content, digest, local_iso(now)))
    return get(uow, report_id)


def delete(uow, command: DeleteReport, principal: Principal, cause: Causation) -> None:
    if uow.reports.delete_draft(command.report_id):
        return
    get(uow, command.report_id)  # 404 if unknown
    raise Conflict("a submitted report cannot be deleted")


# -- reads ------------------------------------------------------------------------------

def get(uow, report_id: str) -> dict:
    return uow.reports.get(report_id)


def draft_version(report: dict) -> int:
    return report.get("draft_version") or 1


def report_etag(report: dict) -> str:
    """A report's ETag: its draft version, which every change of a draft moves on."""
    return etag(draft_version(report))


def version_entry(report: dict) -> dict:
    approval = report.get("approval") or {}
    return {"id": report["_id"], "revision": report.get("revision", 1), "status": report["status"],
            "sha256": report["sha256"] if report["status"] == "submitted" else None,
            "previous_sha256": report.get("previous_sha256"), "submitted_at": report.get("submitted_at"),
            "submitted_by": approval.get("submitted_by") or report.get("submitted_by"),
            "reason": report.get("reason")}


def detail(uow, report_id: str) -> dict:
    """A report as the API shows it: with its narrative in full, the history of its versions and the evidence
    of its period as it stands now (evidence.evidence_of_period)."""
    report = get(uow, report_id)
    versions = uow.reports.versions(report.get("lineage") or report_id)
    entries = evidence.evidence_of_period(uow, parse_period(report["period"]))
    return report | {"narrative": narrative.complete(report.get("narrative")), "draft_version": draft_version(report),
                     "versions": [version_entry(v) for v in versions], "evidence": [e.as_dict() for e in entries]}


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
