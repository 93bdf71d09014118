"""Settings for coopnet's web app. Every setting can be given by environment variable.

| variable | meaning | default |
| --- | --- | --- |
| COOPNET_SECRET_KEY | Django's secret key: set it in production | a development key |
| COOPNET_REQUIRE_SECRET | "1" refuses to start without COOPNET_SECRET_KEY | "0" |
| COOPNET_DEBUG | "1" for development | "0" |
| COOPNET_ALLOWED_HOSTS | comma-separated host names | localhost,127.0.0.1 |
| DATABASE_URL | e.g. postgres://user@host:5432/coopnet | sqlite:///coopnet.sqlite3 |
| COOPNET_DATA_DIR | where the SQLite database lives | the working directory |
| COOPNET_NETWORK_NAME | the network's name, shown in every page's header | coopnet |
| COOPNET_CURRENCY | the network's currency: an ISO 4217 code, for every amount shown | GBP |
| COOPNET_LANGUAGE | how amounts and dates are written (a language code) | en-gb |
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from coopnet.common.money import currency_code

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("COOPNET_DATA_DIR", Path.cwd()))

DEBUG = os.environ.get("COOPNET_DEBUG", "0") == "1"
COOPNET_NETWORK_NAME = os.environ.get("COOPNET_NETWORK_NAME", "coopnet")
try:
    COOPNET_CURRENCY = currency_code(os.environ.get("COOPNET_CURRENCY", "GBP"))
except ValueError as error:
    raise ImproperlyConfigured(str(error)) from None
SECRET_KEY = os.environ.get("COOPNET_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and os.environ.get("COOPNET_REQUIRE_SECRET") == "1":
        raise RuntimeError("COOPNET_SECRET_KEY must be set in production")
    SECRET_KEY = "development-only-not-secret"
ALLOWED_HOSTS = os.environ.get("COOPNET_ALLOWED_HOSTS", "localhost,127.0.0.1,testserver").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",  # serves its Swagger UI from local static files, not a CDN
    "django_tasks",
    "django_tasks_db",
    "coopnet.common",
    "coopnet.directory",
    "coopnet.opportunities",
    "coopnet.network",
    "coopnet.sharedservices",
    "coopnet.mentoring",
    "coopnet.books",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # last, so that it reads the request id any middleware above gave the request
    "coopnet.common.audit.AuditMiddleware",
]

ROOT_URLCONF = "coopnet.web.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "coopnet.common.context.network",
            ]
        },
    }
]
WSGI_APPLICATION = "coopnet.web.wsgi.application"

# Each worker process keeps its own connection for up to a minute, checked before reuse (so
# that a restarted PostgreSQL costs no failed request); none is ever shared across a fork
# (coopnet.web.serve closes the master's before gunicorn forks).
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'coopnet.sqlite3'}"),
        conn_max_age=60,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while a writer commits; IMMEDIATE takes the write lock up front
    # so that concurrent transactions wait (busy timeout) instead of failing mid-way.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # Tests use a file too, not shared-cache memory: its locks fail at once instead of waiting,
    # which a live server's threads and a job worker would run into. One file per checkout, so
    # that two checkouts' suites can run at once.
    _checkout = hashlib.sha256(str(BASE_DIR).encode()).hexdigest()[:8]
    DATABASES["default"]["TEST"] = {
        "NAME": os.environ.get(
            "COOPNET_TEST_DATABASE",
            str(Path(tempfile.gettempdir()) / f"coopnet-test-{_checkout}.sqlite3"),
        )
    }

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

LANGUAGE_CODE = os.environ.get("COOPNET_LANGUAGE", "en-gb")
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
