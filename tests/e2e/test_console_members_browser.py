"""The console's members pages in a real browser (tests/support/browser.py): every page of the organisations,
people and bodies areas, in Turkish and English at 1280 px, checked by axe-core (0 serious or critical) with a
screenshot each; a lifecycle action and a seat's end driven by clicks through their confirmations.

One stack for the module: the members service's web under gunicorn (no worker: the pages publish nothing and
read nothing from the broker) and the console under gunicorn calling it."""
from __future__ import annotations

import re
import uuid

import pytest
import requests

from infra.embedded import console_process, free_port, service_processes, wait_ready
from services.console.login_codes import mint

from ..support.browser import leaving_host, watch_console_errors, watch_requests
from ..support.processes import stop_together
from ..support.workers import worker_env

pytestmark = [pytest.mark.e2e, pytest.mark.session_broker, pytest.mark.browser]
LANGUAGES = ("tr", "en")


@pytest.fixture(scope="module")
def console(servers, key_dir, tmp_path_factory):
    """The console's URL, with the members service it calls (events and reporting: a port nobody answers)."""
    var_dir = tmp_path_factory.mktemp("console-members")
    run = uuid.uuid4().hex[:8]
    env = worker_env(servers, key_dir, var_dir, {"members": f"b{run}_members", "console": f"b{run}_console"})
    members_port, console_port, nobody = free_port(), free_port(), free_port()
    web, _worker = service_processes("members", members_port, env, var_dir / "log")
    started = [web.start()]
    try:
        wait_ready(web, members_port)
        started.append(console_process(console_port, {"members": members_port, "events": nobody,
                                                       "reporting": nobody}, env, var_dir / "log").start())
        # Alive, not ready: /readyz waits for all three services, and these pages need only members.
        started[-1].wait_until(lambda: requests.get(f"http://127.0.0.1:{console_port}/healthz", timeout=2).ok,
                               60, "alive")
        yield {"url": f"http://127.0.0.1:{console_port}", "members": f"http://127.0.0.1:{members_port}/api/v1"}
    finally:
        stop_together(started)


@pytest.fixture(scope="module")
def seeded(console, issuer):
    admin = {"Authorization": f"Bearer {issuer.issue('platform_admin', subject='seed')}"}

    def call(method, path, expected, json=None):
        response = requests.request(method, console["members"] + path, headers=admin, json=json, timeout=10)
        assert response.status_code == expected, response.text
        return response.json()

    kesan = call("POST", "/organisations", 201, {"name": "Keşan TSO", "kind": "chamber", "province": "Edirne",
                                                 "district": "Keşan", "tax_number": "1234567890"})["id"]
    call("POST", f"/organisations/{kesan}/membership", 200, {"action": "approve", "reason": "Kurul kararı"})
    ergene = call("POST", "/organisations", 201, {"name": "Ergene Tekstil", "kind": "company",
                                                  "province": "Tekirdağ", "size_class": "small"})["id"]
    ayse = call("POST", "/people", 201, {"organisation_id": kesan, "full_name": "Ayşe Yılmaz",
                                         "email": "ayse@kesantso.org.tr", "title": "Yönetim Kurulu Başkanı"})["id"]
    can = call("POST", "/people", 201, {"organisation_id": kesan, "full_name": "Can Öztürk",
                                        "email": "can@kesantso.org.tr"})["id"]
    call("POST", "/bodies/advisory_board/seats", 201, {"person_id": ayse, "role": "chair", "term_start": "2026-01-15"})
    call("POST", "/bodies/advisory_board/seats", 201, {"person_id": can, "role": "member", "term_start": "2026-01-15"})
    return {"kesan": kesan, "ergene": ergene, "ayse": ayse}


@pytest.fixture(scope="module")
def pages(new_context, console, issuer):
    """pages[lang]: a platform admin's page in that language at 1280 px; every request and console error kept."""
    opened = {}
    for lang in LANGUAGES:
        page = new_context(width=1280, lang=lang).new_page()
        page.requests, page.errors = watch_requests(page), watch_console_errors(page)
        page.goto(f"{console['url']}/login/{mint(issuer, 'platform_admin', subject=f'browser-{lang}')}")
        page.goto(f"{console['url']}/organisations?lang={lang}")
        opened[lang] = page
    return opened


