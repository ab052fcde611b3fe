"""A small world for the console's meetings pages: three active chambers whose presidents sit on the Advisory
Board, as the events service knows them from the members' stream, and two meetings under way hosted by Keşan
TSO (an Advisory Board meeting, whose seated members are invited, and a workshop of capacity 2), scheduled
through the events API by the platform admin."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import requests

from shared.config import PLATFORM_ZONE

from .streams import EventStream

PERSON = "tr.tvp.members.person."
SEAT = "tr.tvp.members.seat."
CHAMBERS = (("Kırklareli TSO", "Kırklareli"), ("Keşan TSO", "Edirne"), ("Çerkezköy TSO", "Tekirdağ"))


class PeopleStream(EventStream):
    """Members' organisations, people and seats, as the events service consumes them."""

    def person(self, organisation_id, full_name, gender="female"):
        person_id = uuid.uuid4().hex
        return person_id, self.event(PERSON + "registered.v1", person_id, {
            "id": person_id, "organisation_id": organisation_id, "full_name": full_name,
            "email": f"{person_id[:8]}@example.org", "title": None, "phone": None, "gender": gender})

    def seat(self, body, person_id, organisation_id):
        seat_id = uuid.uuid4().hex
        return self.event(SEAT + "assigned.v1", seat_id, {
            "id": seat_id, "body": body, "person_id": person_id, "organisation_id": organisation_id,
            "role": "member", "term_start": "2020-01-01", "term_end": None})


def seed_meetings(feed_events, events_url: str, admin_headers: dict) -> dict:
    """`feed_events(*events)` delivers members' events to the events service. Returns the chambers' ids
    (`ids`), their presidents' person ids (`presidents`), the two meetings (`board`, `workshop`) and `now`."""
    stream = PeopleStream()
    ids, presidents = {}, {}
    now = datetime.now(PLATFORM_ZONE).replace(second=0, microsecond=0)
    for name, province in CHAMBERS:
        ids[name], registered = stream.organisation(name, "chamber", province)
        approved = stream.membership(ids[name], at=now.isoformat())
        presidents[name], person = stream.person(ids[name], f"{name.split()[0]} Başkanı")
        feed_events(registered, approved, person, stream.seat("advisory_board", presidents[name], ids[name]))

    def schedule(**body):
        response = requests.post(f"{events_url}/api/v1/meetings", headers=admin_headers, json=body, timeout=10)
        assert response.status_code == 201, response.text
        return response.json()

    started = now - timedelta(minutes=30)
    workshop = schedule(kind="workshop", title="Enerji verimliliği atölyesi", host_organisation_id=ids["Keşan TSO"],
                        starts_at=started.isoformat(), ends_at=(started + timedelta(hours=3)).isoformat(),
                        capacity=2, themes=["energy_efficiency"], venue={"city": "Keşan", "province": "Edirne"})
    board = schedule(kind="advisory_board_meeting", title="Danışma Kurulu toplantısı",
                     host_organisation_id=ids["Keşan TSO"], starts_at=started.isoformat(),
                     ends_at=(started + timedelta(hours=2)).isoformat())
    return {"ids": ids, "presidents": presidents, "workshop": workshop, "board": board, "now": now}
