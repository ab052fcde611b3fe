"""The console's import of organisations (upload → dry run with per-row errors and duplicates → "Import N
organisations" → result) and the list's export links, against the real members service."""
from __future__ import annotations

import html
import io
import re

import pytest

from .members_seed import MembersApi, hidden, page_text

pytestmark = pytest.mark.integration

FILE = ("Ünvanı;Türü;İl;Ölçek;Notlar\r\n"
        "Vize Gıda A.Ş.;Şirket;KIRKLARELİ;Küçük;x\r\n"
        "Pınarhisar Cam;Şirket;kirklareli;;\r\n"
        "Keşan TSO;Oda;edirne;;\r\n"
        "Enez Balıkçılık;şirket;Edirne;mikro;\r\n").encode("cp1254")


@pytest.fixture
def members(services, issuer):
    return MembersApi(services.urls["members"], issuer)


def upload(browser, content: bytes, filename="uyeler.csv"):
    return browser.post_form("/organisations/import", {"file": (io.BytesIO(content), filename)},
                             page="/organisations/import", content_type="multipart/form-data")


def test_an_import_is_checked_shown_confirmed_and_done_and_a_refused_file_is_said_on_the_form(live_browser, members):
    members.organisation("Keşan TSO", "chamber", "Edirne")
    live_browser.sign_in("platform_admin")
    listing = page_text(live_browser.get("/organisations"))
    assert 'href="/organisations/import"' in listing
    form = page_text(live_browser.get("/organisations/import"))
    assert 'enctype="multipart/form-data"' in form and '<label for="file">' in form
    # A file the API refuses is said on the form, in the API's words.
    refused = page_text(upload(live_browser, b"foo,bar\n1,2\n"), 422)
    assert "no recognisable header" in refused and '<input id="file"' in refused
    unknown = page_text(upload(live_browser, b"%PDF-1.7\x00binary", "x.pdf"), 415)
    assert "not a CSV or XLSX" in unknown

    checked = page_text(upload(live_browser, FILE))
    assert "uyeler.csv denetlendi" in checked
    rows = re.findall(r"<tr><td>(\d+)</td><td>(\w+)</td>", checked)
    assert rows == [("3", "size_class"), ("4", "name")]  # the error, then the duplicate of the registered TSO
    assert "Okunmayan sütunlar: Notlar" in checked
    assert members.call("GET", "/organisations")["total"] == 1  # a dry run creates nothing
    button = re.search(r'<form class="record" method="post" action="([^"]+)">', checked).group(1)
    assert "2 kuruluşu içe aktar" in checked

    done = page_text(live_browser.post_form(html.unescape(button), {
        "idempotency_key": hidden(checked, "idempotency_key")}, page="/organisations/import"))
    assert "2 kuruluş oluşturuldu, 2 satır atlandı" in done
    names = sorted(o["name"] for o in members.call("GET", "/organisations")["items"])
    assert names == ["Enez Balıkçılık", "Keşan TSO", "Vize Gıda A.Ş."]
    # The confirmed upload is gone: the same confirmation again imports nothing more.
    again = live_browser.post_form(html.unescape(button), {}, page="/organisations/import")
    assert again.status_code == 302 and again.headers["Location"].endswith("/organisations/import")
    assert members.call("GET", "/organisations")["total"] == 3


def test_only_those_the_api_lets_import_are_offered_it_and_export_links_keep_the_filters(live_browser, members):
    own = members.organisation("Keşan TSO", "chamber", "Edirne")["id"]
    live_browser.sign_in("chamber_admin", org=own)
    listing = page_text(live_browser.get("/organisations?province=Edirne&q=ke%C5%9Fan&sort=-name&page_size=50"))
    assert 'href="/organisations/import"' not in listing
    assert live_browser.get("/organisations/import").status_code == 403
    link = html.unescape(re.search(r'href="(/organisations/export\.csv[^"]*)"', listing).group(1))
    assert "province=Edirne" in link and "sort=-name" in link and "page_size" not in link
    exported = live_browser.get(link)
    assert exported.status_code == 200 and "attachment" in exported.headers["Content-Disposition"]
    assert exported.data.decode("utf-8-sig").splitlines()[1].split(";")[1] == "Keşan TSO"
    xlsx = live_browser.get(link.replace("export.csv", "export.xlsx"))
    assert xlsx.status_code == 200 and xlsx.data.startswith(b"PK")
