"""Real-browser fixtures: Debian's chromium driven by playwright-python, axe-core on every page, screenshots.

The browser is the system's (`/usr/bin/chromium`, or TVP_CHROMIUM): `playwright install` downloads a browser
build of its own, which these machines cannot fetch; playwright's wheel carries its driver, which runs offline.
One browser for the whole session, started when a test first asks for it; each module opens its contexts
(a viewport and a locale) and may keep a page across its tests.

Where chromium or npm is missing the browser tests skip and say why, except in CI (CI=true), where .ci/run
installs both and a missing one is a failure, not a quiet skip.

axe-core (tests/browser/package.json, fetched once into var/browser-assets/ by tests/support/browser_assets.py)
is evaluated into the page through the DevTools protocol, not added as a <script>: the pages' policy
`default-src 'self'` blocks an injected inline script (playwright's add_script_tag), while an evaluation by the
protocol is outside the page's policy. So the page is checked under the very policy it is served with, and no
context needs `bypass_csp`.

Screenshots go to var/screenshots/<lang>/<name>.png (test output, not committed: every run would rewrite
them); TVP_SCREENSHOTS=docs/screenshots writes the ones the README shows, to be committed.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from .browser_assets import AssetsUnavailable, axe_script

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("TVP_CHROMIUM", "/usr/bin/chromium"))
SCREENSHOTS = Path(os.environ.get("TVP_SCREENSHOTS", ROOT / "var" / "screenshots"))
if not SCREENSHOTS.is_absolute():
    SCREENSHOTS = ROOT / SCREENSHOTS

# The two widths issue 11 asks the console to be usable at: a desk and a tablet at the door.
VIEWPORTS = {1280: {"width": 1280, "height": 800}, 768: {"width": 768, "height": 1024}}
LOCALES = {"tr": "tr-TR", "en": "en-GB"}
IMPACTS = ("critical", "serious", "moderate", "minor")
BLOCKING = {"critical", "serious"}
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}


def unavailable(reason: str) -> None:
    """Skip where a developer has no browser; fail in CI, whose .ci/run installs one."""
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"browser tests cannot run in CI: {reason}", pytrace=False)
    pytest.skip(reason)


@dataclass
class AxeRecord:
    page: str
    lang: str
    width: int
    counts: dict[str, int]


@dataclass
class BrowserReport:
    """What the session's browser tests saw, printed at its end (pytest_terminal_summary) for closing notes."""
    axe: list[AxeRecord] = field(default_factory=list)
    screenshots: list[Path] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"axe": [asdict(r) for r in self.axe], "screenshots": [str(p) for p in self.screenshots]}

    def merge(self, data: dict) -> None:
        """Add what another process of the run saw (an xdist worker's report, see pytest_testnodedown)."""
        self.axe.extend(AxeRecord(**r) for r in data.get("axe", []))
        self.screenshots.extend(Path(p) for p in data.get("screenshots", []))

    def lines(self) -> list[str]:
        if not self.axe and not self.screenshots:
            return []
        out = []
        if self.axe:
            out.append(f"{'page':<40} {'lang':<4} {'width':>5} " + " ".join(f"{i:>8}" for i in IMPACTS))
            for r in self.axe:
                out.append(f"{r.page:<40} {r.lang:<4} {r.width:>5} "
                           + " ".join(f"{r.counts.get(i, 0):>8}" for i in IMPACTS))
            out.append("(axe-core violations per page: rules violated, by impact; serious or critical fail the test)")
        if self.screenshots:
            out.append(f"{len(self.screenshots)} screenshots under {_shown(SCREENSHOTS)}")
        return out


REPORT = BrowserReport()


def _shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def pytest_sessionfinish(session):
    """Under pytest-xdist each worker sees only its own pages: it hands its report to the controller, which
    prints the one closing table of the run."""
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["browser_report"] = REPORT.to_json()


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """xdist's controller: a worker has finished; its pages join the closing table."""
    report = getattr(node, "workeroutput", {}).get("browser_report")
    if report:
        REPORT.merge(report)


