"""Django settings, read from the environment.

Fail fast: outside the local demo (OVERSIGHT_DEBUG=1) a secret key and allowed
hosts must be given. ``DATABASE_URL`` chooses the database (SQLite by default).
Sign-in and security settings (README "Sign-in and security") are safe by default:
only the local demo relaxes them, and production refuses the demo's shortcuts.
"""

from __future__ import annotations

import os
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.core.management.utils import get_random_secret_key

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("OVERSIGHT_DATA_DIR", Path.cwd()))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off", ""):
        return False
    raise ImproperlyConfigured(f"{name}: expected true or false, got {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}: expected a whole number, got {value!r}") from None
    if number < 0:
        raise ImproperlyConfigured(f"{name}: expected a whole number of 0 or more, got {value!r}")
    return number


DEBUG = env_bool("OVERSIGHT_DEBUG", False)

SECRET_KEY = os.environ.get("OVERSIGHT_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "OVERSIGHT_SECRET_KEY is not set (set OVERSIGHT_DEBUG=1 for the local demo, which makes a throwaway key)"
        )
    SECRET_KEY = get_random_secret_key()

ALLOWED_HOSTS = [h for h in os.environ.get("OVERSIGHT_ALLOWED_HOSTS", "").split(",") if h]
if DEBUG and not ALLOWED_HOSTS:
    ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "oversight.accounts",
    "oversight.policies",
    "oversight.organisations",
    "oversight.people",
    "oversight.supervision",
    "oversight.sessions",
    "oversight.records",
    "oversight.cases",
    "oversight.audit",
    "oversight.compliance",
    "oversight.reminders",
    "rules",
    "oversight.access",
    "oversight.retention",
    "oversight.dashboards",
    "oversight.imports",
    "oversight.preparation",
    "oversight.quality",  # quality assurance of supervision: audits, observations, training (issue 8)
    "oversight.surveys",  # feedback on supervision in records, anonymous staff surveys (issue 8)
    "oversight.files",  # supervision file items (Leeds 4.12)
    "oversight.capacity",  # supervisor capacity planning (issue 9)
    "oversight.guard",  # the child-data guard: children's information kept out of personal records (issue 9)
    "django_tasks",  # the embedded task runner (reminders): oversight.reminders.tasks
    "django_tasks_db",
    # Issue 7: the REST API (oversight.api), its OpenAPI schema and Swagger UI from our own static files
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "oversight.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "oversight.audit.context.SourceAddressMiddleware",  # the audit trail's "from where"
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified(): a second factor in this session
    "oversight.accounts.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks: turns a lockout into our lockout page
]

ROOT_URLCONF = "oversight.urls"

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
            ],
        },
    },
]

WSGI_APPLICATION = "oversight.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'oversight.sqlite3'}"), conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The server and the task worker write to one SQLite file: take the write lock when a
    # transaction starts (no deadlock when two read-then-write transactions meet) and wait
    # for it rather than fail at once.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"transaction_mode": "IMMEDIATE", "timeout": 20})
    # Write-ahead log (readers never block the writer) and a sync at every commit, so a
    # commit that returned survives a crash (bench/crash.py kills writers mid-transaction).
    DATABASES["default"]["OPTIONS"].setdefault("init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL")

# Argon2id for new and changed passwords; the others only check (and, at sign-in, upgrade)
# hashes written before Argon2 was first.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# Static files: GOV.UK Frontend and htmx are built from npm into oversight/static/ by
# `make static` (scripts/build_static.py); nothing is fetched at run time. WhiteNoise
# serves them. In production run `oversight collectstatic --noinput` (into STATIC_ROOT)
# after `make static`: WhiteNoise then serves compressed copies with hashed names that
# browsers may cache forever. DEBUG and the test suite use Django's default storage and
# serve straight from the app static directories, so they need no collectstatic.
TESTING = "oversight.settings_test" in sys.modules
STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]  # the project package is not an app
if TESTING:
    WHITENOISE_USE_FINDERS = True
    WHITENOISE_AUTOREFRESH = True
