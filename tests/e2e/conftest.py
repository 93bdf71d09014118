"""Browser tests: Debian's chromium driven by Playwright against a live server.

Never `playwright install`: the browser is /usr/bin/chromium (scripts/ensure-chromium).
"""

import importlib.util
import os
from pathlib import Path

import pytest
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


@pytest.fixture
def page(browser):
    """A new page; the test fails if the Content Security Policy refused anything on it (an
    inline script, a style or image from elsewhere): every browser test checks the policy."""
    context = browser.new_context()
    page = context.new_page()
    refused = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    yield page
    context.close()
    assert refused == [], refused


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
