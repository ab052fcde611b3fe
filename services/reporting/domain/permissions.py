"""Who may do what in reporting. Every rule here depends on the role only, so the door applies them
(ACCESS, read by shared.web.security.guarded); use cases would call
`shared.permissions.require(permissions.can_…(…), message)` for a rule that depends on the resource.

platform_admin: everything. programme_officer: reports. auditor: read. chamber_admin: the indicators.
"""
from __future__ import annotations

from shared.access import EVERY_ROLE, allow, privacy_rows
from shared.auth import Principal

OFFICERS = ("platform_admin", "programme_officer")
READERS = ("platform_admin", "programme_officer", "auditor")
ADMINS = ("platform_admin",)

API = "/api/v1"
REPORT = f"{API}/reports/{{report_id}}"

# One line per route and method; a route added without its line stops the service from starting.
ACCESS = {
    ("GET", f"{API}/programme"): allow(*EVERY_ROLE),
    ("PUT", f"{API}/programme"): allow(*ADMINS),
    ("GET", f"{API}/indicators"): allow(*EVERY_ROLE),
    ("GET", f"{API}/expenditures"): allow(*READERS),
    ("POST", f"{API}/expenditures"): allow(*ADMINS),
    ("GET", f"{API}/expenditures/{{expenditure_id}}"): allow(*READERS),
    ("GET", f"{API}/expenditures/{{expenditure_id}}/evidence"): allow(*READERS),
    ("POST", f"{API}/expenditures/{{expenditure_id}}/evidence"): allow(
        *OFFICERS, note="not once a submitted report's period holds the expenditure's day"),
    ("GET", f"{API}/evidence/{{evidence_id}}"): allow(*READERS, note="expenditures' files"),
    ("GET", f"{API}/reports"): allow(*READERS),
    ("POST", f"{API}/reports"): allow(*OFFICERS),
    ("GET", REPORT): allow(*READERS),
    ("PUT", REPORT): allow(*OFFICERS, note="drafts only: the narrative"),
    ("DELETE", REPORT): allow(*OFFICERS, note="drafts only"),
    ("POST", f"{REPORT}/recompute"): allow(*OFFICERS, note="drafts only"),
    ("POST", f"{REPORT}/submit"): allow(*OFFICERS),
    ("GET", f"{REPORT}/export"): allow(*READERS),
    ("GET", f"{REPORT}/package.zip"): allow(*READERS),
    ("POST", f"{REPORT}/revisions"): allow(*OFFICERS, note="submitted reports only"),
    **privacy_rows(person_of_own_organisation=False),
}


def can_read(principal: Principal) -> bool:
    return principal.role in READERS


def can_write_reports(principal: Principal) -> bool:
    return principal.role in OFFICERS


def can_add_expenditure_evidence(principal: Principal) -> bool:
    """Officers keep the supporting files of the expenditures they report (recording one is an admin's)."""
    return principal.role in OFFICERS


def can_configure_programme(principal: Principal) -> bool:
    return principal.role in ADMINS
