"""Django settings, read from the environment.

Fail fast: outside the local demo (OVERSIGHT_DEBUG=1) a secret key and allowed
hosts must be given. ``DATABASE_URL`` chooses the database (SQLite by default).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import dj_database_url
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
    "oversight.policies",
    "oversight.organisations",
    "oversight.people",
    "oversight.supervision",
    "oversight.sessions",
    "oversight.records",
    "oversight.cases",
    "oversight.audit",
    "oversight.compliance",
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

SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

# Widgets render with the project's templates (the GOV.UK date input).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
