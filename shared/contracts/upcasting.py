"""Upcasters: how an event of an older type version reads as the current one.

Each entry turns the payload of `type vN` into the payload of `type vN+1`; `upcast`
follows the chain to the newest version. The event registry is handed `upcast`
(catalogue.py), so every reader of events gets the current shape whatever version was
written: the consumer runtime (`EventRegistry.validate`), `tvp replay`
(`EventRegistry.current`) and reporting's rebuild from its journal. An upcaster must be
total and deterministic: the event log is history, and a rebuild from it must give the
same read models as a log written in the current version (tests/integration/reporting/
test_upcasting.py proves it for meeting.scheduled v1 → v2).
"""

from __future__ import annotations

from typing import Callable

from . import events

PayloadUpcaster = Callable[[dict], dict]


def scheduled_v1_to_v2(data: dict) -> dict:
    """v1 told the place twice (`province`: the venue's, else the host's; `venue.province`); v2 once."""
    data = dict(data)
    venue = data.pop("venue", None) or {}
    province = data.pop("province", None)
    if province is None:
        source = None
    else:
        source = "venue" if venue.get("province") else "host"
    data["location"] = {
        "city": venue.get("city"),
        "address": venue.get("address"),
        "province": province,
        "province_source": source,
    }
    return data


# type vN -> (type vN+1, the payload upcaster)
UPCASTERS: dict[str, tuple[str, PayloadUpcaster]] = {
    events.SCHEDULED_V1: (events.SCHEDULED, scheduled_v1_to_v2),
}


def upcast(type_: str, data: dict) -> tuple[str, dict]:
    """(type, payload) of the newest version; unchanged when `type_` is current."""
    while type_ in UPCASTERS:
        type_, upcaster = UPCASTERS[type_]
        data = upcaster(data)
    return type_, data
