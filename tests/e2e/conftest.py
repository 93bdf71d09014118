"""Browser tests: Debian's chromium driven by Playwright against a live server.

Never `playwright install`: the browser is /usr/bin/chromium (scripts/ensure-chromium).
"""

import contextlib
import importlib.util
import os
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"


def _integration_fixtures():
    """The integration tests' conftest, loaded under its own name: its builders seed the casts
    here too, and a plain `import conftest` would find this directory's conftest instead."""
    path = Path(__file__).resolve().parents[1] / "integration" / "conftest.py"
    spec = importlib.util.spec_from_file_location("integration_conftest", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_builders = _integration_fixtures()
# pytest finds fixtures by the names of a conftest's attributes
fast_passwords = _builders.fast_passwords
fresh_cache = _builders.fresh_cache
plain_static_files = _builders.plain_static_files
skills = _builders.skills
cast = _builders.cast
consortium_cast = _builders.consortium_cast
immediate_tasks = _builders.immediate_tasks
clock = _builders.clock
coordinator = _builders.coordinator
post_opportunity = _builders.post_opportunity
form_contract = _builders.form_contract
full_partner_view = _builders.full_partner_view

# Playwright runs an event loop in this thread; Django's async-safety check would refuse the
# ORM calls the tests make between browser steps.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail("chromium is missing: run scripts/ensure-chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


#: axe-core from the npm registry (scripts/ensure-axe installs the version tests/e2e/axe pins)
AXE = Path(__file__).parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
#: the rules of WCAG 2.1 levels A and AA
AXE_OPTIONS = (
    "{runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},"
    " resultTypes: ['violations']}"
)
#: pages that are not coopnet's own: the API's documentation is Swagger UI's page as it ships
AXE_SKIPPED = ("/api/docs",)
#: in every HTML document the page opens: once it has loaded, axe checks it and reports what it
#: found to the test (`window.coopnetAxeReport`); `window.coopnetAxeDone` settles after
AXE_ON_LOAD = f"""
(() => {{
  if (window.top !== window || !(document instanceof HTMLDocument)) return;
  if ({list(AXE_SKIPPED)!r}.some((path) => location.pathname.startsWith(path))) return;
  const found = (violations) => violations.map((v) => ({{
    rule: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ")),
  }}));
  window.coopnetAxeDone = new Promise((done) => {{
    window.addEventListener("load", () => setTimeout(() => {{
      axe.run(document, {AXE_OPTIONS})
        .then((r) => window.coopnetAxeReport(location.pathname, found(r.violations)))
        .catch((e) => window.coopnetAxeReport(
          location.pathname, [{{rule: "axe-error", help: String(e)}}]))
        .finally(done);
    }}, 0));
  }});
}})();
"""
#: the page as the test leaves it (after its last clicks), checked again
AXE_NOW = f"""async () => {{
  if (!window.axe) return [];
  await window.coopnetAxeDone;
  const r = await axe.run(document, {AXE_OPTIONS});
  return r.violations.map((v) => ({{rule: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" "))}}));
}}"""


def axe_checked_context(browser):
    """A browser context whose every HTML page is checked by axe-core once it has loaded, and
    the list its violations are added to, as (path, violation)."""
    if not AXE.exists():
        pytest.fail("axe-core is missing: run scripts/ensure-axe")
    context = browser.new_context()
    violations: list[tuple[str, dict]] = []
    context.expose_function(
        "coopnetAxeReport", lambda path, found: violations.extend((path, v) for v in found)
    )
    context.add_init_script(script=AXE.read_text() + AXE_ON_LOAD)
    return context, violations


def axe_check_now(page, violations):
    """Check the page as it is now (after the test's last clicks) and add what axe finds."""
    path = urlparse(page.url).path
    if page.is_closed() or not page.url.startswith("http") or path.startswith(AXE_SKIPPED):
        return
    with contextlib.suppress(PlaywrightError):  # navigating away as the test ended
        violations.extend((path, v) for v in page.evaluate(AXE_NOW))


def axe_report(violations):
    return "accessibility (axe-core, WCAG 2.1 AA):\n" + "\n".join(
        f"{path}: {v['rule']} ({v.get('impact')}): {v['help']} at {v.get('nodes')}"
        for path, v in violations
    )


@pytest.fixture
def page(browser):
    """A new page, whose every HTML page is checked by axe-core for WCAG 2.1 A and AA once it
    has loaded, and again as the test leaves it: the test fails on any violation. It fails too
    if the Content Security Policy refused anything on it (an inline script, a style or image
    from elsewhere): every browser test checks the policy and accessibility."""
    context, violations = axe_checked_context(browser)
    page = context.new_page()
    refused = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    yield page
    axe_check_now(page, violations)
    context.close()
    assert refused == [], refused
    assert violations == [], axe_report(violations)


@pytest.fixture
def requests_elsewhere(page, live_server):
    """The URLs of every request the page makes to a host other than the live server."""
    outside = []

    def record(request):
        if not request.url.startswith(live_server.url):
            outside.append(request.url)

    page.on("request", record)
    return outside


def sign_in(page, base, username):
    """Sign in through the login page as one of the casts' users (password pw-<name>-123)."""
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", f"pw-{username}-123")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/")


@pytest.fixture(name="sign_in")
def sign_in_fixture():
    return sign_in


@pytest.fixture
def axe_tools():
    """The accessibility check's parts, for the test of the check itself."""
    return SimpleNamespace(checked_context=axe_checked_context, check_now=axe_check_now)
