"""Kopdes settings, driven by the environment (see README, "Configuration").

KOPDES_ENV=production switches on secure cookies, HSTS, SSL redirect and requires a real secret
key and allowed hosts; the default ("development") is what `kopdes demo` runs with.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from kopdes.core.middleware import parse_trusted_proxies
from kopdes.settings.env import (
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_str,
    parse_replicas,
    parse_witnesses,
)

PACKAGE_DIR = Path(__file__).resolve().parent.parent

KOPDES_ENV = env_choice("KOPDES_ENV", "development", ("development", "production"))
PRODUCTION = KOPDES_ENV == "production"

DATA_DIR = Path(env_str("KOPDES_DATA_DIR", str(Path.cwd() / "var"))).resolve()
try:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
except OSError as exc:
    raise ImproperlyConfigured(f"KOPDES_DATA_DIR {DATA_DIR} cannot be created: {exc}") from None

DEBUG = env_bool("KOPDES_DEBUG", default=False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("KOPDES_DEBUG must be off when KOPDES_ENV=production.")

_DEV_SECRET = "kopdes-development-only-secret-key-never-use-in-production-0123456789"  # noqa: S105
SECRET_KEY = env_str("KOPDES_SECRET_KEY", None if PRODUCTION else _DEV_SECRET)
if PRODUCTION and (SECRET_KEY == _DEV_SECRET or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured(
        "KOPDES_SECRET_KEY must be a random string of at least 50 characters."
    )

# QRIS payments (kopdes.payments.gateway, ADR 0019-qris-gateway): the provider whose signed
# notifications prove a payment, and the simulator's HMAC secret (required in production, as the
# other secrets: a known secret would let anyone mark a payment paid). QRIS intents wait
# KOPDES_PAYMENT_INTENT_MINUTES for the payer before they expire.
KOPDES_PAYMENT_GATEWAY = env_choice("KOPDES_PAYMENT_GATEWAY", "simulator", ("simulator",))
_DEV_PAYMENT_SECRET = "kopdes-development-only-payment-simulator-secret-0123456789"  # noqa: S105
KOPDES_PAYMENT_SIMULATOR_SECRET = env_str(
    "KOPDES_PAYMENT_SIMULATOR_SECRET", None if PRODUCTION else _DEV_PAYMENT_SECRET
)
if PRODUCTION and (
    KOPDES_PAYMENT_SIMULATOR_SECRET == _DEV_PAYMENT_SECRET
    or len(KOPDES_PAYMENT_SIMULATOR_SECRET) < 32
):
    raise ImproperlyConfigured(
        "KOPDES_PAYMENT_SIMULATOR_SECRET must be a random string of at least 32 characters."
    )
KOPDES_PAYMENT_INTENT_MINUTES = env_int("KOPDES_PAYMENT_INTENT_MINUTES", 15)
KOPDES_PAYMENT_NOTIFY_ADDRESS_LIMIT = env_int("KOPDES_PAYMENT_NOTIFY_ADDRESS_LIMIT", 20)

ALLOWED_HOSTS = env_list(
    "KOPDES_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("KOPDES_ALLOWED_HOSTS is required when KOPDES_ENV=production.")
CSRF_TRUSTED_ORIGINS = env_list("KOPDES_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",
    "ninja",
    "kopdes.core",
    "kopdes.regions",
    "kopdes.cooperatives",
    "kopdes.accounts",
    "kopdes.ledger",
    "kopdes.members",
    "kopdes.announcements",
    "kopdes.payments",
    "kopdes.savings",
    "kopdes.loans",
    "kopdes.commerce",
    "kopdes.funding",
    "kopdes.shu",
    "kopdes.rat",
    "kopdes.supervision",
    "kopdes.api",
    "kopdes.web",
    "kopdes.pwa",
    "kopdes.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "kopdes.core.middleware.RequestIdMiddleware",
    "kopdes.core.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "kopdes.accounts.middleware.UserLanguageMiddleware",
    "kopdes.accounts.middleware.PasswordChangeRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "kopdes.urls"
WSGI_APPLICATION = "kopdes.wsgi.application"

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
                "kopdes.web.context.navigation",
            ],
        },
    },
]

# Databases: SQLite in the data directory unless DATABASE_URL names another database.
DATABASE_URL = env_str("DATABASE_URL", "")
if DATABASE_URL:
    try:
        _db = dj_database_url.parse(
            DATABASE_URL, conn_max_age=env_int("KOPDES_DB_CONN_MAX_AGE", 60)
        )
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from None
else:
    _db = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(DATA_DIR / "kopdes.sqlite3"),
        # kept like a server's: a new SQLite connection runs the PRAGMAs below on every request
        "CONN_MAX_AGE": env_int("KOPDES_DB_CONN_MAX_AGE", 60),
    }
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one writer writes; IMMEDIATE takes the write lock at BEGIN so
    # two writers queue on busy_timeout instead of failing with "database is locked" mid-way.
    # Django turns foreign keys on for every SQLite connection.
    _db["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
DATABASES = {"default": _db}
# Read replicas (ADR 0036-read-replicas): PostgreSQL streaming replicas of the primary,
# comma-separated; reads go to one only inside `kopdes.core.replicas.supervision_reads()`.
_replicas = parse_replicas(
    env_list("KOPDES_DATABASE_REPLICA_URLS", []), _db, env_int("KOPDES_DB_CONN_MAX_AGE", 60)
)
DATABASES.update(_replicas)
KOPDES_DATABASE_REPLICAS = list(_replicas)
DATABASE_ROUTERS = ["kopdes.core.replicas.ReplicaRouter"]

# Caches: local memory per process. The member app's home answers (ADR 0034) are kept per member
# under a key that carries the data version of each of their cooperatives, read from the
# database on every request: a worker never serves what a committed write has changed, whatever
# the other workers hold, so no shared cache server is needed. The timeout bounds the memory of
# idle members and any version that would go backwards (a database restored from a backup).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "member_home": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "kopdes-member-home",
        "TIMEOUT": env_int("KOPDES_MEMBER_HOME_CACHE_SECONDS", 300),
        "OPTIONS": {"MAX_ENTRIES": env_int("KOPDES_MEMBER_HOME_CACHE_ENTRIES", 20_000)},
    },
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "web:login"
CSRF_FAILURE_VIEW = "kopdes.web.views.errors.csrf_failure"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"

# Throttling (kopdes.accounts.throttle, ADR 0004): failed logins per phone number get a growing
# delay (30 s after the limit, doubling up to KOPDES_LOGIN_MAX_DELAY_MINUTES), failed logins per
# address a 15-minute block; the old password on the password change counts like a login.
KOPDES_LOGIN_FAILURE_LIMIT = env_int("KOPDES_LOGIN_FAILURE_LIMIT", 5)
KOPDES_LOGIN_ADDRESS_LIMIT = env_int("KOPDES_LOGIN_ADDRESS_LIMIT", 30)
KOPDES_LOGIN_MAX_DELAY_MINUTES = env_int("KOPDES_LOGIN_MAX_DELAY_MINUTES", 15)
# Self-registrations from the member app: per account a day, per address an hour.
KOPDES_MEMBER_REQUEST_LIMIT = env_int("KOPDES_MEMBER_REQUEST_LIMIT", 10)
KOPDES_MEMBER_REQUEST_ADDRESS_LIMIT = env_int("KOPDES_MEMBER_REQUEST_ADDRESS_LIMIT", 30)
# Public loan simulations (API and page) per address, then a growing wait.
KOPDES_LOAN_SIMULATION_ADDRESS_LIMIT = env_int("KOPDES_LOAN_SIMULATION_ADDRESS_LIMIT", 120)
# One-time codes (OTP) sent to one phone number in an hour, and from one address in an hour,
# before a growing wait (kopdes.accounts.otp, ADR 0031).
KOPDES_OTP_PHONE_LIMIT = env_int("KOPDES_OTP_PHONE_LIMIT", 3)
KOPDES_OTP_ADDRESS_LIMIT = env_int("KOPDES_OTP_ADDRESS_LIMIT", 20)
for _name in (
    "KOPDES_LOGIN_FAILURE_LIMIT",
    "KOPDES_LOGIN_ADDRESS_LIMIT",
    "KOPDES_LOGIN_MAX_DELAY_MINUTES",
    "KOPDES_MEMBER_REQUEST_LIMIT",
    "KOPDES_MEMBER_REQUEST_ADDRESS_LIMIT",
    "KOPDES_LOAN_SIMULATION_ADDRESS_LIMIT",
    "KOPDES_OTP_PHONE_LIMIT",
    "KOPDES_OTP_ADDRESS_LIMIT",
):
    if globals()[_name] < 1:
        raise ImproperlyConfigured(f"{_name} must be at least 1.")

# The reverse proxies in front of the app (addresses or networks, comma-separated). Only when the
# peer is one of them is the client's address taken from X-Forwarded-For (throttles, audit log).
KOPDES_TRUSTED_PROXIES = env_list("KOPDES_TRUSTED_PROXIES", [])
try:
    parse_trusted_proxies(KOPDES_TRUSTED_PROXIES)
except ValueError as _exc:
    raise ImproperlyConfigured(f"KOPDES_TRUSTED_PROXIES has a bad entry: {_exc}") from None

# The witnesses that cosign the ledger's checkpoints (C2SP tlog-witness), as a JSON list of
# {"name": <the witness's key name>, "url": <its submission prefix>, "verifier_key": <its
# cosignature/v1 verifier key, the one `kopdes witness init` printed>}. Empty: no witness.
KOPDES_WITNESSES = parse_witnesses(env_str("KOPDES_WITNESSES", "[]"))
# `kopdes close-day` runs these in order (kopdes.core.daily): loans first, then the QRIS intents
# whose time is up and the pickup orders past their day, the checkpoints last.
KOPDES_DAILY_JOBS = [
    "kopdes.loans.daily.run",
    "kopdes.payments.daily.run",
    "kopdes.commerce.daily.run",  # pickup orders past their day expire
    "kopdes.funding.daily.run",  # bank loan installments due soon without the cash: warned
    "kopdes.ledger.daily.run",
]
# The messaging gateway for one-time codes (kopdes.core.messaging): `outbox` keeps every message
# in a table for the demo and development (read on /app/pesan-keluar/ or `kopdes outbox`); a
# dotted path `package.module.Class` names a WhatsApp or SMS provider's backend.
KOPDES_MESSAGING_BACKEND = env_str("KOPDES_MESSAGING_BACKEND", "outbox")
# Days before a bank loan installment falls due that a shortfall of cash is warned about.
KOPDES_BANK_LOAN_WARNING_DAYS = env_int("KOPDES_BANK_LOAN_WARNING_DAYS", 7)

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
# One date format everywhere: `1 Des 2026` / `1 Dec 2026` (kopdes/formats/<lang>/formats.py).
FORMAT_MODULE_PATH = ["kopdes.formats"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Outside production whitenoise serves straight from the apps' static folders, so the demo needs
# no collectstatic step.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = DATA_DIR / "media"  # private uploads; never served directly

SESSION_COOKIE_AGE = 60 * 60 * 12
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("KOPDES_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("KOPDES_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Content Security Policy: everything is served by the app itself (no CDN, no inline script).
# The API docs page (Swagger UI from django-ninja's own static files) needs inline bootstrap.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# API tokens for the member app: lifetime of a token issued by POST /api/v1/auth/login.
KOPDES_API_TOKEN_TTL = timedelta(days=env_int("KOPDES_API_TOKEN_DAYS", 30))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "kopdes.core.middleware.RequestIdLogFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["request_id"],
        },
    },
    "root": {"handlers": ["console"], "level": env_str("KOPDES_LOG_LEVEL", "INFO")},
    # WeasyPrint logs each step of every PDF at INFO: only its warnings are worth reading
    "loggers": {name: {"level": "WARNING"} for name in ("weasyprint", "fontTools")},
}
