"""Production settings from the environment: the documented example clears `manage.py check
--deploy` with no warning; production refuses to start without what it needs, naming it; and it
serves HTTPS only, with secure cookies, HSTS and the Content Security Policy."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs"
EXAMPLE = DOCS / "production.env.example"


def documented_environment() -> dict[str, str]:
    """The example env file's variables (KEY=value lines; quotes around a value dropped)."""
    found = {}
    for line in EXAMPLE.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            found[key.strip()] = value.strip().strip('"')
    return found


def run(env_changes: dict[str, str | None], *args: str) -> subprocess.CompletedProcess[str]:
    # none of the suite's own settings (the browser tests allow async-unsafe calls, say)
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("COOPNET_", "DJANGO_")) and k != "DATABASE_URL"
    }
    env |= {k: v for k, v in env_changes.items() if v is not None}
    return subprocess.run(
        [sys.executable, *args], env=env, capture_output=True, text=True, timeout=120
    )


def test_the_documented_production_environment_clears_check_deploy():
    found = run(
        documented_environment(),
        *("-m", "django", "check", "--deploy", "--fail-level", "WARNING"),
        *("--settings", "coopnet.web.settings"),
    )
    assert found.returncode == 0, found.stderr
    assert found.stdout.strip() == "System check identified no issues (0 silenced)."
    assert "WARNING" not in found.stderr


def test_every_variable_of_the_example_is_documented():
    guide = (DOCS / "deployment.md").read_text()
    for name in documented_environment():
        assert f"`{name}`" in guide, name


@pytest.mark.parametrize(
    ("missing", "named"),
    [
        ({"COOPNET_SECRET_KEY": None}, "COOPNET_SECRET_KEY must be set in production"),
        ({"COOPNET_ALLOWED_HOSTS": None}, "COOPNET_ALLOWED_HOSTS must be set in production"),
        ({"COOPNET_EMAIL_HOST": None}, "COOPNET_EMAIL_HOST must be set in production"),
        ({"COOPNET_DEBUG": "1"}, "COOPNET_DEBUG must be off in production"),
        ({"COOPNET_LOGIN_FAILURES": "five"}, "COOPNET_LOGIN_FAILURES must be a whole number"),
        ({"COOPNET_API_RATE_USER": "lots"}, "COOPNET_API_RATE_USER must be requests/period"),
    ],
)
def test_production_refuses_to_start_without_what_it_needs(tmp_path, missing, named):
    env = documented_environment() | {"COOPNET_DATA_DIR": str(tmp_path)} | missing
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'coopnet.sqlite3'}"
    found = run(env, "-m", "coopnet.cli", "token", "anyone")
    assert found.returncode == 2
    lines = found.stderr.strip().splitlines()
    assert len(lines) == 1, found.stderr
    assert lines[0].startswith(f"error: {named}")


PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.core.management import call_command
call_command("collectstatic", interactive=False, verbosity=0)  # as `coopnet serve` does first
from django.test import Client
plain = Client().get("/accounts/login/")
secure = Client().get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https")
print(json.dumps({
    "plain": [plain.status_code, plain.get("Location")],
    "secure": secure.status_code,
    "hsts": secure.get("Strict-Transport-Security"),
    "csp": secure.get("Content-Security-Policy"),
    "csrf_cookie_secure": bool(secure.cookies["csrftoken"]["secure"]),
    "session_cookie_secure": settings.SESSION_COOKIE_SECURE,
    "email": settings.EMAIL_BACKEND,
}))
"""


def test_production_serves_https_only_with_hsts_secure_cookies_and_a_policy(tmp_path):
    env = documented_environment() | {
        "COOPNET_DATA_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'coopnet.sqlite3'}",
        "COOPNET_ALLOWED_HOSTS": "testserver",
        "DJANGO_SETTINGS_MODULE": "coopnet.web.settings",
    }
    found = run(env, "-c", PROBE)
    assert found.returncode == 0, found.stderr
    seen = json.loads(found.stdout)
    assert seen["plain"] == [301, "https://testserver/accounts/login/"]
    assert seen["secure"] == 200
    assert seen["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert "script-src 'self'" in seen["csp"].split("; ")
    assert "frame-ancestors 'none'" in seen["csp"].split("; ")
    assert seen["csrf_cookie_secure"] is True
    assert seen["session_cookie_secure"] is True
    assert seen["email"] == "django.core.mail.backends.smtp.EmailBackend"


def test_development_keeps_the_console_for_mail_and_plain_http(tmp_path):
    env = {"COOPNET_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "coopnet.web.settings"}
    probe = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.EMAIL_BACKEND, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, "
        "s.SECURE_HSTS_SECONDS)"
    )
    found = run(env, "-c", probe)
    assert found.returncode == 0, found.stderr
    assert found.stdout.split() == [
        "django.core.mail.backends.console.EmailBackend",
        "False",
        "False",
        "0",
    ]


def test_every_variable_the_settings_read_is_documented():
    source = (Path(__file__).resolve().parents[2] / "src/coopnet/web/settings.py").read_text()
    guide = (DOCS / "deployment.md").read_text()
    read = set(re.findall(r'"((?:COOPNET|DATABASE)_[A-Z_]+)"', source))
    assert len(read) > 25
    assert sorted(name for name in read if f"`{name}`" not in guide) == []


@pytest.mark.django_db
def test_every_page_carries_the_content_security_policy(client):
    header = client.get("/accounts/login/")["Content-Security-Policy"]
    policy = dict(part.strip().split(" ", 1) for part in header.split(";"))
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"  # no inline scripts, no other hosts
    assert policy["frame-ancestors"] == "'none'"
