"""The console's organisation pages against the real members service: the list (search, filters, order,
pages, count), registering and editing (PATCH with If-Match: a stale form says so), the details with the
membership timeline, lifecycle actions behind a confirmation, and what each role is offered."""
from __future__ import annotations

import html
import re
from urllib.parse import parse_qs

import pytest

from .members_seed import MembersApi, field_error, hidden, page_text

pytestmark = pytest.mark.integration


@pytest.fixture
def members(services, issuer):
    return MembersApi(services.urls["members"], issuer)


@pytest.fixture
def chambers(members):
    ids = {name: members.organisation(name, "chamber", province)["id"]
           for name, province in (("Keşan TSO", "Edirne"), ("Kırklareli TSO", "Kırklareli"),
                                  ("Çerkezköy TSO", "Tekirdağ"))}
    ids["Ergene Tekstil"] = members.organisation("Ergene Tekstil", "company", "Tekirdağ", approve=False,
                                                 size_class="small")["id"]
    return ids


def row_names(page: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="/organisations/[^"]+">([^<]+)</a>', page)


def test_the_list_searches_filters_orders_and_pages(live_browser, chambers):
    live_browser.sign_in("programme_officer")
    page = page_text(live_browser.get("/organisations"))
    assert row_names(page) == ["Çerkezköy TSO", "Ergene Tekstil", "Keşan TSO", "Kırklareli TSO"]
    assert "Bulunan kuruluş: 4" in page
    assert f'href="/organisations/{chambers["Keşan TSO"]}"' in page
    # Search ignores case and Turkish letters; filters are the API's own parameters.
    assert row_names(page_text(live_browser.get("/organisations?q=kesan"))) == ["Keşan TSO"]
    only = page_text(live_browser.get("/organisations?kind=chamber&province=Tekirdağ&status=active"))
    assert row_names(only) == ["Çerkezköy TSO"] and "Bulunan kuruluş: 1" in only
    assert '<option value="chamber" selected>Oda</option>' in only
    assert row_names(page_text(live_browser.get("/organisations?status=applicant"))) == ["Ergene Tekstil"]
    assert row_names(page_text(live_browser.get("/organisations?sort=-name"))) == [
        "Kırklareli TSO", "Keşan TSO", "Ergene Tekstil", "Çerkezköy TSO"]
    assert row_names(page_text(live_browser.get("/organisations?sort=province")))[0] == "Keşan TSO"
    # Pages: two a page, the second page's link keeps the order and the filters.
    first = page_text(live_browser.get("/organisations?page_size=2&sort=-name"))
    assert row_names(first) == ["Kırklareli TSO", "Keşan TSO"] and "Sayfa 1 / 2" in first
    following = html.unescape(re.search(r'<a href="([^"]+)" rel="next">', first).group(1))
    assert parse_qs(following.lstrip("?")) == {"sort": ["-name"], "page": ["2"], "page_size": ["2"]}
    second = page_text(live_browser.get("/organisations" + following))
    assert row_names(second) == ["Ergene Tekstil", "Çerkezköy TSO"]
    # A filter the API refuses is said next to it, not as a failure.
    refused = page_text(live_browser.get("/organisations?province=Atlantis"), 422)
    assert "province-errors" in refused


def test_registering_shows_the_apis_field_errors_then_the_new_applicant(live_browser, chambers):
    live_browser.sign_in("platform_admin")
    form = page_text(live_browser.get("/organisations/new"))
    for name in ("name", "kind", "province", "tax_number", "size_class", "employees", "email"):
        assert f'<label for="{name}">' in form and f'name="{name}"' in form
    refused = live_browser.post_form("/organisations/new", {
        "name": "Vize Gıda", "kind": "company", "province": "Kırklareli", "tax_number": "1234567891",
        "employees": "çok", "idempotency_key": hidden(form, "idempotency_key")}, page="/organisations/new")
    page = page_text(refused, 422)
    assert "Vergi kimlik numarasının kontrol hanesi hatalı." in field_error(page, "tax_number")  # translated
    assert "Bir tam sayı girin." in field_error(page, "employees")
    assert 'value="Vize Gıda"' in page  # what was typed stays
    created = live_browser.post_form("/organisations/new", {
        "name": "Vize Gıda", "kind": "company", "province": "kirklareli", "size_class": "small",
        "employees": "42", "idempotency_key": "vize-1"}, page="/organisations/new")
    assert created.status_code == 302
    details = page_text(live_browser.get(created.headers["Location"]))
    assert "Vize Gıda aday üye olarak kaydedildi." in details  # the flash message, once
    assert "Kırklareli" in details and "KOBİ" in details and ">Aday<" in details
    assert 'value="approve"' in details


