"""Importing organisations from a file: which rows are new, which duplicate one, and creating the new ones.

The entrypoint reads the file (adapters/organisation_files.py) and loads every row through the schema of
POST /organisations; here the valid rows meet the duplicate rule (domain/organisation_import.py) against each
other and the platform (`plan_import`, a read), and a commit registers each new one through the ordinary
RegisterOrganisation command (`commit_import`), so each emits its usual events through the outbox. A row
whose tax number another request registered meanwhile is a duplicate too (the unique index decides).
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Callable

from shared.auth import Principal
from shared.errors import Conflict
from shared.service_layer.unit_of_work import UnitOfWork

from ..domain.organisation_import import DuplicateFinder, Identity
from .commands import GetImportPlan, ImportRow, RegisterOrganisation

# Registrations in flight at once during a commit: one insert waits on the database's durable write most of its
# time, so a few side by side make a 5,000-row file several times faster (benchmarks/member_import.py).
COMMIT_PARALLEL = 8


@dataclass(frozen=True)
class RowIssue:
    row: int
    field: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "field": self.field, "message": self.message}


@dataclass
class ImportPlan:
    new: list[ImportRow]
    duplicates: list[RowIssue]


@dataclass
class ImportReport:
    """The answer to an import, dry run or commit (contract: rows, valid, invalid, duplicates, errors)."""
    rows: int
    errors: list[RowIssue]
    invalid: int
    plan: ImportPlan
    ignored_columns: list[str] = field(default_factory=list)
    created: list[dict] | None = None  # a commit's new organisations (id, row)

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "rows": self.rows, "valid": len(self.plan.new), "invalid": self.invalid,
            "duplicates": len(self.plan.duplicates), "errors": [issue.as_dict() for issue in self.errors],
            "duplicate_rows": [issue.as_dict() for issue in self.plan.duplicates],
            "ignored_columns": self.ignored_columns,
        }
        if self.created is not None:
            body["created"] = len(self.created)
            body["skipped"] = self.rows - len(self.created)
            body["organisations"] = self.created
        return body


def plan_import(uow: UnitOfWork, query: GetImportPlan, principal: Principal) -> ImportPlan:
    """The valid rows split into new organisations and duplicates (of the platform's, or of an earlier row)."""
    known = {found["_id"]: Identity(found.get("tax_number"), found["province"], found["name"])
             for found in uow.organisations.identities()}
    finder = DuplicateFinder(known)
    plan = ImportPlan([], [])
    for row in query.rows:
        duplicate = finder.check(Identity.of(dict(row.details)), row.row)
        if duplicate:
            plan.duplicates.append(RowIssue(row.row, *duplicate))
        else:
            plan.new.append(row)
    return plan


def commit_import(plan: ImportPlan, register: Callable[[RegisterOrganisation], dict],
                  parallel: int = COMMIT_PARALLEL) -> list[dict]:
    """Register every new row, one ordinary command each (`register`: the bus's handle, usable from any thread),
    `parallel` at a time; a tax number taken meanwhile moves the row to the duplicates. The new organisations'
    ids, by row."""

    def one(row: ImportRow) -> dict | RowIssue:
        try:
            return register(RegisterOrganisation(row.details))
        except Conflict as refused:
            return RowIssue(row.row, "tax_number", refused.message)

    with ThreadPoolExecutor(max_workers=parallel, thread_name_prefix="import") as pool:
        outcomes = list(pool.map(one, plan.new))
    created, still_new = [], []
    for row, outcome in zip(plan.new, outcomes, strict=True):
        if isinstance(outcome, RowIssue):
            plan.duplicates.append(outcome)
        else:
            still_new.append(row)
            created.append({"row": row.row, "id": outcome["_id"]})
    plan.new = still_new
    return created
