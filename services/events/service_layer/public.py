"""The public view of a meeting (tvp.public.meetings.v1, shared/contracts/public.py).

Written by `meetings.schedule` and `meetings.mutate` in the same outbox write as the
internal events, whenever the view changed. Counts only: no registrant, no person id,
no free text that could name someone (description, cancellation reason, decision text,
venue address). Registration and attendance counts and the quorum appear once the
meeting is held, when they are final: a registration or an attendance on its own changes
nothing public (no record per person, and no contention on busy meetings).
"""
from __future__ import annotations

from shared.clock import local_iso
from shared.contracts import public as contract

from ..domain.meeting import confirmed_count

ATTENDANCE_COUNTS = ("attendances", "by_gender", "by_province", "by_organisation_kind", "by_size_class",
                     "distinct_organisations", "distinct_smes")
QUORUM_FIELDS = ("seated", "present", "required", "met")


def view(meeting: dict) -> dict:
    """The public payload (without `changes`) of a stored meeting document."""
    held = meeting.get("status") == "held"
    registrations = meeting.get("registrations") or []
    summary = meeting.get("attendance_summary") if held else None
    quorum = meeting.get("quorum") if held else None
    venue = meeting.get("venue") or {}
    return {
        "id": meeting["_id"], "kind": meeting["kind"], "title": meeting["title"], "body": meeting.get("body"),
        "sequence": meeting.get("final_sequence"),
        "host_organisation_id": meeting["host_organisation_id"],
        "city": venue.get("city"), "province": meeting.get("province"),
        "starts_at": local_iso(meeting["starts_at"]), "ends_at": local_iso(meeting["ends_at"]),
        "themes": list(meeting.get("themes") or []), "capacity": meeting.get("capacity"),
        "status": meeting["status"],
        "registrations": confirmed_count(meeting) if held else None,
        "waitlisted": sum(1 for r in registrations if r.get("status") == "waitlisted") if held else None,
        "held_at": local_iso(meeting.get("held_at")) if held else None,
        "attendance": {name: summary[name] for name in ATTENDANCE_COUNTS} if summary else None,
        "quorum": {name: quorum[name] for name in QUORUM_FIELDS} if quorum else None,
        "decisions": len(meeting.get("decisions") or []),
    }


def publication(before: dict | None, after: dict, events: list[tuple[str, dict]]) -> list[tuple[str, dict]]:
    """The public events to write with a change: none when the public view did not change."""
    current = view(after)
    if before is not None and view(before) == current:
        return []
    changes = list(dict.fromkeys(type_.split(".")[4] for type_, _ in events))
    return [(contract.MEETING_PUBLISHED, current | {"changes": changes})]
