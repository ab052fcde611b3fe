"""What the members API asks the service to do: one frozen dataclass per command.

Each holds what the HTTP layer parsed and validated (schemas in entrypoints/schemas.py);
`precondition` is the request's If-Match, where the contract lets clients send one
(the message bus answers 412 instead of retrying when it is set and the aggregate moved on).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Mapping, NamedTuple

from shared.concurrency import Precondition


@dataclass(frozen=True)
class RegisterOrganisation:
    details: Mapping[str, Any]  # the fields of OrganisationCreateSchema


@dataclass(frozen=True)
class UpdateOrganisation:
    organisation_id: str
    changes: Mapping[str, Any]  # only the fields the client sent; None clears an optional one
    precondition: Precondition | None = None


@dataclass(frozen=True)
class ChangeMembership:
    organisation_id: str
    action: str  # approve | suspend | reinstate | withdraw
    reason: str | None = None
    precondition: Precondition | None = None


@dataclass(frozen=True)
class RegisterPerson:
    details: Mapping[str, Any]  # the fields of PersonCreateSchema, organisation_id included


@dataclass(frozen=True)
class UpdatePerson:
    person_id: str
    changes: Mapping[str, Any]
    precondition: Precondition | None = None


@dataclass(frozen=True)
class ErasePerson:
    person_id: str
    precondition: Precondition | None = None


@dataclass(frozen=True)
class CreateWorkingGroup:
    code: str
    name: str
    name_tr: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class AssignSeat:
    body: str
    person_id: str
    role: str
    term_start: date
    term_end: date | None = None


@dataclass(frozen=True)
class EndSeat:
    body: str
    seat_id: str
    ended_on: date | None = None
    reason: str | None = None
    precondition: Precondition | None = None


# The read side (rule: every read is `read(uow, query, principal)` over the repositories; no retries, no events).

@dataclass(frozen=True)
class Page:
    page: int = 1
    page_size: int = 20


@dataclass(frozen=True)
class ListOrganisations(Page):
    filters: Mapping[str, Any] = field(default_factory=dict)  # kind, province, status, region, is_sme, q
    sort: str = "name"  # one of ORGANISATION_SORTS; "-" first for descending


@dataclass(frozen=True)
class ListOrganisationsToExport:
    filters: Mapping[str, Any] = field(default_factory=dict)  # those of ListOrganisations
    sort: str = "name"


class ImportRow(NamedTuple):
    """A valid row of an organisation file (not a command: what GetImportPlan reads)."""
    row: int  # the row's number in the file, as a person sees it in Excel
    details: Mapping[str, Any]  # the row as OrganisationCreateSchema loaded it


@dataclass(frozen=True)
class GetImportPlan:
    """Which valid rows of a file would be new organisations, and which duplicate one (a read)."""
    rows: list[ImportRow]


@dataclass(frozen=True)
class GetOrganisation:
    organisation_id: str


@dataclass(frozen=True)
class GetMembershipHistory:
    organisation_id: str


@dataclass(frozen=True)
class ListPeople(Page):
    organisation_id: str | None = None
    q: str | None = None


@dataclass(frozen=True)
class GetPerson:
    person_id: str


@dataclass(frozen=True)
class ListBodies(Page):
    pass


@dataclass(frozen=True)
class GetBody:
    code: str


@dataclass(frozen=True)
class GetBodyHistory(Page):
    code: str = ""
    status: str | None = None


@dataclass(frozen=True)
class GetSeat:
    body: str
    seat_id: str
