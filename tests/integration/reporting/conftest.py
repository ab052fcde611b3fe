"""Fixtures for the reporting service: its app on fresh databases, and a members'/events' stream to feed it."""
from __future__ import annotations

import pytest

from .stream import Feeder, Stream


@pytest.fixture
def app(reporting_client):
    return reporting_client.application


@pytest.fixture
def db(app):
    return app.extensions["tvp"].db


@pytest.fixture
def stream():
    return Stream()


@pytest.fixture
def feed(app):
    return Feeder(app)


@pytest.fixture
def api(reporting_client, token, feed):
    """api(method, path, role="platform_admin", **kwargs) -> response. A chamber admin's is of `org-1`, which
    reaches reporting through the members' stream first (a token naming an organisation unknown here is a 401)."""
    chamber = Stream()

    def call(method: str, path: str, role: str = "platform_admin", headers: dict | None = None, **kwargs):
        org = "org-1" if role == "chamber_admin" else None
        if org and org not in chamber.orgs:
            feed(chamber.organisation(organisation_id=org)[1])
        return reporting_client.open(f"/api/v1{path}", method=method,
                                     headers={**token(role, org), **(headers or {})}, **kwargs)
    return call


def history(stream: Stream) -> tuple[list, dict]:
    """A small programme year: chambers and SMEs, advisory board meetings, workshops, a cancelled training."""
    ids, events = {}, []
    for name, kind, province, size, at in (
            ("Kırklareli TSO", "chamber", "Kırklareli", None, "2025-11-20T10:00:00+03:00"),
            ("Keşan TSO", "chamber", "Edirne", None, "2026-02-03T10:00:00+03:00"),
            ("Çerkezköy TSO", "chamber", "Tekirdağ", None, "2026-07-01T09:00:00+03:00"),
            ("Ergene Tekstil", "company", "Tekirdağ", "small", "2026-03-10T10:00:00+03:00"),
            ("Lüleburgaz Gıda", "company", "Kırklareli", "medium", "2026-08-10T10:00:00+03:00"),
            ("Trakya Kalkınma Ajansı", "development_agency", "Tekirdağ", None, "2026-10-01T10:00:00+03:00")):
        org_id, registered = stream.organisation(name, kind, province, size)
        ids[name] = org_id
        events += [registered, stream.membership(org_id, at=at)]
    events.append(stream.membership(ids["Trakya Kalkınma Ajansı"], "suspend", at="2026-11-02T10:00:00+03:00"))
    kirklareli, kesan = stream.ref(ids["Kırklareli TSO"]), stream.ref(ids["Keşan TSO"])
    ergene, luleburgaz = stream.ref(ids["Ergene Tekstil"]), stream.ref(ids["Lüleburgaz Gıda"])
    outside_sme = Stream.outside("Edirne Peynircilik", "company", "micro", "Edirne")
    outside_large = Stream.outside("Trakya Cam", "company", "large", "Kırklareli")
    # advisory board: 3rd in Q2 with quorum, 4th in Q3 hosted by Keşan without quorum
    ab3, e = stream.schedule("advisory_board_meeting", "2026-05-14T10:00:00+03:00", ids["Kırklareli TSO"],
                             sequence=3, title="Advisory Board Meeting")
    events += [e, stream.attend(ab3, kirklareli, "male"), stream.attend(ab3, kesan, "female"), stream.decide(ab3),
               stream.held(ab3, {"seated": 3, "present": 2, "required": 2, "met": True})]
    ab4, e = stream.schedule("advisory_board_meeting", "2026-09-10T10:00:00+03:00", ids["Keşan TSO"],
                             sequence=4, title="Advisory Board Meeting", province="Edirne")
    events += [e, stream.attend(ab4, kesan, "female"),
               stream.held(ab4, {"seated": 3, "present": 1, "required": 2, "met": False})]
    # workshops: Q3 resource efficiency (Tekirdağ), Q3 energy efficiency, Q4 one; a Q3 training cancelled
    ws1, e = stream.schedule("workshop", "2026-07-08T09:30:00+03:00", ids["Çerkezköy TSO"],
                             themes=["resource_efficiency", "industrial_symbiosis"], province="Tekirdağ",
                             title="Resource efficiency workshop")
    events += [e, stream.attend(ws1, ergene, "female"), stream.attend(ws1, ergene, "male"),
               stream.attend(ws1, outside_sme, "female"), stream.attend(ws1, outside_large, "male"), stream.held(ws1)]
    ws2, e = stream.schedule("training", "2026-09-30T23:30:00+03:00", ids["Kırklareli TSO"],
                             themes=["energy_efficiency"], title="Energy efficiency training")
    events += [e, stream.attend(ws2, ergene, "female"), stream.attend(ws2, luleburgaz, "undisclosed"),
               stream.held(ws2)]
    ws3, e = stream.schedule("site_visit", "2026-10-05T10:00:00+03:00", ids["Keşan TSO"],
                             themes=["eco_efficiency"], province="Edirne", title="Site visit")
    events += [e, stream.attend(ws3, outside_sme, "male"), stream.attend(ws3, luleburgaz, "female"), stream.held(ws3)]
    tr1, e = stream.schedule("training", "2026-08-01T10:00:00+03:00", ids["Kırklareli TSO"], title="Cancelled")
    events += [e, stream.reschedule(tr1, "2026-08-05T10:00:00+03:00"), stream.cancel(tr1)]
    ids.update(ab3=ab3, ab4=ab4, ws1=ws1, ws2=ws2, ws3=ws3, tr1=tr1)
    return events, ids


@pytest.fixture
def programme(api):
    body = {"name": "Thrace's Efficient SMEs", "name_tr": "Trakya'nın Verimli KOBİ'leri",
            "start_date": "2026-01-01", "end_date": "2027-12-31", "eu_share": 85, "national_share": 15,
            "targets": {"OI.1": 10, "OI.2": 8, "OI.3": 12, "OI.4": 200, "OI.5": 40, "OI.6": 60, "FI.1": 250000}}
    response = api("PUT", "/programme", json=body)
    assert response.status_code == 200, response.json
    return response.json
