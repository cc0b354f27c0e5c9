"""Settings for the load benchmark (bench/load.py): production settings, with what a
loopback benchmark without TLS or authenticator apps needs, each said here:

- a fixed throwaway secret key and loopback hosts;
- no HTTPS redirect and cookies not marked Secure (plain HTTP on 127.0.0.1; in production
  TLS ends at the reverse proxy and these stay on);
- the second factor NOT demanded of managers (OVERSIGHT_REQUIRE_2FA off: the simulated
  users have no authenticator app);
- a fast password hasher first (MD5, as the test settings): Argon2 at every sign-in would
  measure the hasher, not the pages. django-axes stays on;
- static files served from the app directories without collectstatic.
"""

import os

os.environ.setdefault("OVERSIGHT_SECRET_KEY", "bench-load-not-secret-" + "x" * 40)
os.environ.setdefault("OVERSIGHT_ALLOWED_HOSTS", "127.0.0.1,localhost")
os.environ.setdefault("OVERSIGHT_SSL_REDIRECT", "0")
os.environ.setdefault("OVERSIGHT_HSTS_SECONDS", "0")

from oversight.settings import *  # noqa: E402,F403
from oversight.settings import PASSWORD_HASHERS as PRODUCTION_PASSWORD_HASHERS  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PRODUCTION_PASSWORD_HASHERS]
OVERSIGHT_REQUIRE_2FA = False
# Static files from the app directories (no collectstatic, which compresses every file and
# takes minutes): locust fetches pages, not assets, so this changes nothing measured.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False

# Server errors with their tracebacks on gunicorn's stderr (bench/load.py keeps it), not mailed.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stderr": {"class": "logging.StreamHandler"}},
    "loggers": {"django.request": {"handlers": ["stderr"], "level": "ERROR", "propagate": False}},
}
