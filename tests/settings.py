"""Settings for the test suite: the real settings, with a test key and a fast password hasher."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
os.environ.setdefault("LOG_FORMAT", "text")

from songnuan.settings import *  # noqa: E402,F403

# Hashing passwords properly is slow by design; the suite logs in hundreds of times.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# The test client and the browser tests' live server speak plain HTTP.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
# ID numbers are encrypted with a key derived from the test SECRET_KEY.
FIELD_ENCRYPTION_KEY_MAY_DERIVE = True
# The suite migrates its own database as the role it connects with.
MIGRATE_DATABASE_URL = ""
# Serve static files straight from the apps, as no collectstatic runs before the suite.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# The cast signs in without a second factor; the two-factor tests turn the requirement on.
OTP_REQUIRED = False

# The browser tests wait for the live server's requests to end before emptying the database.
MIDDLEWARE = ["tests.e2e.inflight.InFlight", *MIDDLEWARE]  # noqa: F405

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    # The suite's rows need not outlive a crash of the machine: a commit does not wait for the
    # disk (the live server and the transactional tests commit thousands of times).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c synchronous_commit=off"  # noqa: F405

# Empties only the tables with rows between transactional tests (tests/emptying).
INSTALLED_APPS = ["tests.emptying", *INSTALLED_APPS]  # noqa: F405
