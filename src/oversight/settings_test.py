"""Settings for the test suite: the real settings with a throwaway secret key.

Three things are relaxed for speed and for tests that sign in with ``client.force_login``
or ``client.login``; tests/test_accounts.py turns each back on where it is the subject:

- a fast password hasher first (the production list stays behind it, and in
  ``PRODUCTION_PASSWORD_HASHERS``);
- django-axes off (its backend needs a request, which ``client.login`` does not pass);
- the second factor not demanded (``OVERSIGHT_REQUIRE_2FA``).
"""

import os
import secrets

os.environ.setdefault("OVERSIGHT_SECRET_KEY", "test-" + secrets.token_hex(32))
os.environ.setdefault("OVERSIGHT_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("OVERSIGHT_SSL_REDIRECT", "0")  # the test client and the browser walk speak plain HTTP

from oversight.settings import *  # noqa: E402,F403
from oversight.settings import PASSWORD_HASHERS as PRODUCTION_PASSWORD_HASHERS  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PRODUCTION_PASSWORD_HASHERS]
AXES_ENABLED = False
OVERSIGHT_REQUIRE_2FA = False
