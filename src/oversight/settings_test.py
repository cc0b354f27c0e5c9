"""Settings for the test suite: the real settings with a throwaway secret key."""

import os
import secrets

os.environ.setdefault("OVERSIGHT_SECRET_KEY", "test-" + secrets.token_hex(32))
os.environ.setdefault("OVERSIGHT_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")

from oversight.settings import *  # noqa: E402,F403
