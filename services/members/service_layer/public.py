"""The public view of an organisation (tvp.public.members.v1, shared/contracts/public.py).

Written by the organisation use cases in the same outbox write as the internal event,
whenever the view changed. Only organisations that are or were members are shown: an
applicant appears when it is approved. Never shown: tax number, e-mail, employees,
contact people, the membership history's reasons and actors.
"""
from __future__ import annotations

from shared.clock import local_iso
from shared.contracts import public as contract

FIELDS = ["name", "short_name", "kind", "province", "district", "region", "nace_code", "size_class", "is_sme",
          "website", "status"]


def view(document: dict, history: list[dict] | None = None) -> dict | None:
    """The public payload (without `changes`), or None while the organisation was never a member."""
    history = document.get("status_history", []) if history is None else history
    approvals = [entry.get("at") for entry in history if entry.get("status") == "active"]
    if not approvals and document.get("status") != "active":
        return None
    return {"id": document["_id"], **{name: document.get(name) for name in FIELDS},
            "is_sme": bool(document.get("is_sme")),
            "member_since": local_iso(approvals[0], "seconds") if approvals else None}


def publication(before: dict | None, after: dict, changes: list[str],
                history: list[dict] | None = None) -> list[tuple[str, dict]]:
    """The public events to write with a change: none when the public view did not change."""
    current = view(after, history)
    if current is None or (before is not None and view(before) == current):
        return []
    return [(contract.ORGANISATION_PUBLISHED, current | {"changes": changes})]