def test_an_approval_asks_for_confirmation_and_lands_on_the_timeline(live_browser, members, chambers):
    ergene = chambers["Ergene Tekstil"]
    live_browser.sign_in("platform_admin")
    details = page_text(live_browser.get(f"/organisations/{ergene}"))
    assert '<button type="submit" name="action" value="approve"' in details
    assert 'value="suspend"' not in details  # not possible from applicant
    asked = page_text(live_browser.post_form(f"/organisations/{ergene}", {"action": "approve", "version": "1"},
                                             page=f"/organisations/{ergene}"))
    assert '<button type="submit" name="confirm" value="yes"' in asked and '<label for="reason">' in asked
    assert members.call("GET", f"/organisations/{ergene}")["status"] == "applicant"  # nothing done yet
    done = live_browser.post_form(f"/organisations/{ergene}", {
        "action": "approve", "version": "1", "confirm": "yes", "reason": "Yönetim kurulu kararı 2026/14",
        "idempotency_key": hidden(asked, "idempotency_key")}, page=f"/organisations/{ergene}")
    assert done.status_code == 302
    assert members.call("GET", f"/organisations/{ergene}")["status"] == "active"
    page = page_text(live_browser.get(f"/organisations/{ergene}?lang=en"))
    timeline = re.search(r'<ol class="timeline".*?</ol>', page, re.S).group(0)
    assert timeline.index("Approved") < timeline.index("Applied")  # newest first
    assert "Yönetim kurulu kararı 2026/14" in timeline and "Applicant → Active" in timeline
    assert 'value="suspend"' in page and 'value="withdraw"' in page and 'value="approve"' not in page


def test_a_confirmation_on_a_stale_version_says_someone_else_changed_it(live_browser, members, chambers):
    kesan = chambers["Keşan TSO"]
    live_browser.sign_in("platform_admin")
    asked = page_text(live_browser.post_form(f"/organisations/{kesan}", {"action": "suspend", "version": "2"},
                                             page=f"/organisations/{kesan}"))
    members.call("PATCH", f"/organisations/{kesan}", json={"district": "Keşan"})  # someone else, meanwhile
    stale = live_browser.post_form(f"/organisations/{kesan}", {
        "action": "suspend", "version": "2", "confirm": "yes", "idempotency_key": hidden(asked, "idempotency_key")},
        page=f"/organisations/{kesan}")
    page = page_text(stale, 412)
    assert "Siz düzenlerken bu kaydı başka biri değiştirdi." in page and 'role="alert"' in page
    assert members.call("GET", f"/organisations/{kesan}")["status"] == "active"


def test_an_edit_sends_if_match_and_a_stale_form_is_refused(live_browser, members, chambers):
    kesan = chambers["Keşan TSO"]
    live_browser.sign_in("platform_admin")
    form = page_text(live_browser.get(f"/organisations/{kesan}/edit"))
    assert html.unescape(hidden(form, "etag")) == '"2"'  # the ETag of the version the form shows
    values = {"name": "Keşan Ticaret ve Sanayi Odası", "short_name": "Keşan TSO", "kind": "chamber",
              "province": "Edirne", "district": "Keşan", "etag": '"2"', "idempotency_key": "edit-1"}
    saved = live_browser.post_form(f"/organisations/{kesan}/edit", values, page=f"/organisations/{kesan}/edit")
    assert saved.status_code == 302, saved.get_data(as_text=True)[:2000]
    assert members.call("GET", f"/organisations/{kesan}")["district"] == "Keşan"
    # The same form again (its ETag now stale): refused, at the top, in Turkish; nothing changes.
    stale = live_browser.post_form(f"/organisations/{kesan}/edit", {**values, "district": "Merkez",
                                                                    "idempotency_key": "edit-2"},
                                   page=f"/organisations/{kesan}/edit")
    assert "Siz düzenlerken bu kaydı başka biri değiştirdi." in page_text(stale, 412)
    assert members.call("GET", f"/organisations/{kesan}")["district"] == "Keşan"


def test_an_auditor_sees_everything_and_is_offered_nothing(live_browser, chambers, members):
    members.person(chambers["Keşan TSO"], "Ayşe Yılmaz", "ayse@kesantso.org.tr")
    live_browser.sign_in("auditor")
    listed = page_text(live_browser.get("/organisations"))
    assert "Yeni kuruluş" not in listed and len(row_names(listed)) == 4
    details = page_text(live_browser.get(f"/organisations/{chambers['Keşan TSO']}"))
    assert "Ayşe Yılmaz" in details
    assert 'name="action"' not in details and "/edit" not in details and "<form" not in details.split("</header>")[1]
    assert live_browser.get("/organisations/new").status_code == 403
    refused = live_browser.post_form(f"/organisations/{chambers['Keşan TSO']}", {
        "action": "suspend", "version": "2", "confirm": "yes"}, page="/organisations")
    assert refused.status_code == 403
    assert members.call("GET", f"/organisations/{chambers['Keşan TSO']}")["status"] == "active"


def test_a_chamber_admin_may_edit_and_withdraw_its_own_and_only_read_others(live_browser, chambers, members):
    own, other = chambers["Keşan TSO"], chambers["Kırklareli TSO"]
    members.person(other, "Mehmet Demir", "mehmet@kirklarelitso.org.tr")
    live_browser.sign_in("chamber_admin", org=own)
    mine = page_text(live_browser.get(f"/organisations/{own}"))
    assert 'value="withdraw"' in mine and 'value="suspend"' not in mine and f"/organisations/{own}/edit" in mine
    theirs = page_text(live_browser.get(f"/organisations/{other}"))
    assert 'name="action"' not in theirs and "/edit" not in theirs
    assert "Mehmet Demir" not in theirs  # another organisation's people are not listed for it
    assert live_browser.get(f"/organisations/{other}/edit").status_code == 403


def test_an_unknown_organisation_is_a_page_that_says_so(live_browser, chambers):
    live_browser.sign_in("platform_admin")
    page = page_text(live_browser.get("/organisations/nope"), 404)
    assert "Böyle bir sayfa ya da kayıt yok." in page
