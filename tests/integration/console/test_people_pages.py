"""The console's people pages against the real members service: the list and its search, the details with
the person's seats, contact data only where the API gives it, and the register form with the API's field
errors next to their fields."""
from __future__ import annotations

import re

import pytest

from .members_seed import MembersApi, field_error, hidden, page_text

pytestmark = pytest.mark.integration


@pytest.fixture
def members(services, issuer):
    return MembersApi(services.urls["members"], issuer)


@pytest.fixture
def people(members):
    kesan = members.organisation("Keşan TSO", "chamber", "Edirne")["id"]
    tekirdag = members.organisation("Tekirdağ TSO", "chamber", "Tekirdağ")["id"]
    ayse = members.person(kesan, "Ayşe Yılmaz", "ayse@kesantso.org.tr", title="Yönetim Kurulu Başkanı",
                          phone="+90 284 714 10 10")["id"]
    members.person(kesan, "Can Öztürk", "can@kesantso.org.tr")
    members.person(tekirdag, "Selin Kaya", "selin@tekirdagtso.org.tr")
    members.seat("advisory_board", ayse, "chair")
    return {"Keşan TSO": kesan, "Tekirdağ TSO": tekirdag, "Ayşe Yılmaz": ayse}


def names(page: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="/people/[^"]+">([^<]+)</a>', page)


def test_the_list_searches_and_filters_by_organisation(live_browser, people):
    live_browser.sign_in("programme_officer")
    page = page_text(live_browser.get("/people"))
    assert names(page) == ["Ayşe Yılmaz", "Can Öztürk", "Selin Kaya"] and "Bulunan kişi: 3" in page
    assert ">Keşan TSO</a>" in page and ">Tekirdağ TSO</a>" in page  # organisation names, not ids
    assert names(page_text(live_browser.get("/people?q=ayse"))) == ["Ayşe Yılmaz"]
    assert names(page_text(live_browser.get(f"/people?organisation_id={people['Tekirdağ TSO']}"))) == ["Selin Kaya"]
    assert "Kişi kaydet" not in page  # a programme officer registers no one


def test_a_chamber_admin_lists_only_its_own_people_without_an_organisation_choice(live_browser, people):
    live_browser.sign_in("chamber_admin", org=people["Keşan TSO"])
    page = page_text(live_browser.get("/people"))
    assert names(page) == ["Ayşe Yılmaz", "Can Öztürk"]
    assert 'name="organisation_id"' not in page and "Kişi kaydet" in page


def test_details_show_seats_and_contact_data_only_to_who_may_see_it(live_browser, people):
    ayse = people["Ayşe Yılmaz"]
    live_browser.sign_in("platform_admin")
    page = page_text(live_browser.get(f"/people/{ayse}?lang=en"))
    assert "ayse@kesantso.org.tr" in page and "+90 284 714 10 10" in page
    assert 'href="/bodies/advisory_board"' in page and "Chair" in page
    assert f'href="/organisations/{people["Keşan TSO"]}">Keşan TSO</a>' in page

    live_browser.sign_in("programme_officer")
    redacted = page_text(live_browser.get(f"/people/{ayse}?lang=tr"))
    assert "Ayşe Yılmaz" in redacted and "Yönetim Kurulu Başkanı" in redacted
    assert "ayse@kesantso.org.tr" not in redacted and "714 10 10" not in redacted
    assert "İletişim bilgileri yalnızca" in redacted

    live_browser.sign_in("chamber_admin", org=people["Tekirdağ TSO"])
    assert live_browser.get(f"/people/{ayse}").status_code == 403


def test_registering_shows_field_errors_then_the_person(live_browser, people, members):
    kesan = people["Keşan TSO"]
    live_browser.sign_in("chamber_admin", org=kesan)
    form = page_text(live_browser.get(f"/people/new?organisation_id={kesan}"))
    offered = form.split('id="organisation_id"')[1].split("</select>")[0]
    assert re.findall(r'<option value="([^"]+)"', offered) == [kesan]  # its own organisation only
    refused = live_browser.post_form("/people/new", {
        "organisation_id": kesan, "full_name": "Deniz Arslan", "email": "deniz-at-kesan",
        "idempotency_key": hidden(form, "idempotency_key")}, page="/people/new")
    page = page_text(refused, 422)
    assert "Geçerli bir e-posta adresi girin." in field_error(page, "email")
    assert 'value="Deniz Arslan"' in page
    created = live_browser.post_form("/people/new", {
        "organisation_id": kesan, "full_name": "Deniz Arslan", "email": "deniz@kesantso.org.tr",
        "gender": "female", "idempotency_key": "deniz-1"}, page="/people/new")
    assert created.status_code == 302
    details = page_text(live_browser.get(created.headers["Location"]))
    assert "Deniz Arslan kaydedildi." in details and "deniz@kesantso.org.tr" in details and "Kadın" in details
    # Another organisation's person: the API's 403, said at the top of the form.
    other = live_browser.post_form("/people/new", {
        "organisation_id": people["Tekirdağ TSO"], "full_name": "Ece Tan", "email": "ece@tekirdagtso.org.tr",
        "idempotency_key": "ece-1"}, page="/people/new")
    assert "Rolünüz bunu göremez ya da yapamaz." in page_text(other, 403)


def test_an_auditor_reads_and_registers_no_one(live_browser, people):
    live_browser.sign_in("auditor")
    assert names(page_text(live_browser.get("/people"))) == ["Ayşe Yılmaz", "Can Öztürk", "Selin Kaya"]
    assert live_browser.get("/people/new").status_code == 403