elif not DEBUG:
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Sign-in and security (README "Sign-in and security") ---------------------------------
# HTTPS only outside the local demo. Behind a proxy that terminates TLS, set
# OVERSIGHT_TRUSTED_PROXIES to the number of proxies in front (they must set X-Forwarded-Proto
# and append to X-Forwarded-For); OVERSIGHT_SSL_REDIRECT=0 leaves the redirect to them.
TRUSTED_PROXIES = env_int("OVERSIGHT_TRUSTED_PROXIES", 0)
if TRUSTED_PROXIES:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("OVERSIGHT_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("OVERSIGHT_HSTS_SECONDS", 0 if DEBUG else 365 * 24 * 60 * 60)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("OVERSIGHT_HSTS_INCLUDE_SUBDOMAINS", True)
# The preload directive only matters once the domain's owner submits it to the browsers' list.
SECURE_HSTS_PRELOAD = env_bool("OVERSIGHT_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Signed out after 30 minutes without a request: a request pushes the expiry 30 minutes on
# (writing the session at most once a minute: oversight.accounts.sessions).
SESSION_ENGINE = "oversight.accounts.sessions"
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = False

# Static files and our own scripts only: no 'unsafe-inline', no 'unsafe-eval' (base.html and
# tests/test_static.py keep the templates free of inline script and style).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# django-axes: five failed sign-ins for one username from one address lock that pair out for
# 15 minutes. By username *and* address: by username alone anyone could lock a colleague out
# from anywhere (usernames are easy to guess), by address alone one bad guess-run would lock
# out a whole office behind the council's NAT. Unknown usernames are counted like known ones,
# and the lockout page is the same for both. Attempts during a lockout neither count nor
# extend it; a successful sign-in clears the count.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out pair before any password check
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "oversight.accounts.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "oversight.accounts.network.client_ip"  # REMOTE_ADDR unless proxies are trusted

# A second factor (TOTP) for managers and administrators: oversight.accounts.second_factor.
# The local demo skips it unless OVERSIGHT_DEMO_SKIP_2FA=0; production never skips.
if env_bool("OVERSIGHT_DEMO_SKIP_2FA", False) and not DEBUG:
    raise ImproperlyConfigured("OVERSIGHT_DEMO_SKIP_2FA is for the local demo only (it needs OVERSIGHT_DEBUG=1)")
OVERSIGHT_REQUIRE_2FA = not (DEBUG and env_bool("OVERSIGHT_DEMO_SKIP_2FA", True))
OTP_TOTP_ISSUER = "Oversight"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

# Single sign-on through the council's OpenID Connect provider (Entra ID, say), when
# OVERSIGHT_OIDC_CLIENT_ID is set: then every other OVERSIGHT_OIDC_* setting below must be
# too. Only existing, active users are signed in, matched by email; nobody is created.
OIDC_ENABLED = bool(os.environ.get("OVERSIGHT_OIDC_CLIENT_ID"))
if OIDC_ENABLED:

    def _oidc(name: str) -> str:
        value = os.environ.get(f"OVERSIGHT_OIDC_{name}", "")
        if not value:
            raise ImproperlyConfigured(f"OVERSIGHT_OIDC_{name} is not set (needed with OVERSIGHT_OIDC_CLIENT_ID)")
        return value

    OIDC_RP_CLIENT_ID = _oidc("CLIENT_ID")
    OIDC_RP_CLIENT_SECRET = _oidc("CLIENT_SECRET")
    OIDC_OP_ISSUER = _oidc("ISSUER")  # e.g. https://login.microsoftonline.com/<tenant id>/v2.0
    OIDC_OP_AUTHORIZATION_ENDPOINT = _oidc("AUTHORIZATION_ENDPOINT")
    OIDC_OP_TOKEN_ENDPOINT = _oidc("TOKEN_ENDPOINT")
    OIDC_OP_USER_ENDPOINT = _oidc("USERINFO_ENDPOINT")
    OIDC_OP_JWKS_ENDPOINT = _oidc("JWKS_ENDPOINT")
    OIDC_RP_SIGN_ALGO = os.environ.get("OVERSIGHT_OIDC_SIGN_ALGO", "RS256")
    OIDC_RP_SCOPES = "openid email"
    OIDC_USE_PKCE = True
    OIDC_CREATE_USER = False
    OIDC_TIMEOUT = 10
    OIDC_SIGN_IN_LABEL = os.environ.get("OVERSIGHT_OIDC_SIGN_IN_LABEL", "Sign in with your council account")
    LOGIN_REDIRECT_URL_FAILURE = "/sign-in/?single-sign-on=failed"
    AUTHENTICATION_BACKENDS.append("oversight.accounts.oidc.CouncilOIDCBackend")

# Widgets render with the project's templates (the GOV.UK date input).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"


# --- Reminders, email and the task runner (README "Reminders, calendars and notifications") -----
# Tasks run from the database (django-tasks-db): `oversight db_worker` runs them; `make run`
# starts one beside the server. The daily reminder job re-enqueues itself (oversight.reminders.tasks).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
OVERSIGHT_REMIND_AT_HOUR = env_int("OVERSIGHT_REMIND_AT_HOUR", 7)  # local time of the daily run
# The daily run also logs the audit trail's head (logger "oversight.audit") and, with this set,
# appends it to this file: put it on storage the database's administrators cannot rewrite
# (README "Audit trail anchors"; `oversight audit verify --anchors FILE` checks them).
OVERSIGHT_AUDIT_ANCHOR_FILE = os.environ.get("OVERSIGHT_AUDIT_ANCHOR_FILE", "")

# Supervisor capacity (README "Supervisor capacity"): the share of contracted hours set aside for
# supervision, in percent (no policy names one), the minutes of a session whose rule sets no
# duration, and of a child's case review (no policy gives one).
OVERSIGHT_CAPACITY_SHARE = env_int("OVERSIGHT_CAPACITY_SHARE_PERCENT", 20) / 100
OVERSIGHT_CAPACITY_DEFAULT_MINUTES = env_int("OVERSIGHT_CAPACITY_DEFAULT_MINUTES", 90)
OVERSIGHT_CAPACITY_CASE_REVIEW_MINUTES = env_int("OVERSIGHT_CAPACITY_CASE_REVIEW_MINUTES", 15)

# Email through Django's backends: SMTP when EMAIL_HOST is set, else the console (the demo)
# outside production; production without EMAIL_HOST sends no email (the in-app bell still works).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Oversight <oversight@localhost>")
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL: set one at most")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
elif DEBUG:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
EMAIL_BACKEND = os.environ.get("OVERSIGHT_EMAIL_BACKEND", EMAIL_BACKEND)

# GOV.UK Notify instead of SMTP for reminder emails, when an API key is given; then a template
# id per reminder kind is required (each template takes the personalisation fields listed in
# the README). Calendar invitations carry an .ics file, so they always go by SMTP.
OVERSIGHT_NOTIFY_API_KEY = os.environ.get("OVERSIGHT_NOTIFY_API_KEY", "")
OVERSIGHT_NOTIFY_TEMPLATES: dict[str, str] = {}
if OVERSIGHT_NOTIFY_API_KEY:
    for _kind in ("before_due", "overdue", "escalated", "needs_cover", "digest"):
        _template = os.environ.get(f"OVERSIGHT_NOTIFY_TEMPLATE_{_kind.upper()}", "")
        if not _template:
            raise ImproperlyConfigured(
                f"OVERSIGHT_NOTIFY_TEMPLATE_{_kind.upper()} is not set (needed with OVERSIGHT_NOTIFY_API_KEY)"
            )
        OVERSIGHT_NOTIFY_TEMPLATES[_kind] = _template

# The address of the site, for links in emails and the calendar feed's address.
OVERSIGHT_SITE_URL = os.environ.get(
    "OVERSIGHT_SITE_URL",
    "http://127.0.0.1:8000" if DEBUG or not ALLOWED_HOSTS else f"https://{ALLOWED_HOSTS[0]}",
).rstrip("/")

# --- The REST API (oversight.api, README "The API") ---------------------------------------------
# Tokens for integrations (Authorization: Token <key>), the signed-in session with CSRF for the
# browser. JSON only: the browsable API's pages have inline script, which the CSP forbids.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "oversight.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",  # checks CSRF on every unsafe method
    ],
    "DEFAULT_PERMISSION_CLASSES": ["oversight.api.permissions.PolicyPermission"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "oversight.api.pagination.ApiPagination",
    "DEFAULT_SCHEMA_CLASS": "oversight.api.schema.ApiAutoSchema",
    "EXCEPTION_HANDLER": "oversight.api.exceptions.api_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Oversight API",
    "DESCRIPTION": (
        "Staff supervision records, read as the access policy allows and changed through the same "
        "actions as the pages. Authenticate with 'Authorization: Token <key>' (oversight api_token create)."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "PARSER_WHITELIST": ["rest_framework.parsers.JSONParser"],  # bodies are documented as JSON
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "SessionStatus": "oversight.sessions.models.Session.Status",
        "RecordStatus": "oversight.records.models.Record.Status",
        "CancelReason": "oversight.sessions.models.Session.Reason",
        "SessionKind": "oversight.sessions.models.Session.Kind",
    },
}
