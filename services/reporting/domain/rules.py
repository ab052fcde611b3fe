"""The projection rules: how members' and events' events become reporting's counters. Pure, no I/O.

Everything the indicators need is kept as integer counters in calendar buckets
(see periods.py). Each aggregate remembers what it currently adds to the
buckets (`counted`), and a change is applied as the difference between what it
adds now and what it added before. So a meeting whose final attendance summary
differs from the attendance recorded live, or an organisation that changes its
kind while active, moves exactly the right amounts, and re-applying a state
changes nothing.

Counter paths (`<group>.<dimension>.<value>`):

- `oi1.*`   change of the number of active member organisations on that day (+1 approved or
            reinstated, -1 suspended or withdrawn), by kind and province; summed up to a day it
            gives the active members at the end of that day;
- `oi2.*`   governance meetings held, with quorum, by body;
- `oi3.*`   capacity-building meetings held, by kind, theme and province;
- `oi4.*`   attendances at capacity-building meetings, by gender, province and organisation kind;
- `oi5.*`   SMEs attending a capacity-building meeting, counted once per bucket, by size class and
            province; `oi5f.*` the same counted once ever, in the bucket of its first such day;
- `oi6.*`   organisations taking part in any meeting, once per bucket, by kind; `oi6f.*` once ever.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date

from shared.contracts.events import (
    ATTENDANCE_RECORDED,
    CANCELLED,
    CAPACITY_BUILDING_KINDS,
    DECISION_RECORDED,
    EVIDENCE_ADDED,
    FIXED_BODY,
    GOVERNANCE_KINDS,
    HELD,
    RESCHEDULED,
    SCHEDULED,
)
from shared.contracts.members import ORGANISATION_TYPES

from .periods import buckets_of, local_day

UNKNOWN = "unknown"
NO_SIZE = "none"
ORG_TYPES = ORGANISATION_TYPES
ATTENDANCE, DECISION = ATTENDANCE_RECORDED, DECISION_RECORDED
MEETING_TYPES = (SCHEDULED, RESCHEDULED, CANCELLED, HELD, ATTENDANCE, DECISION)
# Consumed for the reports' lists of evidence, not for the counts.
EVIDENCE_TYPES = (EVIDENCE_ADDED,)


def seg(value) -> str:
    """A value as one segment of a counter path (MongoDB field names take no '.' and no leading '$')."""
    text = str(value) if value not in (None, "") else UNKNOWN
    return text.replace(".", "_").replace("$", "_")


def is_capacity_building(kind: str | None) -> bool:
    return kind in CAPACITY_BUILDING_KINDS


def is_governance(kind: str | None) -> bool:
    return kind in GOVERNANCE_KINDS


def add(target: dict, paths: dict, sign: int = 1) -> None:
    for path, n in paths.items():
        target[path] = target.get(path, 0) + sign * n


class Deltas:
    """Counter changes per bucket, gathered over a batch and written with one $inc per bucket."""

    def __init__(self):
        self.by_bucket: dict[str, dict[str, int]] = defaultdict(dict)

    def add_day(self, day: date | str, paths: dict, sign: int = 1) -> None:
        if not paths:
            return
        day = date.fromisoformat(day) if isinstance(day, str) else day
        for bucket in buckets_of(day):
            add(self.by_bucket[bucket], paths, sign)

    def merged(self) -> dict[str, dict[str, int]]:
        return {b: {p: n for p, n in paths.items() if n} for b, paths in self.by_bucket.items()
                if any(paths.values())}


def move(deltas: Deltas, before: dict | None, after: dict | None) -> None:
    """Replace what an aggregate added ({"day", "paths"}) by what it adds now."""
    if before and after and before["day"] == after["day"]:
        diff = dict(after["paths"])
        add(diff, before["paths"], -1)
        deltas.add_day(after["day"], {p: n for p, n in diff.items() if n})
        return
    if before:
        deltas.add_day(before["day"], before["paths"], -1)
    if after:
        deltas.add_day(after["day"], after["paths"])


# -- membership (OI.1) ---------------------------------------------------------------

ORG_FIELDS = ("name", "short_name", "kind", "province", "size_class", "is_sme", "status")


def org_event_time(event) -> str:
    return event.data.get("at") or event.time


def apply_org_event(doc: dict | None, event, deltas: Deltas) -> dict | None:
    """The organisation after `event`, or None when the event is not newer than what is stored."""
    if doc is not None and doc.get("version", 0) >= event.aggregateversion:
        return None
    new = dict(doc or {"_id": event.aggregate_id, "history": []})
    for name in ORG_FIELDS:
        if name in event.data:
            new[name] = event.data[name]
    at = org_event_time(event)
    day = local_day(at).isoformat()
    if (doc or {}).get("status") != new.get("status"):
        new["history"] = list(new.get("history") or []) + [{"status": new.get("status"), "at": at}]
    new["version"] = event.aggregateversion
    before = (doc or {}).get("counted")
    after = None
    if new.get("status") == "active":
        attrs = {"kind": seg(new.get("kind")), "province": seg(new.get("province"))}
        if before and {k: before.get(k) for k in attrs} == attrs:
            after = before  # still active, nothing that is counted changed
        else:
            after = {"day": day, **attrs}
    if before is not after:
        if before:
            deltas.add_day(day, _active_paths(before), -1)
        if after:
            deltas.add_day(day, _active_paths(after))
    new["counted"] = after
    return new


def _active_paths(counted: dict) -> dict:
    return {"oi1.total": 1, f"oi1.kind.{counted['kind']}": 1, f"oi1.province.{counted['province']}": 1}


# -- meetings (OI.2, OI.3, OI.4) ----------------------------------------------------------

def attendance_keys(data: dict) -> tuple[str, str, str, str]:
    """(gender, province, organisation kind, size class) of one attendance, as the events service counts them."""
    organisation = data.get("organisation") or {}
    return (seg(data.get("gender") or "undisclosed"), seg(data.get("province") or organisation.get("province")),
            seg(organisation.get("kind")), seg(organisation.get("size_class") or NO_SIZE))


def empty_attendance() -> dict:
    return {"total": 0, "gender": {}, "province": {}, "kind": {}, "size": {}}


def apply_meeting_event(doc: dict | None, event) -> dict | None:
    """The meeting after `event`, or None when the event is not newer than what is stored."""
    if doc is not None and doc.get("version", 0) >= event.aggregateversion:
        return None
    data = event.data
    new = dict(doc or {"_id": event.aggregate_id, "status": "scheduled", "att": empty_attendance(),
                       "decisions": 0, "final": False})
    new["version"] = event.aggregateversion
    if event.type in (SCHEDULED, HELD):
        for name in ("kind", "title", "body", "host_organisation_id", "province", "themes", "starts_at", "ends_at"):
            if name in data:
                new[name] = data[name]
        if data.get("sequence") is not None or event.type == SCHEDULED:
            new["sequence"] = data.get("sequence")
        if event.type == SCHEDULED:
            new["status"] = data.get("status") or "scheduled"
            new["description"] = data.get("description")
            new["location"] = data["location"]
            new["province"] = data["location"]["province"]
            new["host"] = data.get("host")
    if event.type == RESCHEDULED:
        new.update(starts_at=data["starts_at"], ends_at=data["ends_at"], sequence=data.get("sequence"))
    elif event.type == CANCELLED:
        new.update(status="cancelled", cancelled_reason=data.get("reason"))
    elif event.type == ATTENDANCE and not new.get("final"):
        new["reached"] = dict(new.get("reached") or {})
        remember_reached(new, data.get("organisation"))
        gender, province, kind, size = attendance_keys(data)
        att = {name: dict(value) if isinstance(value, dict) else value for name, value in new["att"].items()}
        att["total"] += 1
        for name, value in (("gender", gender), ("province", province), ("kind", kind), ("size", size)):
            att[name][value] = att[name].get(value, 0) + 1
        new["att"] = att
        new.setdefault("attendance_at", data.get("at"))
    elif event.type == DECISION:
        new["decisions"] = max(new.get("decisions") or 0, data.get("n") or 0)
    elif event.type == HELD:
        summary = data["attendance"]
        new["reached"] = dict(new.get("reached") or {})
        for organisation in summary["organisations"]:
            remember_reached(new, organisation)
        new.update(status="held", held_at=data["held_at"], quorum=data.get("quorum"),
                   registrations=data["registrations"],
                   decisions=data["decisions"], final=True, att={
                       "total": summary["attendances"],
                       "gender": {seg(k): v for k, v in summary["by_gender"].items()},
                       "province": {seg(k): v for k, v in summary["by_province"].items()},
                       "kind": {seg(k): v for k, v in summary["by_organisation_kind"].items()},
                       "size": {seg(k): v for k, v in summary["by_size_class"].items()}},
                   distinct_organisations=summary["distinct_organisations"], distinct_smes=summary["distinct_smes"])
    if new.get("starts_at"):
        new["day"] = local_day(new["starts_at"]).isoformat()
    elif new.get("attendance_at") and not new.get("day"):
        new["day"] = local_day(new["attendance_at"]).isoformat()  # start unknown (never seen scheduled)
    return new


def body_of(doc: dict) -> str:
    return seg(doc.get("body") or FIXED_BODY.get(doc.get("kind")) or doc.get("kind"))


def meeting_paths(doc: dict) -> dict:
    """What a meeting adds to the counters of its day, in its current state."""
    if doc.get("status") == "cancelled" or not doc.get("day"):
        return {}
    kind = doc.get("kind")
    paths: dict[str, int] = {}
    if doc.get("status") == "held" and is_governance(kind):
        body = body_of(doc)
        paths.update({"oi2.total": 1, f"oi2.body.{body}": 1})
        if (doc.get("quorum") or {}).get("met"):
            paths.update({"oi2.quorum.total": 1, f"oi2.quorum.body.{body}": 1})
    if is_capacity_building(kind):
        if doc.get("status") == "held":
            paths.update({"oi3.total": 1, f"oi3.kind.{seg(kind)}": 1, f"oi3.province.{seg(doc.get('province'))}": 1})
            for theme in doc.get("themes") or ["unspecified"]:
                paths[f"oi3.theme.{seg(theme)}"] = 1
        att = doc.get("att") or {}
        if att.get("total"):
            paths["oi4.total"] = att["total"]
            for name, dimension in (("gender", "gender"), ("province", "province"), ("kind", "organisation_kind")):
                for value, n in (att.get(name) or {}).items():
                    if n:
                        paths[f"oi4.{dimension}.{value}"] = n
    return paths


def counted(doc: dict) -> dict | None:
    paths = meeting_paths(doc)
    return {"day": doc["day"], "paths": paths} if paths else None


# -- reach: distinct organisations and SMEs (OI.5, OI.6) -----------------------------------

def reach_of(meeting: dict, organisation: dict) -> list[tuple[str, dict]]:
    """The categories an organisation taking part in `meeting` counts in, with the attributes counted."""
    if not organisation or not organisation.get("key"):
        return []
    reached = [("org", {"kind": seg(organisation.get("kind"))})]
    if is_capacity_building(meeting.get("kind")) and organisation.get("is_sme"):
        reached.append(("sme", {"size_class": seg(organisation.get("size_class")),
                                "province": seg(organisation.get("province"))}))
    return reached


def reach_paths(category: str, attrs: dict, first: bool = False) -> dict:
    group = ("oi6" if category == "org" else "oi5") + ("f" if first else "")
    return {f"{group}.total": 1, **{f"{group}.{name}.{value}": 1 for name, value in attrs.items()}}


def mark_id(category: str, bucket: str, key: str) -> str:
    return f"{category}|{bucket}|{key}"


class Reach:
    """Organisations reached in a batch: (category, key) -> {day: attrs}, first attributes seen kept."""

    def __init__(self):
        self.seen: dict[tuple[str, str], dict[str, dict]] = defaultdict(dict)

    def add(self, meeting: dict, organisation: dict) -> None:
        if not meeting.get("day"):
            return
        for category, attrs in reach_of(meeting, organisation):
            self.seen[(category, organisation["key"])].setdefault(meeting["day"], attrs)

    def candidate_marks(self) -> dict[str, tuple[str, str, str, dict]]:
        """mark id -> (category, bucket, key, attrs) for the year, half, quarter and month of every day reached.

        Day buckets get no marks: a range that is not made of whole months takes its partial months
        from the organisations reached by the meetings of those days (see service_layer/indicators.py).
        """
        marks = {}
        for (category, key), days in self.seen.items():
            for day in sorted(days):
                for bucket in buckets_of(date.fromisoformat(day))[:-1]:
                    marks.setdefault(mark_id(category, bucket, key), (category, bucket, key, days[day]))
        return marks

    def first_days(self) -> dict[str, tuple[str, str, str, dict]]:
        """first id -> (category, key, earliest day in the batch, attrs)."""
        result = {}
        for (category, key), days in self.seen.items():
            day = min(days)
            result[f"{category}|{key}"] = (category, key, day, days[day])
        return result


def remember_reached(meeting: dict, organisation: dict | None) -> None:
    """Keep on the meeting the organisations it reached (no names), for distinct counts over any range."""
    if not organisation or not organisation.get("key"):
        return
    reached = meeting.setdefault("reached", {})
    reached.setdefault(seg(organisation["key"]), {name: organisation.get(name)
                                                  for name in ("kind", "size_class", "province", "is_sme")})
