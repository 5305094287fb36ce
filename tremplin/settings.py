"""Tremplin settings: everything comes from the environment, with safe defaults for local use."""

import secrets
import warnings
from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
#: A production deployment: TLS everywhere, a real SECRET_KEY, HSTS. Off for local use and tests.
PRODUCTION = env.bool("PRODUCTION", default=False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off when PRODUCTION is on.")


def _local_secret_key() -> str:
    """A per-checkout key kept in var/, so a fresh clone starts with no file to copy."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("Set SECRET_KEY in production.")
    SECRET_KEY = _local_secret_key()
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters long.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "tremplin.core",
    "tremplin.accounts",
    "tremplin.territory",
    "tremplin.staffing",
    "tremplin.mediation",
    "tremplin.flow",
    "tremplin.workshops",
    "tremplin.reporting",
    "tremplin.api",
    "tremplin.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "tremplin.api.middleware.ApiJsonErrorsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "tremplin.core.middleware.ViewerMiddleware",
    "tremplin.accounts.middleware.RequireSecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tremplin.urls"
WSGI_APPLICATION = "tremplin.wsgi.application"

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
                "csp.context_processors.nonce",
                "tremplin.core.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'tremplin.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", "timeout": 20}
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Second factor: roles that must use TOTP (PRODUCT.md §2; mediators may opt in).
TREMPLIN_SECOND_FACTOR_ROLES = env.list("SECOND_FACTOR_ROLES", default=["admin", "coordinator", "funder"])
OTP_TOTP_ISSUER = "Tremplin"

# Brute-force protection: 5 failures for one account from one address lock it for 15 minutes.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The sign-in form posts the e-mail as "username". Without this, axes looks for "email" (the user
# model's USERNAME_FIELD) and files failures under no account: a locked account still signed in with
# the right password, and colleagues behind the same address were locked out on their first typo.
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_SENSITIVE_PARAMETERS = ["password"]
AXES_IPWARE_PROXY_COUNT = env.int("PROXY_COUNT", default=0)

# French only until an English catalogue exists: without one, Django's own messages would switch
# language while ours stayed French. UI strings are French msgids wrapped in gettext.
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "tremplin" / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env.bool("STATIC_MANIFEST", default=not DEBUG and STATIC_ROOT.exists())
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Before `collectstatic` (local use, tests) WhiteNoise serves from the apps' folders instead.
WHITENOISE_USE_FINDERS = not STATIC_ROOT.exists()
warnings.filterwarnings("ignore", message="No directory at")
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")

EMAIL_CONFIG = env.email("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Tremplin <ne-pas-repondre@localhost>")

# Security: secure cookies, TLS redirect and HSTS in production (TLS may end at a reverse proxy).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 12
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=PRODUCTION)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=PRODUCTION)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=PRODUCTION)
if env.bool("BEHIND_TLS_PROXY", default=PRODUCTION):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^sante/$"]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", "'nonce'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "django.db.backends": {"level": "WARNING"},
    },
}

# Background work (reminders, large exports): the database backend, run by `manage.py db_worker`.
# TASKS_BACKEND=immediate runs each task at once in the caller (the tests do so).
TASKS = {
    "default": {
        "BACKEND": {
            "database": "django_tasks_db.DatabaseBackend",
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
        }[env.str("TASKS_BACKEND", default="database")],
        "QUEUES": ["default"],
    }
}

# Pagination sizes shared by pages and the API.
TREMPLIN_PAGE_SIZE = 50
TREMPLIN_API_MAX_LIMIT = 500

# Followed beneficiaries not seen for this many days are made anonymous by `manage.py purge_beneficiaries`.
TREMPLIN_BENEFICIARY_RETENTION_DAYS = env.int("BENEFICIARY_RETENTION_DAYS", default=3 * 365)

# Workshops: the seat offered to the next person of a waiting list is held this long (never past the
# session's start); reminders go out the day before at this local time; registrants' names and contacts
# are erased this many days after their session (`manage.py workshops_sweep`).
TREMPLIN_WORKSHOP_HOLD_HOURS = env.int("WORKSHOP_HOLD_HOURS", default=24)
TREMPLIN_WORKSHOP_REMINDER_TIME = env.str("WORKSHOP_REMINDER_TIME", default="10:00")
TREMPLIN_WORKSHOP_RETENTION_DAYS = env.int("WORKSHOP_RETENTION_DAYS", default=30)
#: Public bookings one address may make per hour on the public agenda (against abuse of the SMS).
TREMPLIN_WORKSHOP_PUBLIC_BOOKINGS_PER_HOUR = env.int("WORKSHOP_PUBLIC_BOOKINGS_PER_HOUR", default=10)
#: The address of the site as the public reaches it: links in e-mails and SMS sent by background tasks.
#: In production, by default, the first of ALLOWED_HOSTS over HTTPS.
TREMPLIN_PUBLIC_URL = env.str(
    "PUBLIC_URL", default=f"https://{ALLOWED_HOSTS[0]}" if PRODUCTION else "http://127.0.0.1:8000"
).rstrip("/")

# SMS, pluggable like Django's e-mail backends: "console" (printed), "file" (one file per message in
# SMS_FILE_PATH), "locmem" (kept in memory, for tests) or "brevo" (Brevo's transactional SMS API).
SMS_BACKEND = {
    "console": "tremplin.core.sms.backends.console.SmsBackend",
    "file": "tremplin.core.sms.backends.filebased.SmsBackend",
    "locmem": "tremplin.core.sms.backends.locmem.SmsBackend",
    "brevo": "tremplin.core.sms.backends.brevo.SmsBackend",
}.get(env.str("SMS_BACKEND", default="console"), env.str("SMS_BACKEND", default="console"))
SMS_SENDER = env.str("SMS_SENDER", default="Tremplin")
SMS_FILE_PATH = env.path("SMS_FILE_PATH", default=VAR_DIR / "sms")
SMS_TIMEOUT = env.float("SMS_TIMEOUT", default=10.0)
BREVO_API_KEY = env.str("BREVO_API_KEY", default="")
BREVO_API_URL = env.str("BREVO_API_URL", default="https://api.brevo.com").rstrip("/")