def pytest_terminal_summary(terminalreporter):
    lines = REPORT.lines()
    if lines:
        terminalreporter.write_sep("-", "browser: axe-core per page")
        for line in lines:
            terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """The session's one chromium (headless), started on first use."""
    if not CHROMIUM.is_file():
        unavailable(f"no chromium at {CHROMIUM} (Debian: apt-get install chromium; or set TVP_CHROMIUM)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("playwright is not installed (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM))
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def new_context(browser) -> Iterator[Callable[..., object]]:
    """new_context(width=1280|768, lang="tr"|"en", **options) -> a browser context with that viewport and
    locale (Accept-Language follows it); every context it opened is closed at the end of the module."""
    opened = []

    def make(width: int = 1280, lang: str = "tr", **options):
        context = browser.new_context(viewport=VIEWPORTS[width], locale=LOCALES[lang], **options)
        context.set_default_timeout(15_000)
        opened.append(context)
        return context
    yield make
    for context in opened:
        context.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    try:
        return axe_script().read_text(encoding="utf-8")
    except AssetsUnavailable as exc:
        unavailable(str(exc))


def axe_violations(page, source: str) -> list[dict]:
    """axe-core's violations on the page as it is now (WCAG 2.x A and AA rules and axe's best practices)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(source + "\n;0")   # the protocol's evaluation: the page's CSP does not apply to it
    return page.evaluate("""() => axe.run(document, {resultTypes: ['violations']}).then(result =>
        result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                     targets: v.nodes.map(n => n.target.join(' '))})))""")


def describe(violations: list[dict]) -> str:
    return "\n".join(f"  {v['id']} ({v['impact']}): {v['help']} at {', '.join(v['targets'][:5])}"
                     + (f" and {len(v['targets']) - 5} more" if len(v["targets"]) > 5 else "")
                     for v in violations)


def assert_none_blocking(violations: list[dict], where: str) -> None:
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    assert not blocking, f"axe-core: serious or critical violations on {where}:\n{describe(blocking)}"


@pytest.fixture(scope="session")
def axe_check(axe_source) -> Callable[..., list[dict]]:
    """axe_check(page, name=None) -> the page's violations; fails the test on a serious or critical one,
    naming each rule, its impact and the elements. The counts go to the session's closing table."""
    def check(page, name: str | None = None) -> list[dict]:
        violations = axe_violations(page, axe_source)
        counts: dict[str, int] = {}
        for v in violations:
            counts[v["impact"]] = counts.get(v["impact"], 0) + 1
        lang = page.evaluate("() => document.documentElement.lang || navigator.language")
        REPORT.axe.append(AxeRecord(name or urlsplit(page.url).path, lang, page.viewport_size["width"], counts))
        assert_none_blocking(violations, page.url)
        return violations
    return check


@pytest.fixture(scope="session")
def screenshot() -> Callable[..., Path]:
    """screenshot(page, name, lang) -> the full page saved as <screenshots>/<lang>/<name>.png."""
    def save(page, name: str, lang: str) -> Path:
        path = SCREENSHOTS / lang / f"{name}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(path), full_page=True)
        REPORT.screenshots.append(path)
        return path
    return save


def watch_requests(page) -> list[str]:
    """Every URL the page asks for from now on (documents, scripts, styles, fetches, images)."""
    seen: list[str] = []
    page.on("request", lambda request: seen.append(request.url))
    return seen


def leaving_host(urls: list[str]) -> list[str]:
    """The URLs that would leave this machine (`data:` and `blob:` never do)."""
    return [url for url in urls
            if urlsplit(url).scheme in ("http", "https", "ws", "wss") and urlsplit(url).hostname not in LOCAL_HOSTS]


def watch_console_errors(page) -> list[str]:
    """Console errors from now on: a Content-Security-Policy refusal shows up here."""
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors
