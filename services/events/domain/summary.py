"""The final attendance summary of a meeting: counts only, no personal data."""
from __future__ import annotations

from collections import Counter

UNKNOWN = "unknown"
NO_SIZE = "none"


def attendance_summary(attended: list[dict]) -> dict:
    by_gender, by_province, by_kind, by_size = Counter(), Counter(), Counter(), Counter()
    organisations: dict[str, dict] = {}
    for registration in attended:
        organisation = registration.get("organisation") or {}
        by_gender[registration.get("gender") or "undisclosed"] += 1
        by_province[registration.get("province") or organisation.get("province") or UNKNOWN] += 1
        by_kind[organisation.get("kind") or UNKNOWN] += 1
        by_size[organisation.get("size_class") or NO_SIZE] += 1
        if organisation.get("key"):
            organisations.setdefault(organisation["key"], {
                name: organisation.get(name) for name in ("id", "key", "kind", "size_class", "province")}
                | {"is_sme": bool(organisation.get("is_sme")), "member": bool(organisation.get("member"))})
    listed = sorted(organisations.values(), key=lambda o: o["key"])
    smes = [o for o in listed if o["is_sme"]]
    return {
        "attendances": len(attended),
        "by_gender": dict(sorted(by_gender.items())),
        "by_province": dict(sorted(by_province.items())),
        "by_organisation_kind": dict(sorted(by_kind.items())),
        "by_size_class": dict(sorted(by_size.items())),
        "distinct_organisations": len(listed),
        "distinct_smes": len(smes),
        "organisations": listed,
        "smes": smes,
    }
