"""Turkish by default; `?lang=en` switches to English and is remembered; `?lang=tr` switches back."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration


def test_turkish_by_default_english_when_asked_and_remembered(browser):
    page = browser.get("/login").get_data(as_text=True)
    assert '<html lang="tr">' in page and "Giriş yap" in page

    page = browser.get("/login?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in page and "Sign in" in page and "Giriş yap" not in page

    page = browser.get("/login").get_data(as_text=True)  # remembered in the session
    assert '<html lang="en">' in page

    assert '<html lang="tr">' in browser.get("/login?lang=tr").get_data(as_text=True)
    assert '<html lang="tr">' in browser.get("/login").get_data(as_text=True)


def test_the_language_survives_sign_in(browser):
    browser.get("/login?lang=en")
    browser.sign_in("auditor")
    page = browser.get("/").get_data(as_text=True)
    assert '<html lang="en">' in page and "Sign out" in page and "(auditor)" in page


def test_an_unknown_language_falls_back_to_turkish(browser):
    assert '<html lang="tr">' in browser.get("/login?lang=de").get_data(as_text=True)


def test_the_language_switch_keeps_the_page_and_its_query(browser):
    page = browser.get("/login?next=/organisations%3Fpage%3D2").get_data(as_text=True)
    assert 'href="/login?next=/organisations?page%3D2&amp;lang=en"' in page
