"""Members' events built as the members service publishes them (per-aggregate versions), for feeding
consumers in tests without running the members service."""
from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import datetime, timezone

from shared.contracts import REGISTRY

ORG = "tr.tvp.members.organisation."
TARGET_STATUS = {"approve": "active", "suspend": "suspended", "reinstate": "active", "withdraw": "withdrawn"}


class EventStream:
    def __init__(self, correlation_id: str = "corr-test"):
        self.versions: dict[str, int] = defaultdict(int)
        self.correlation_id = correlation_id
        self.orgs: dict[str, dict] = {}

    def event(self, type_: str, aggregate_id: str, data: dict):
        self.versions[aggregate_id] += 1
        return REGISTRY.build(type_, aggregate_id, self.versions[aggregate_id], data, self.correlation_id)

    def organisation(self, name="Kırklareli TSO", kind="chamber", province="Kırklareli", size_class=None,
                     organisation_id=None):
        organisation_id = organisation_id or uuid.uuid4().hex
        data = {"id": organisation_id, "name": name, "short_name": None, "kind": kind, "province": province,
                "region": "TR21", "district": None, "tax_number": None, "nace_code": None, "size_class": size_class,
                "is_sme": kind == "company" and size_class in ("micro", "small", "medium"), "employees": None,
                "email": None, "website": None, "status": "applicant"}
        self.orgs[organisation_id] = data
        return organisation_id, self.event(ORG + "registered.v1", organisation_id, data)

    def membership(self, organisation_id, action="approve", at: str | None = None):
        previous = self.orgs[organisation_id]["status"]
        self.orgs[organisation_id]["status"] = TARGET_STATUS[action]
        return self.event(ORG + "membership_changed.v1", organisation_id, {
            **self.orgs[organisation_id], "action": action, "previous_status": previous, "reason": None,
            "actor": "admin", "at": at or datetime.now(timezone.utc).isoformat()})
