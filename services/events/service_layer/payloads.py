"""The payloads of the meeting events (shared/contracts/events.py), built from a stored meeting."""
from __future__ import annotations

from shared.clock import local_iso
from shared.contracts import events as contract

from ..domain.meeting import confirmed_count


def _ref(organisation: dict | None) -> dict:
    organisation = organisation or {}
    return {name: organisation.get(name) for name in ("id", "key", "kind", "size_class", "province")} | {
        "is_sme": bool(organisation.get("is_sme")), "member": bool(organisation.get("member")),
        "key": organisation.get("key") or organisation.get("id") or "unknown"}


def location(meeting: dict) -> dict:
    """The meeting's place as meeting.scheduled.v2 tells it: one province, and which side named it."""
    venue = meeting.get("venue") or {}
    province = meeting.get("province")
    source = "venue" if venue.get("province") else "host" if province else None
    return {"city": venue.get("city"), "address": venue.get("address"), "province": province,
            "province_source": source}


def scheduled(meeting: dict, sequence: int | None) -> tuple[str, dict]:
    return contract.SCHEDULED, {
        "id": meeting["_id"], "kind": meeting["kind"], "title": meeting["title"],
        "description": meeting.get("description"), "body": meeting.get("body"), "sequence": sequence,
        "host_organisation_id": meeting["host_organisation_id"], "host": _ref(meeting.get("host")),
        "location": location(meeting), "starts_at": local_iso(meeting["starts_at"]),
        "ends_at": local_iso(meeting["ends_at"]),
        "themes": list(meeting.get("themes") or []), "capacity": meeting.get("capacity"),
        "status": meeting["status"]}


def rescheduled(meeting: dict, previous_starts_at, previous_ends_at, sequence: int | None) -> tuple[str, dict]:
    return contract.RESCHEDULED, {
        "id": meeting["_id"], "starts_at": local_iso(meeting["starts_at"]), "ends_at": local_iso(meeting["ends_at"]),
        "previous_starts_at": local_iso(previous_starts_at), "previous_ends_at": local_iso(previous_ends_at),
        "sequence": sequence}


def cancelled(meeting: dict) -> tuple[str, dict]:
    return contract.CANCELLED, {"id": meeting["_id"], "reason": meeting["cancellation"]["reason"],
                                "at": local_iso(meeting["cancellation"]["at"])}


def held(meeting: dict) -> tuple[str, dict]:
    summary = dict(meeting["attendance_summary"])
    summary["organisations"] = [_ref(o) for o in summary["organisations"]]
    summary["smes"] = [_ref(o) for o in summary["smes"]]
    return contract.HELD, {
        "id": meeting["_id"], "kind": meeting["kind"], "title": meeting["title"], "body": meeting.get("body"),
        "sequence": meeting.get("final_sequence"), "host_organisation_id": meeting["host_organisation_id"],
        "province": meeting.get("province"), "themes": list(meeting.get("themes") or []),
        "starts_at": local_iso(meeting["starts_at"]), "ends_at": local_iso(meeting["ends_at"]),
        "held_at": local_iso(meeting["held_at"]),
        "registrations": confirmed_count(meeting),
        "attendance": summary, "quorum": meeting.get("quorum"), "decisions": len(meeting.get("decisions") or [])}


def registration_created(meeting: dict, registration: dict) -> tuple[str, dict]:
    return contract.REGISTRATION_CREATED, {
        "id": meeting["_id"], "registration_id": registration["id"], "status": registration["status"],
        "source": registration["source"], "registrant": registration["registrant"],
        "person_id": registration.get("person_id"), "seat_id": registration.get("seat_id"),
        "gender": registration.get("gender"), "province": registration.get("province"),
        "organisation": _ref(registration.get("organisation")),
        "waitlist_position": registration.get("waitlist_position")}


def registration_cancelled(meeting: dict, registration: dict, promoted: dict | None) -> tuple[str, dict]:
    return contract.REGISTRATION_CANCELLED, {
        "id": meeting["_id"], "registration_id": registration["id"], "person_id": registration.get("person_id"),
        "previous_status": registration["previous_status"], "reason": registration.get("cancel_reason"),
        "promoted_registration_id": promoted["id"] if promoted else None}


def attendance_recorded(meeting: dict, registration: dict, seated: bool) -> tuple[str, dict]:
    return contract.ATTENDANCE_RECORDED, {
        "id": meeting["_id"], "registration_id": registration["id"], "registrant": registration["registrant"],
        "person_id": registration.get("person_id"), "seated": seated, "gender": registration.get("gender"),
        "province": registration.get("province"), "organisation": _ref(registration.get("organisation")),
        "at": local_iso(registration["attended_at"])}


def decision_recorded(meeting: dict, decision: dict) -> tuple[str, dict]:
    return contract.DECISION_RECORDED, {
        "id": meeting["_id"], "decision_id": decision["id"], "number": decision["number"], "n": decision["n"],
        "sequence": meeting.get("final_sequence"), "text": decision["text"], "votes": decision.get("votes"),
        "quorum": decision.get("quorum"), "at": local_iso(decision["at"])}
