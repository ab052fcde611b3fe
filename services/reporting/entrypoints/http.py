"""HTTP plumbing of the reporting API beyond shared/web/http.py: its roles."""
from __future__ import annotations

OFFICERS = ("platform_admin", "programme_officer")
READERS = ("platform_admin", "programme_officer", "auditor")
