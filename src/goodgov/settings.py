"""Settings for goodgov, configured from the environment with safe defaults.

Every setting an operator may change is a ``GOODGOV_*`` environment variable:
``GOODGOV_DATABASE_URL``, ``GOODGOV_DATA_DIR``, ``GOODGOV_SECRET_KEY``,
``GOODGOV_SECRET_KEY_FALLBACKS``, ``GOODGOV_DEBUG``, ``GOODGOV_ALLOWED_HOSTS``,
``GOODGOV_PRODUCTION``, ``GOODGOV_EMAIL_URL`` and ``GOODGOV_BASE_URL``.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _


def _env(name: str, default: str = "") -> str:
    """The variable's value; unset, empty or blank (as systemd and compose files often
    leave one) means the default."""
    value = os.environ.get(name, "").strip()
    return value or default


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _env_bool(name: str, default: bool) -> bool:
    """Yes or no; anything else stops the start, naming the variable (a typo such as
    ``GOODGOV_PRODUCTION=ture`` must not quietly turn production's protections off)."""
    value = _env(name).lower()
    if not value:
        return default
    if value not in _TRUE | _FALSE:
        raise ImproperlyConfigured(
            f"{name} must be one of 1, true, yes, on or 0, false, no, off, not {value!r}"
        )
    return value in _TRUE


def _env_number(name: str, default: float, kind: type = int) -> Any:
    value = _env(name)
    if not value:
        return kind(default)
    try:
        return kind(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, not {value!r}") from None


BASE_DIR = Path(__file__).resolve().parent
REPO_DIR = BASE_DIR.parent.parent
DATA_DIR = Path(_env("GOODGOV_DATA_DIR") or (REPO_DIR / "var")).resolve()
# Uploads, sessions and the database are personal data: none readable by other users of
# the machine (the directory 0700 when made here; files and folders Django writes too).
DATA_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)


def _secret_key() -> str:
    """The configured key, or one generated once and kept (mode 0600) under the data dir."""
    configured = _env("GOODGOV_SECRET_KEY")
    if configured:
        return configured
    path = DATA_DIR / "secret_key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass  # made earlier, or by a process starting at the same moment
    else:
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(64))
    for _attempt in range(50):  # another process may still be writing it
        key = path.read_text().strip()
        if key:
            return key
        import time

        time.sleep(0.05)
    raise RuntimeError(f"{path} is empty: delete it or set GOODGOV_SECRET_KEY")


SECRET_KEY = _secret_key()
# Old keys still accepted while a rotation completes (docs/operations.md, "Rotating the
# secret key"): sessions, signing and encrypted personal data read with them too.
SECRET_KEY_FALLBACKS = [
    k.strip() for k in _env("GOODGOV_SECRET_KEY_FALLBACKS").split(",") if k.strip()
]
PRODUCTION = _env_bool("GOODGOV_PRODUCTION", False)
DEBUG = _env_bool("GOODGOV_DEBUG", False)
ALLOWED_HOSTS = [
    h.strip() for h in _env("GOODGOV_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()
]
BASE_URL = _env("GOODGOV_BASE_URL", "http://127.0.0.1:8000")
SERVICES_DIR = Path(_env("GOODGOV_SERVICES_DIR") or (REPO_DIR / "services"))

INSTALLED_APPS = [
    "goodgov.core",
    "goodgov.ledger",
    "goodgov.agencies",
    "goodgov.accounts",
    "goodgov.catalogue",
    "goodgov.cases",
    "goodgov.documents",
    "goodgov.notifications",
    "goodgov.performance",
    "goodgov.governance",
    "goodgov.exchange",
    "goodgov.web",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_tasks",
    "django_tasks_db",
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "goodgov.exchange.middleware.MachineEndpointsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside everything that may answer early (the size limit's 413, a bad Host's 400),
    # so every page carries the security headers.
    "goodgov.core.headers.PermissionsPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "goodgov.core.csp.ContentSecurityPolicyMiddleware",
    "goodgov.core.sessions.SessionMiddleware",
    "goodgov.core.sessions.SlidingSessionMiddleware",
    "goodgov.core.locale.PageLocaleMiddleware",
    "goodgov.core.locale.ApiLanguageMiddleware",
    "goodgov.core.limits.RequestSizeMiddleware",
    # text answers compressed for slow lines (Django's BREACH mitigation pads each one);
    # not files (already compressed), nor static files (WhiteNoise's own), nor the
    # exchange's signed answers
    "goodgov.core.compression.TextGZipMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "goodgov.accounts.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "goodgov.accounts.middleware.OfficerSecondFactorMiddleware",
    # a page for a form's address opened by GET (Django's 405 has no body)
    "goodgov.web.middleware.MethodNotAllowedPageMiddleware",
]

ROOT_URLCONF = "goodgov.urls"
WSGI_APPLICATION = "goodgov.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "goodgov.web.context_processors.site",
            ],
        },
    }
]


