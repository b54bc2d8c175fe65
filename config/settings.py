"""Upright's settings: one module, driven by environment variables (12-factor).

Development defaults are safe to run on a laptop; production (DEBUG off) refuses to start
without a real SECRET_KEY and turns on every transport-security setting.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("UPRIGHT_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEV_SECRET_KEY = "dev-only-insecure-key-never-use-in-production-0123456789abcdef"


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET_KEY)
if not DEBUG and SECRET_KEY == DEV_SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is the development key while DEBUG is off. "
        "Set SECRET_KEY to a long random value (or DEBUG=1 for local development)."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "django_htmx",
    "accounts",
    "sharing",
    "summaries",
    "tracker",
    "exercises",
    "triage",
    "notify",
    "axes",  # sign-in lockouts; its Access attempts in the admin lift one by hand
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every view needs a signed-in person unless it says @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "accounts.middleware.PrivateResponsesMiddleware",
    "accounts.middleware.SessionExpiryMiddleware",
    "accounts.middleware.SecondFactorMiddleware",
    "accounts.middleware.OnboardingMiddleware",
    "accounts.middleware.AuthorizationFailureMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

ROOT_URLCONF = "config.urls"
# Widget templates are found in templates/ too (the pain scale and the chips).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "triage.context_processors.urgent_banner",
                "triage.context_processors.emergency_numbers",
                "notify.context_processors.unread_notifications",
            ],
        },
    },
]

# --- Database: SQLite (WAL) by default, PostgreSQL (or any) through DATABASE_URL ---
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "upright.sqlite3"),
            "OPTIONS": {
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
                ),
                "transaction_mode": "IMMEDIATE",
            },
            # A file, not memory, so a real Celery worker in the tests sees the same data.
            "TEST": {"NAME": str(VAR_DIR / "test.sqlite3")},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out sign-ins
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# Who gets a physiotherapist's alert for a patient's urgent flag is the sharing app's to
# say (live shares with alerts on). triage sits below sharing in the apps' order, so the
# function is named here, where the apps are put together, instead of imported by triage.
ESCALATION_ALERT_RECIPIENTS = "sharing.consent.physiotherapists_receiving_alerts"
# The same for what triage re-checks: the journal reads a person's answers and diary
# window and hands them to triage as the diary format's plain data.
TRIAGE_DIARY_READER = "tracker.evaluation.diary_of"

# --- Email: console (or a file folder) in development, SMTP from the environment otherwise ---
EMAIL_BACKEND_NAME = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_OPTIONS: dict[str, object] = {}
if EMAIL_BACKEND_NAME.endswith("smtp.EmailBackend"):
    EMAIL_OPTIONS = {
        "host": os.environ.get("EMAIL_HOST", "localhost"),
        "port": int(os.environ.get("EMAIL_PORT", "587")),
        "username": os.environ.get("EMAIL_HOST_USER", ""),
        "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_USE_TLS", True),
        "timeout": 20,
    }
elif EMAIL_BACKEND_NAME.endswith("filebased.EmailBackend"):
    EMAIL_OPTIONS = {"file_path": os.environ.get("EMAIL_FILE_PATH", str(VAR_DIR / "emails"))}
MAILERS: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": EMAIL_BACKEND_NAME, "OPTIONS": EMAIL_OPTIONS}
}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Upright <no-reply@upright.invalid>")
# Named on the privacy page: where people ask about their data or a lost phone.
PRIVACY_CONTACT_EMAIL = os.environ.get("PRIVACY_CONTACT_EMAIL", "privacy@upright.invalid")

# --- Broker: REDIS_URL, or the embedded Valkey that `make run` starts on loopback ---
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6390/0")
CELERY_BROKER_URL = REDIS_URL
# The same server is the cache: the app's own rate limits are counted there. Short socket
# timeouts: a request never waits on a cache that hangs (entry saves go ahead without it).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "upright",
        "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
    }
}
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
# One delivery run (a reminder chunk's emails, one sweep) starts no send after this: it
# records what it sent and leaves the rest to the next sweep. Below the soft time limit
# less the mail server's timeout, so Celery never cuts a send off.
NOTIFY_SEND_BUDGET = timedelta(seconds=float(os.environ.get("NOTIFY_SEND_BUDGET_SECONDS", "45")))
# Longer than the longest task, so a slow task is never redelivered while it still runs.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3600,
    "socket_connect_timeout": 2,
    "max_retries": 1,  # a producer fails fast when the broker is down
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
    "socket_timeout": 10,
}
CELERY_TASK_PUBLISH_RETRY = False
# Enqueues that a sweeper covers (notify.queue.enqueue: an escalation queued by a web
# request, a delivery's retry): a broker that is down or frozen costs the caller at most
# these timeouts, once; then this process does not ask it again for a pause.
ENQUEUE_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 0.25,
    "socket_timeout": 0.25,
    "max_retries": 0,
}
ENQUEUE_PAUSE_AFTER_FAILURE = timedelta(seconds=30)
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_EXPIRES = 3600
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {"triage.tasks.*": {"queue": "escalations"}}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# --- Web Push (VAPID). Development keys are generated into var/ by `make run`. ---
VAPID_PUBLIC_KEY = os.environ.get("VAPID_PUBLIC_KEY", "")
VAPID_PRIVATE_KEY = os.environ.get("VAPID_PRIVATE_KEY", "")
if not (VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY) and (VAR_DIR / "vapid.json").is_file():
    import json

    _dev_vapid = json.loads((VAR_DIR / "vapid.json").read_text())
    VAPID_PUBLIC_KEY = _dev_vapid["public_key"]
    VAPID_PRIVATE_KEY = _dev_vapid["private_key"]
VAPID_SUBJECT = os.environ.get("VAPID_SUBJECT", "mailto:admin@upright.invalid")

# --- Two-step sign-in secrets, encrypted at rest (accounts.encryption) ---
# Comma-separated Fernet keys: the first encrypts, all decrypt (rotation: README).
TWO_STEP_ENCRYPTION_KEYS = env_list("TWO_STEP_ENCRYPTION_KEYS", "")
if not TWO_STEP_ENCRYPTION_KEYS and DEBUG and (VAR_DIR / "two_step_keys.txt").is_file():
    TWO_STEP_ENCRYPTION_KEYS = [(VAR_DIR / "two_step_keys.txt").read_text().strip()]
if not DEBUG and not TWO_STEP_ENCRYPTION_KEYS:
    raise ImproperlyConfigured(
        "TWO_STEP_ENCRYPTION_KEYS is not set while DEBUG is off. Set it to a Fernet key: "
        "python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key())'"
    )

# --- Sign-in: lockouts (django-axes), sessions (accounts.sessions), request sizes ---
# Five wrong passwords lock sign-in for 30 minutes, counted per account and address
# together and per address alone (OWASP ASVS 2.2.1). A password reset lifts it.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_USERNAME_FORM_FIELD = "username"  # the login form's field that holds the email
# Not True: a success resets every attempt from the address, so anyone could clear their
# count by signing in to an account of their own. accounts.signals forgets only the
# failures of the account that signed in, from that address.
AXES_RESET_ON_SUCCESS = False
# The lockout ends 30 minutes after the failure that caused it, not after the last try.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "accounts.audit.client_ip"
AXES_DISABLE_ACCESS_LOG = True  # successful sign-ins are in our own audit log
AXES_VERBOSE = False
# Behind a reverse proxy, how many proxies put addresses in X-Forwarded-For (0: none, and
# REMOTE_ADDR is the client). Lockouts by address depend on it being right.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
# Server-side expiry of a session row; accounts.sessions sets the shorter rules.
SESSION_COOKIE_AGE = 12 * 60 * 60
# Database sessions that know their person: all of them end with the account.
SESSION_ENGINE = "accounts.session_store"
# Form fields: an entry or a clinical note is far below 1 MB. Files are not counted here:
# the diary import holds its own 2 MB limit (tracker.views.my_data).
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- Security: strict in production, and a CSP with no unsafe source everywhere ---
from django.utils.csp import CSP  # noqa: E402

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "manifest-src": [CSP.SELF],
    "worker-src": [CSP.SELF],
}
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # django-axes logs every successful sign-in at INFO; failures and lockouts are WARNING.
    "loggers": {"axes": {"level": "WARNING"}},
}
