"""Settings for coopnet's web app. Every setting can be given by environment variable: each
one is documented in docs/deployment.md (a test holds them to it), with a complete production
example in docs/production.env.example. `COOPNET_PRODUCTION=1` turns on HTTPS only, secure
cookies and HSTS, and refuses to start without a secret key, host names and e-mail."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import tempfile
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

from coopnet.common.money import currency_code
from coopnet.common.requestid import logging_settings
from coopnet.web import environment as env

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("COOPNET_DATA_DIR", Path.cwd()))

DEBUG = env.flag("COOPNET_DEBUG", False)
#: a deployment for real: secure cookies, HTTPS only (HSTS), a secret key, host names and e-mail
#: required, or the app refuses to start
PRODUCTION = env.flag("COOPNET_PRODUCTION", False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("COOPNET_DEBUG must be off in production (COOPNET_PRODUCTION=1)")
COOPNET_NETWORK_NAME = os.environ.get("COOPNET_NETWORK_NAME", "coopnet")
try:
    COOPNET_CURRENCY = currency_code(os.environ.get("COOPNET_CURRENCY", "GBP"))
except ValueError as error:
    raise ImproperlyConfigured(str(error)) from None
if PRODUCTION or (not DEBUG and env.flag("COOPNET_REQUIRE_SECRET", False)):
    SECRET_KEY = env.required("COOPNET_SECRET_KEY", "a long random string, kept secret")
else:
    SECRET_KEY = env.text("COOPNET_SECRET_KEY", "development-only-not-secret")
#: earlier keys, still accepted for signatures (sessions, reset links) while they expire
SECRET_KEY_FALLBACKS = env.names("COOPNET_SECRET_KEY_FALLBACKS", [])
if PRODUCTION:
    env.required("COOPNET_ALLOWED_HOSTS", "the host names the app answers to")
ALLOWED_HOSTS = env.names("COOPNET_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "testserver"])
CSRF_TRUSTED_ORIGINS = env.names("COOPNET_CSRF_TRUSTED_ORIGINS", [])

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
    "axes",
    "csp",
    "coopnet.common",
    "coopnet.directory",
    "coopnet.notifications",
    "coopnet.opportunities",
    "coopnet.offerings",
    "coopnet.network",
    "coopnet.sharedservices",
    "coopnet.mentoring",
    "coopnet.clients",
    "coopnet.jointbids",
    "coopnet.books",
]

MIDDLEWARE = [
    "coopnet.common.requestid.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "coopnet.common.badtext.BadTextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # after the request id is given, so that it reads it
    "coopnet.common.audit.AuditMiddleware",
    # last, as axes asks: turns a refused sign-in into the lockout page
    "axes.middleware.AxesMiddleware",
]

# Forms are drawn with Django's own Jinja2 templates of its widgets (the same HTML), several
# times quicker than its template language's for a page with a form; an app's own widget
# templates are in its jinja2/ folder.
FORM_RENDERER = "django.forms.renderers.Jinja2"

ROOT_URLCONF = "coopnet.web.urls"
# Every 500 is logged with its request id (common.requestid), shown on the 500 page too
LOGGING = logging_settings(os.environ.get("COOPNET_LOG_LEVEL", "INFO"))
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
                "coopnet.directory.context.my_organisation",
            ],
            # the header's navigation, on every page (built in Python, kept per process)
            "builtins": ["coopnet.web.navigation"],
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

# The cache holds the API's rate counts. Unset, each process keeps its own in memory (fine for
# one web process); COOPNET_CACHE_URL shares one Redis between every web process on every
# machine, so that a caller's rate is counted once. Timeouts, so that a Redis gone away fails a
# request in seconds rather than hanging it. The prefix keeps two deployments' keys apart.
# (The error names the URL's scheme only: the rest may hold Redis's password.)
_cache_url = env.text("COOPNET_CACHE_URL")
_cache_scheme = _cache_url.lower().partition("://")[0] if "://" in _cache_url else ""
if not _cache_url:
    CACHES: dict[str, dict[str, object]] = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    }
elif _cache_scheme not in {"redis", "rediss", "unix"}:
    raise ImproperlyConfigured(
        "COOPNET_CACHE_URL must begin redis://, rediss:// or unix:// (e.g. "
        "redis://127.0.0.1:6379/0); "
        + (f"it begins {_cache_scheme}://" if _cache_scheme else "it has no scheme")
    )
else:
    CACHES = {
        "default": {
            "BACKEND": "coopnet.common.rediscache.RedisCache",
            "LOCATION": _cache_url,
            "KEY_PREFIX": env.text("COOPNET_CACHE_PREFIX"),
            "OPTIONS": {"socket_connect_timeout": 5, "socket_timeout": 5},
        }
    }

# Sessions live in the database; with a shared cache they are read from it too (written to
# both), which saves every request a query. Only a shared cache may hold them: a process's own
# memory would keep a session another process has ended (a sign-out) alive.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if _cache_url
    else "django.contrib.sessions.backends.db"
)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# Sign-in throttling (coopnet.common.signin): a username is refused from an address after
# COOPNET_LOGIN_FAILURES failed sign-ins within COOPNET_LOGIN_COOLOFF_MINUTES, until they pass.
AUTHENTICATION_BACKENDS = [
    "coopnet.common.signin.LockoutBackend",
    # Django's ModelBackend, loading with the user what every page asks of it
    "coopnet.directory.auth.MemberBackend",
]
AXES_FAILURE_LIMIT = env.whole("COOPNET_LOGIN_FAILURES", 5, least=1)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env.whole("COOPNET_LOGIN_COOLOFF_MINUTES", 15, least=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "coopnet.common.signin.lockout_response"
AXES_CLIENT_IP_CALLABLE = "coopnet.common.signin.client_ip"
AXES_SENSITIVE_PARAMETERS = ["password"]
# no banner on every start: the command line keeps stderr for its one `error:` line
AXES_VERBOSE = False
# the trusted reverse proxies in front of the app, for the client's address (X-Forwarded-For)
COOPNET_PROXY_HOPS = env.whole("COOPNET_PROXY_HOPS", 0)
NINJA_NUM_PROXIES = COOPNET_PROXY_HOPS

# API throttling (coopnet.common.auth.throttles): requests per period for each signed-in user
# and each anonymous address; generous, so that scripts and the load benchmarks pass.
COOPNET_API_RATES = {
    "user": env.rate("COOPNET_API_RATE_USER", "6000/min"),
    "anon": env.rate("COOPNET_API_RATE_ANON", "600/min"),
}

# The public front door (coopnet.clients): the client requests each address may send per
# period, counted in the cache above (so across every web process with COOPNET_CACHE_URL)
COOPNET_FRONTDOOR_RATE = env.rate("COOPNET_FRONTDOOR_RATE", "5/hour")

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"

# E-mail (invitations, password resets): SMTP once COOPNET_EMAIL_HOST is set; without it, the
# console (development only: production refuses to start without a way to send mail).
EMAIL_HOST = env.text("COOPNET_EMAIL_HOST")
EMAIL_PORT = env.whole("COOPNET_EMAIL_PORT", 587, least=1)
EMAIL_HOST_USER = env.text("COOPNET_EMAIL_USER")
EMAIL_HOST_PASSWORD = env.text("COOPNET_EMAIL_PASSWORD")
EMAIL_USE_TLS = env.flag("COOPNET_EMAIL_TLS", EMAIL_PORT != 465)  # STARTTLS
EMAIL_USE_SSL = env.flag("COOPNET_EMAIL_SSL", EMAIL_PORT == 465)  # TLS from the start
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("COOPNET_EMAIL_TLS and COOPNET_EMAIL_SSL: choose one")
EMAIL_TIMEOUT = env.whole("COOPNET_EMAIL_TIMEOUT", 10, least=1)
DEFAULT_FROM_EMAIL = env.text("COOPNET_EMAIL_FROM", "coopnet@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The address people reach the site at, for the links in notification e-mails (sent by a job,
# which has no request to read it from).
COOPNET_SITE_URL = env.text("COOPNET_SITE_URL", "http://localhost:8000")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
elif PRODUCTION:
    env.required("COOPNET_EMAIL_HOST", "invitations and password resets are sent by e-mail")
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

LANGUAGE_CODE = os.environ.get("COOPNET_LANGUAGE", "en-gb")
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Static files are collected with a hash of their content in their names and compressed (gzip)
# beside them; WhiteNoise serves those names with a year's caching ("immutable"): a new release
# has new names, so browsers never keep a stale file. The tests, which collect none, use the
# plain storage (tests/integration/conftest.py).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False

# HTTPS in production: cookies only over it, plain HTTP redirected to it, and browsers told to
# use nothing else (HSTS). Behind a reverse proxy that ends TLS, COOPNET_PROXY_SSL_HEADER names
# the header by which it says the request came over HTTPS (X-Forwarded-Proto: https); the proxy
# must set it on every request, overwriting what the client sent.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = PRODUCTION
SECURE_SSL_REDIRECT = PRODUCTION and env.flag("COOPNET_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env.whole("COOPNET_HSTS_SECONDS", 31_536_000) if PRODUCTION else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.flag("COOPNET_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env.flag("COOPNET_HSTS_PRELOAD", True)
_proxy_header = env.text("COOPNET_PROXY_SSL_HEADER")
if _proxy_header:
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _proxy_header.upper().replace("-", "_"), "https")
X_FRAME_OPTIONS = "DENY"

# The Content Security Policy, everywhere (development and tests too, so that the browser tests
# prove the pages work under it): scripts and everything else only from the app itself; inline
# styles allowed (the charts' sizes, the documents' print styles), inline scripts never.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
