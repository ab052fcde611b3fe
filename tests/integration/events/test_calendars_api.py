"""The calendar routes through the Flask test client: a meeting's .ics behind the token, the public feed without."""
from __future__ import annotations

import icalendar
import pytest
import vobject

from .conftest import meeting_body

pytestmark = pytest.mark.integration

API = "/api/v1"


def test_a_meetings_calendar_file_needs_a_token_and_the_public_feed_none(events_client, token, active_chamber):
    host = active_chamber()
    body = meeting_body(host, title="Yalın üretim çalıştayı", venue={"city": "Edirne", "address": "Saraçlar Cd. 5"})
    meeting = events_client.post(f"{API}/meetings", json=body, headers=token()).json
    url = f"{API}/meetings/{meeting['id']}/calendar.ics"
    assert events_client.get(url).status_code == 401
    response = events_client.get(url, headers=token("auditor"))
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    assert response.headers["Cache-Control"] == "no-store"
    [event] = icalendar.Calendar.from_ical(response.data).walk("VEVENT")
    assert event["UID"].startswith(meeting["id"] + "@") and "Saraçlar Cd. 5" in event["LOCATION"]
    assert events_client.get(f"{API}/meetings/nope/calendar.ics", headers=token()).status_code == 404

    moved = meeting_body(host, starts=None)
    events_client.post(f"{API}/meetings/{meeting['id']}/reschedule", headers=token(),
                       json={"starts_at": moved["starts_at"], "ends_at": moved["ends_at"]})
    [event] = icalendar.Calendar.from_ical(events_client.get(url, headers=token()).data).walk("VEVENT")
    assert event["SEQUENCE"] == 1

    feed = events_client.get(f"{API}/public/calendar.ics")
    assert feed.status_code == 200 and feed.headers["Cache-Control"].startswith("public")
    shown = {e.uid.value: e for e in vobject.readOne(feed.data.decode()).vevent_list}
    mine = shown[event["UID"]]
    assert mine.summary.value == "Yalın üretim çalıştayı" and mine.location.value.startswith("Edirne")
    assert "Saraçlar" not in feed.data.decode()
