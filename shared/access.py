"""The authorisation table: which roles may call each route, and whether a chamber admin may do so only for
its own organisation.

Each service keeps one table (`ACCESS` in services/<name>/domain/permissions.py), one row per route and method,
written with the OpenAPI path (`/api/v1/people/{person_id}`). The door (shared.web.security.guarded) reads the
row of the request's route, so what the table says is what the services do; `check_covers` refuses to start a
service with a guarded route missing from its table or a row naming no route; `python -m infra.access_docs`
renders the tables into docs/access.md, and the access-matrix test tries every row.

The `own` flag is the second half of the rule: the door lets a chamber admin in, and the use case answers 403
unless the resource (or the registrant) belongs to the chamber admin's organisation
(shared.permissions.acts_for, each service's domain predicates).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .auth import ROLES

PLATFORM_ADMIN = "platform_admin"
EVERY_ROLE = ROLES
HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


@dataclass(frozen=True)
class Access:
    """Who passes the door of one route and method."""

    roles: frozenset[str]
    own: bool = False  # a chamber admin only for its own organisation (403 for another's, from the use case)
    public: bool = False  # no token needed
    note: str = ""  # the rule beyond the roles, in words, for docs/access.md

    def admits(self, role: str) -> bool:
        return self.public or role in self.roles


def allow(*roles: str, own: bool = False, note: str = "") -> Access:
    """A row: these roles (platform_admin always) may call the route."""
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles in the access table: {sorted(unknown)}")
    if own and "chamber_admin" not in roles:
        raise ValueError("`own` restricts chamber admins, so the row must admit chamber_admin")
    return Access(frozenset({PLATFORM_ADMIN, *roles}), own=own, note=note)


def public(note: str = "") -> Access:
    """A row for a route anyone may call without a token."""
    return Access(frozenset(ROLES), public=True, note=note)


def privacy_rows(person_of_own_organisation: bool = True) -> dict[tuple[str, str], Access]:
    """The rows of the routes every service mounts from shared/audit: the audit trail and access requests.

    `person_of_own_organisation` False for a service that cannot tell a person's organisation (reporting, which
    holds no personal data and answers any chamber admin with an empty list and no audit entries)."""
    subject_note = (
        "the person's own chamber admin"
        if person_of_own_organisation
        else "holds no personal data: any chamber admin gets the empty answer, without audit entries"
    )
    return {
        ("GET", "/api/v1/audit"): allow("auditor", note="entries carry ids, never the people's data"),
        ("GET", "/api/v1/data-subjects/{person_id}"): allow(
            "chamber_admin", own=person_of_own_organisation, note=f"access requests (KVKK Art. 11); {subject_note}"
        ),
    }


def retention_rows() -> dict[tuple[str, str], Access]:
    """The rows of the retention routes (shared/web/retention_api.py) of a service that runs a retention policy."""
    return {
        ("GET", "/api/v1/retention/policy"): allow(*EVERY_ROLE, note="what is kept how long and why (KVKK Art. 10)"),
        ("POST", "/api/v1/retention/run"): allow(note="dry_run (default true) only counts; counts, never the data"),
        ("GET", "/api/v1/retention/log"): allow("auditor"),
    }


Table = Mapping[tuple[str, str], Access]
"""(HTTP method, OpenAPI path) → Access."""


_FLASK_PARAMETER = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def openapi_path(flask_rule: str) -> str:
    """`/api/v1/people/<person_id>` (a Flask rule, converters included) as OpenAPI writes it."""
    return _FLASK_PARAMETER.sub(r"{\1}", flask_rule)


def row(table: Table, method: str, flask_rule: str) -> Access | None:
    return table.get((method.upper(), openapi_path(flask_rule)))


def missing_rows(table: Table, routes: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """The (method, OpenAPI path) pairs among `routes` that the table has no row for."""
    return sorted({route for route in routes if route not in table})


def rows_without_routes(table: Table, routes: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    return sorted(set(table) - set(routes))


def check_covers(service: str, table: Table, routes: Iterable[tuple[str, str]]) -> None:
    """Raise unless the table has a row for exactly the given (method, OpenAPI path) routes."""
    routes = list(routes)
    missing, stale = missing_rows(table, routes), rows_without_routes(table, routes)
    if missing or stale:
        raise RuntimeError(
            f"the access table of {service} does not match its routes: "
            f"routes without a row {missing or 'none'}; rows without a route {stale or 'none'}"
        )


def predicted_status(access: Access, role: str | None, own_organisation: bool) -> str:
    """The class of answer the table predicts: "401", "403" or "allowed" (2xx, or a 4xx other than 401/403).

    `role` None means a request without a valid token; `own_organisation` False means a chamber admin acting on
    another organisation's resource."""
    if access.public:
        return "allowed"
    if role is None:
        return "401"
    if role not in access.roles:
        return "403"
    if access.own and role == "chamber_admin" and not own_organisation:
        return "403"
    return "allowed"


def _who(access: Access) -> str:
    if access.public:
        return "anyone, no token"
    names = [role for role in ROLES if role in access.roles]
    shown = [f"{role} (own organisation)" if access.own and role == "chamber_admin" else role for role in names]
    return ", ".join(shown)


def render_markdown(tables: Mapping[str, Table]) -> str:
    """The tables as Markdown: one section per service, one line per route and method."""
    lines: list[str] = []
    for service, table in tables.items():
        lines += [f"### {service}", "", "| method | path | who | rule |", "|---|---|---|---|"]
        for (method, path), access in sorted(table.items(), key=lambda item: (item[0][1], item[0][0])):
            lines.append(f"| {method} | `{path}` | {_who(access)} | {access.note} |")
        lines.append("")
    return "\n".join(lines)