def check(page, name: str, lang: str, axe_check, screenshot) -> None:
    axe_check(page, f"console/{name}")
    screenshot(page, f"console-{name}", lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_members_page_reads_and_passes_axe(pages, console, seeded, lang, axe_check, screenshot):
    page, base = pages[lang], console["url"]
    for name, path, heading in (
            ("organisations", "/organisations", {"tr": "Kuruluşlar", "en": "Organisations"}),
            ("organisations-filtered", "/organisations?kind=chamber&status=active&sort=-name",
             {"tr": "Kuruluşlar", "en": "Organisations"}),
            ("organisation", f"/organisations/{seeded['kesan']}", {"tr": "Keşan TSO", "en": "Keşan TSO"}),
            ("organisation-new", "/organisations/new", {"tr": "Yeni kuruluş", "en": "New organisation"}),
            ("organisation-edit", f"/organisations/{seeded['kesan']}/edit",
             {"tr": "Keşan TSO bilgilerini düzenle", "en": "Edit Keşan TSO"}),
            ("organisation-import", "/organisations/import",
             {"tr": "Kuruluşları içe aktar", "en": "Import organisations"}),
            ("people", "/people", {"tr": "Kişiler", "en": "People"}),
            ("person", f"/people/{seeded['ayse']}", {"tr": "Ayşe Yılmaz", "en": "Ayşe Yılmaz"}),
            ("person-new", "/people/new", {"tr": "Kişi kaydet", "en": "Register a person"}),
            ("bodies", "/bodies", {"tr": "Yönetim organları", "en": "Governance bodies"}),
            ("body", "/bodies/advisory_board", {"tr": "Danışma Kurulu", "en": "Advisory Board"})):
        response = page.goto(base + path)
        assert response.status == 200, (path, response.status)
        assert page.locator("h1").inner_text() == heading[lang]
        assert page.locator("html").get_attribute("lang") == lang
        check(page, name, lang, axe_check, screenshot)
    assert not leaving_host(page.requests)
    assert not [e for e in page.errors if "Content Security Policy" in e], page.errors


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_form_with_the_apis_field_errors_passes_axe(pages, console, seeded, lang, axe_check, screenshot):
    page = pages[lang]
    page.goto(console["url"] + "/organisations/new")
    page.fill("#name", "Vize Gıda")
    page.select_option("#kind", "company")
    page.select_option("#province", "Kırklareli")
    page.fill("#tax_number", "1234567891")
    page.get_by_role("button", name={"tr": "Kaydet", "en": "Register"}[lang]).click()
    errors = page.locator("#tax_number-errors")
    assert errors.inner_text().strip() == {"tr": "Vergi kimlik numarasının kontrol hanesi hatalı.",
                                           "en": "The tax number's check digit is wrong."}[lang]
    assert page.locator("#tax_number").get_attribute("aria-describedby") == "tax_number-errors"
    assert page.locator("#name").input_value() == "Vize Gıda"  # what was typed stays
    check(page, "organisation-new-errors", lang, axe_check, screenshot)


def test_approving_through_the_confirmation_by_clicks(pages, console, seeded, axe_check, screenshot):
    page = pages["tr"]
    page.goto(f"{console['url']}/organisations/{seeded['ergene']}")
    page.get_by_role("button", name="Onayla").click()
    assert page.locator("h1").inner_text() == "Ergene Tekstil: Onayla?"
    check(page, "organisation-confirm", "tr", axe_check, screenshot)
    page.fill("#reason", "Başvuru belgeleri tam")
    page.get_by_role("button", name="Evet: onayla").click()
    assert re.search(rf"/organisations/{seeded['ergene']}$", page.url)
    assert "Ergene Tekstil: Onaylandı." in page.locator(".notice").inner_text()
    timeline = page.locator(".timeline").inner_text()
    assert "Başvuru belgeleri tam" in timeline and "Aday → Aktif" in timeline
    check(page, "organisation-approved", "tr", axe_check, screenshot)


def test_the_confirmations_in_english_and_ending_a_seat(pages, console, seeded, axe_check, screenshot):
    page = pages["en"]
    page.goto(f"{console['url']}/organisations/{seeded['kesan']}")
    page.get_by_role("button", name="Suspend").click()
    assert page.locator("h1").inner_text() == "Suspend Keşan TSO?"
    check(page, "organisation-confirm", "en", axe_check, screenshot)
    page.get_by_role("link", name="Cancel").click()
    assert page.locator(".status").first.inner_text() == "Active"  # nothing was done

    page.goto(f"{console['url']}/bodies/advisory_board")
    page.get_by_role("button", name=re.compile("Can Öztürk")).click()
    assert page.locator("h1").inner_text() == "End the seat of Can Öztürk?"
    check(page, "seat-end-confirm", "en", axe_check, screenshot)
    page.fill("#reason", "Resigned")
    page.get_by_role("button", name="Yes, end the seat").click()
    assert "The seat of Can Öztürk has ended." in page.locator(".notice").inner_text()
    assert "Can Öztürk" not in page.locator("section[aria-labelledby=seats-heading]").inner_text()
    assert "Resigned" in page.locator("section[aria-labelledby=history-heading]").inner_text()
    check(page, "body-after-seat-end", "en", axe_check, screenshot)
