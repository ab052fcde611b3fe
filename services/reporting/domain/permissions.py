"""Who may do what in reporting. Every rule here depends on the role only, so the entrypoints
apply them at the door (shared.web.security.requires); use cases would call
`shared.permissions.require(permissions.can_…(…), message)` for a rule that depends on the resource.

platform_admin: everything. programme_officer: reports. auditor: read. chamber_admin: the indicators.
"""
from __future__ import annotations

from shared.auth import Principal

# Role sets for `requires(blp, *ROLES)`; platform_admin is always allowed there.
OFFICERS = ("platform_admin", "programme_officer")
READERS = ("platform_admin", "programme_officer", "auditor")
ADMINS = ("platform_admin",)


def can_read(principal: Principal) -> bool:
    return principal.role in READERS


def can_write_reports(principal: Principal) -> bool:
    return principal.role in OFFICERS


def can_configure_programme(principal: Principal) -> bool:
    return principal.role in ADMINS