def _database(url: str) -> dict[str, Any]:
    """``GOODGOV_DATABASE_URL`` parsed, or a message naming it (not dj-database-url's
    traceback about a scheme)."""
    if not url.startswith(("postgres://", "postgresql://", "sqlite:///")):
        raise ImproperlyConfigured(
            "GOODGOV_DATABASE_URL must be postgres://user:password@host:port/name or "
            f"sqlite:////path/to/file.sqlite3, not {url!r}"
        )
    return dict(dj_database_url.parse(url, conn_max_age=_env_number("GOODGOV_DB_CONN_MAX_AGE", 60)))


DATABASES = {
    "default": _database(
        _env("GOODGOV_DATABASE_URL") or f"sqlite:///{DATA_DIR / 'goodgov.sqlite3'}"
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and _env_bool(
    "GOODGOV_DB_PREPARED", True
):
    # Parameters bound by the server, and each statement a connection runs often prepared
    # once (psycopg's threshold): PostgreSQL skips parsing and planning it again. Off
    # (GOODGOV_DB_PREPARED=0) behind a pooler that cannot keep prepared statements
    # (PgBouncer before 1.21 in transaction mode).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True, prepare_threshold=5
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers proceed while one writer commits; IMMEDIATE avoids
    # lock-upgrade deadlocks between two writers.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
FORM_RENDERER = "goodgov.web.forms.GovukFormRenderer"

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "goodgov_cache",
    }
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "web:dashboard"
LOGOUT_REDIRECT_URL = "web:home"

# allauth: sign in with email or phone and a password; officers add TOTP.
ACCOUNT_LOGIN_METHODS = {"email", "phone"}
ACCOUNT_SIGNUP_FIELDS = [
    "email",
    "phone",
    "password1*",
    "password2*",
]  # the form requires one of the two
ACCOUNT_FORMS = {
    "login": "goodgov.accounts.forms.LoginForm",
    "signup": "goodgov.accounts.forms.SignupForm",
    "reset_password": "goodgov.accounts.forms.ResetPasswordForm",
    "reset_password_from_key": "goodgov.accounts.forms.ResetPasswordKeyForm",
    "change_password": "goodgov.accounts.forms.ChangePasswordForm",
    "set_password": "goodgov.accounts.forms.SetPasswordForm",
    "add_email": "goodgov.accounts.forms.AddEmailForm",
}
# allauth warns when no login field is required; our sign-up form requires email or phone.
SILENCED_SYSTEM_CHECKS = ["account.W001"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_PHONE_VERIFICATION_ENABLED = False
ACCOUNT_ADAPTER = "goodgov.accounts.adapter.AccountAdapter"
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_ON_GET = False
# Behind the TLS proxy GOODGOV_PRODUCTION expects, every request comes from the proxy's
# address: the rate limits per address read the client's from X-Forwarded-For, the
# entry this many proxies from the end (the proxy must append to it, as nginx's
# $proxy_add_x_forwarded_for does). 0: the connection's own address.
ALLAUTH_TRUSTED_PROXY_COUNT = _env_number("GOODGOV_TRUSTED_PROXY_COUNT", 1 if PRODUCTION else 0)
ACCOUNT_RATE_LIMITS = {
    # Per account (key) 5 in 5 minutes; per address more, as an office or a mobile
    # network's NAT puts many people behind one.
    "login_failed": "20/5m/ip,5/5m/key",
    "login": "30/m/ip",
    "signup": "20/m/ip",
    "reset_password": "5/m/ip,3/m/key",
    # Forms sent after the session ended, kept for after sign-in (goodgov.core.kept_forms).
    "keep_form": "10/m/ip",
    # Files checked on the public "Check a document" page (goodgov.documents.views.verify).
    "verify_file": "30/m/ip",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_ADAPTER = "goodgov.accounts.adapter.MFAAdapter"
MFA_FORMS = {
    "authenticate": "goodgov.accounts.forms.AuthenticateForm",
    "reauthenticate": "goodgov.accounts.forms.ReauthenticateForm",
    "activate_totp": "goodgov.accounts.forms.ActivateTOTPForm",
}
MFA_TOTP_ISSUER = "goodgov"
# Accept the code of the previous or next 30-second step too (RFC 6238 section 5.2):
# phones' clocks drift, and a code typed at the end of its step must still work.
MFA_TOTP_TOLERANCE = 1
# Email verification is off (no mail gateway is assumed), so officers must be able to set up TOTP.
MFA_ALLOW_UNVERIFIED_EMAIL = True

SESSION_COOKIE_AGE = 60 * 30  # a session ends after 30 minutes without use
SESSION_EXPIRE_AT_BROWSER_CLOSE = True  # (goodgov.core.sessions keeps it alive while used)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "goodgov.web.views.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Browser features no page uses, turned off (goodgov.core.headers).
PERMISSIONS_POLICY_OFF = [
    "accelerometer",
    "camera",
    "display-capture",
    "geolocation",
    "gyroscope",
    "magnetometer",
    "microphone",
    "payment",
    "usb",
]
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = _env_bool("GOODGOV_SSL_REDIRECT", True)
    if not SECURE_SSL_REDIRECT:
        # Turned off only when the proxy in front redirects to HTTPS (docs/operations.md):
        # Django's reminder to redirect (security.W008) has then been answered.
        SILENCED_SYSTEM_CHECKS.append("security.W008")
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

LANGUAGE_CODE = "th"
LANGUAGES = [("th", _("Thai")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Bangkok"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "goodgov.web.storage.StaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        ),
        # Public files: readable by a web server running as another user, unlike uploads.
        "OPTIONS": {"file_permissions_mode": 0o644, "directory_permissions_mode": 0o755},
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# Uploads: evidence is limited in size and judged by its content.
GOODGOV_UPLOAD_MAX_BYTES = _env_number("GOODGOV_UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
# All of one case's evidence together, and the clamd socket that scans every upload
# (off when unset; docs/documents.md). Signing keys are read by goodgov.documents.pki.
GOODGOV_CASE_UPLOAD_MAX_BYTES = _env_number("GOODGOV_CASE_UPLOAD_MAX_BYTES", 50 * 1024 * 1024)
GOODGOV_CLAMD_SOCKET = _env("GOODGOV_CLAMD_SOCKET") or None
# The largest request body taken at all (goodgov.core.limits); unset: one case's uploads
# together and a mebibyte for the form.
GOODGOV_REQUEST_MAX_BYTES = _env_number("GOODGOV_REQUEST_MAX_BYTES", 0) or None
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

EMAIL_SUBJECT_PREFIX = "[goodgov] "
DEFAULT_FROM_EMAIL = _env("GOODGOV_FROM_EMAIL", "no-reply@goodgov.invalid")
_email_url = _env("GOODGOV_EMAIL_URL")
if _email_url.startswith("smtp://"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST, _sep, _port = _email_url[len("smtp://") :].partition(":")
    try:
        EMAIL_PORT = int(_port or 25)
    except ValueError:
        raise ImproperlyConfigured(
            f"GOODGOV_EMAIL_URL must be smtp://host[:port], not {_email_url!r}"
        ) from None
else:
    # Local default: each email is written as a file under the data dir.
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = DATA_DIR / "mail"
# How the email copy of an in-app message goes out: "now", a task enqueued as the change
# commits; or "outbox", left for `goodgov mail send --follow`, which sends them in batches
# (docs/operations.md). `goodgov mail send` also retries copies that failed.
GOODGOV_EMAIL_DELIVERY = _env("GOODGOV_EMAIL_DELIVERY", "now").lower()
if GOODGOV_EMAIL_DELIVERY not in ("now", "outbox"):
    raise ImproperlyConfigured("GOODGOV_EMAIL_DELIVERY must be 'now' or 'outbox'")

TASKS = {
    "default": {
        "BACKEND": _env("GOODGOV_TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# --- goodgov.exchange: data exchange between nodes (see docs/exchange.md) ---
# This node's name in the directory (the keyid of its signatures); default: BASE_URL's host.
GOODGOV_EXCHANGE_NODE = _env("GOODGOV_EXCHANGE_NODE")
# Its Ed25519 key as a signed-note signer key; default: made once as DATA_DIR/exchange.key.
GOODGOV_EXCHANGE_KEY = _env("GOODGOV_EXCHANGE_KEY")
# The agency code the node acts for (events are recorded under it).
GOODGOV_EXCHANGE_AGENCY = _env("GOODGOV_EXCHANGE_AGENCY")
# The directory of nodes (YAML or JSON file); empty: no other nodes known.
GOODGOV_EXCHANGE_DIRECTORY = _env("GOODGOV_EXCHANGE_DIRECTORY")
# The data services this node serves (comma-separated). Unlike the other variables, set
# but empty means none (a node that only asks), unset the two registries.
GOODGOV_EXCHANGE_SERVICES = [
    s.strip()
    for s in os.environ.get("GOODGOV_EXCHANGE_SERVICES", "population,welfare").split(",")
    if s.strip()
]
GOODGOV_EXCHANGE_MAX_SKEW = _env_number("GOODGOV_EXCHANGE_MAX_SKEW", 30)  # seconds
GOODGOV_EXCHANGE_TIMEOUT = _env_number("GOODGOV_EXCHANGE_TIMEOUT", 5, float)  # seconds
GOODGOV_EXCHANGE_RETRIES = _env_number("GOODGOV_EXCHANGE_RETRIES", 2)  # reads only
GOODGOV_EXCHANGE_BACKOFF = _env_number("GOODGOV_EXCHANGE_BACKOFF", 0.2, float)  # seconds
# A person's "who used my data" page asks every other node: each within this many seconds,
# all of them within the budget (exchange/remote_uses.py).
GOODGOV_EXCHANGE_TRACKER_TIMEOUT = _env_number("GOODGOV_EXCHANGE_TRACKER_TIMEOUT", 2, float)
GOODGOV_EXCHANGE_TRACKER_BUDGET = _env_number("GOODGOV_EXCHANGE_TRACKER_BUDGET", 5, float)
# --- end goodgov.exchange ---
