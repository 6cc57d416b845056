"""Settings for the exchange project, read from environment variables only.

With nothing set the app runs in development mode on a SQLite file in the project folder.
Production is chosen by the environment alone: DJANGO_DEBUG=false plus a secret key and hosts.
Every variable is listed in the README.
"""

from pathlib import Path

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from exchange.env import (
    database_config,
    env_bool,
    env_int,
    env_list,
    env_proxy_ssl_header,
    env_str,
    env_time_zone,
)
from exchange.product import default_from_email

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG", True)

_DEV_SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"  # noqa: S105
SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is false.")
    SECRET_KEY = _DEV_SECRET_KEY
elif len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be at least 50 characters long.")
elif not DEBUG and (SECRET_KEY == _DEV_SECRET_KEY or SECRET_KEY.startswith("django-insecure")):
    # The development key is published in this repository: anyone could sign sessions with it.
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is the published development key; set a secret random value, e.g. "
        "from python -c 'import secrets; print(secrets.token_urlsafe(64))'."
    )

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set when DJANGO_DEBUG is false.")

INSTALLED_APPS = [
    # First, so its runserver (the site address follows the port) wins over whitenoise's.
    "exchange.apps.ExchangeConfig",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "csp",
    "axes",
    # Staff second factor: authenticator apps (TOTP) and single-use backup codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "learninglines.apps.LearningLinesConfig",
    "sessions_app.apps.SessionsAppConfig",
]

MIDDLEWARE = [
    # First: one JSON log line per request with its id, timed around everything else.
    "exchange.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "exchange.middleware.DutchFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Marks request.user as verified once a second factor was given (the admin requires it).
    "django_otp.middleware.OTPMiddleware",
    "exchange.middleware.HtmxAwareLoginRequiredMiddleware",
    # After the sign-in check: a door link's sign-in opens only its session's pages.
    "exchange.middleware.DoorScopeMiddleware",
    "exchange.middleware.NoStoreWhenSignedInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # After CSP, so its 400 page carries the same headers as every other page.
    "exchange.middleware.RejectNulCharactersMiddleware",
    # Inside messages, CSP and frame options: its page gets their headers like any other page.
    "exchange.middleware.ExplainNotAllowedMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a lock-out into its own response.
    "axes.middleware.AxesMiddleware",
]

AUTH_USER_MODEL = "learninglines.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out address before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "learninglines:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
# Teachers sign in on their phone once and stay signed in for a school term's worth of weeks.
SESSION_COOKIE_AGE = 60 * 60 * 24 * 30

# Lock out an address + account pair after repeated failed password attempts.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1  # hour
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The sign-in form calls the address field "username", as Django's AuthenticationForm does.
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "learninglines.signin.lockout_username"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# Failed attempts are kept for the lock-out (until a success or the cool-off); successful
# sign-ins are not recorded at all: a record of every sign-in (address, IP address, browser)
# would be kept for good, outside "My data" and erasure (docs/privacy.md).
AXES_DISABLE_ACCESS_LOG = True
# Behind a proxy every request comes from the proxy's address: lock-outs and request ceilings
# read the client from X-Forwarded-For instead (see learninglines.signin.client_ip).
AXES_CLIENT_IP_CALLABLE = "learninglines.signin.client_ip"

# Magic links: each link is a MagicLink row and its token is signed for that row only (scope);
# expiry and single use are kept on the row, so a failing link can say why.
SESAME_MAX_AGE = None
SESAME_ONE_TIME = False

# Links in mail need the public address: cron jobs and commands have no request to ask. In
# development `runserver` sets it to the address it serves when the variable is unset.
SITE_URL_FROM_ENVIRONMENT = bool(env_str("DJANGO_SITE_URL"))
SITE_URL = env_str("DJANGO_SITE_URL", "http://127.0.0.1:8000" if DEBUG else "")
if not SITE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(
        "DJANGO_SITE_URL must be the public address, e.g. https://leerlijnen.school.example."
    )
if not DEBUG and not SITE_URL.startswith("https://"):
    # Sign-in links sent over plain http can be read and used by anyone on the way.
    raise ImproperlyConfigured(
        f"DJANGO_SITE_URL must start with https:// when DJANGO_DEBUG is false, got {SITE_URL!r}."
    )

ROOT_URLCONF = "exchange.urls"
WSGI_APPLICATION = "exchange.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "exchange.context_processors.product",
            ],
        },
    },
]

DATABASES = {"default": database_config("DATABASE_URL", str(BASE_DIR / "db.sqlite3"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Internationalisation: Dutch first, English on request (see exchange.middleware).
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "exchange_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
USE_I18N = True
USE_TZ = True
TIME_ZONE = env_time_zone("DJANGO_TIME_ZONE", "Europe/Amsterdam")

STATIC_URL = "static/"
# Production serves what collectstatic gathered; development and tests read static/ directly.
STATIC_ROOT = None if DEBUG else BASE_DIR / "staticfiles"
WHITENOISE_USE_FINDERS = DEBUG
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed names need collectstatic; development and tests serve the files as they are.
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Mail: SMTP when a host is configured, otherwise printed to the console (development).
EMAIL_HOST = env_str("DJANGO_EMAIL_HOST")
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 587, minimum=1)
EMAIL_HOST_USER = env_str("DJANGO_EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("DJANGO_EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = 20
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
# Mail comes from the product's name at the site's own domain unless configured otherwise.
DEFAULT_FROM_EMAIL = env_str("DJANGO_DEFAULT_FROM_EMAIL", default_from_email(SITE_URL))
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Mail waits in the outbox table for `send_queued_mail` (cron); in development it goes out at once.
OUTBOX_SEND_IMMEDIATELY = env_bool("DJANGO_OUTBOX_SEND_IMMEDIATELY", DEBUG)

# Seconds the grouping engine may search for one table plan inside a request (it returns its best
# plan so far when the time is up; at the default effort 150 members take well under a second).
GROUPING_TIME_LIMIT = 8.0

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

CSRF_FAILURE_VIEW = "exchange.views.csrf_failure"

# Security headers, on in every mode so development sees what production sends.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# A strict policy: nothing inline, no eval, nothing from other hosts. Bootstrap's icons in CSS are
# data: URIs, hence img-src data:.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

SECURE_PROXY_SSL_HEADER = env_proxy_ssl_header("DJANGO_SECURE_PROXY_SSL_HEADER")
# How many proxies append to X-Forwarded-For before a request reaches us: one by default behind
# a TLS-terminating proxy, none otherwise.
PROXY_COUNT = env_int("DJANGO_PROXY_COUNT", 1 if SECURE_PROXY_SSL_HEADER else 0)
if not DEBUG:
    SECURE_SSL_REDIRECT = True
    # Health checks come over plain HTTP from inside the network (container, load balancer).
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Preloading is a commitment for the whole domain that a school's IT department makes, not
    # something an application can decide; the other HSTS settings are on.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]

# Production: JSON lines on stdout, one per request (exchange.middleware.RequestLogMiddleware) and
# one per event, each with the request id. Development: Django's readable console lines (runserver
# prints every request itself, so the request log stays quiet there).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "exchange.logging.JsonFormatter"},
        "readable": {
            "()": "exchange.logging.ReadableFormatter",
            "format": "%(levelname)s %(name)s: %(message)s",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "readable" if DEBUG else "json",
        }
    },
    "root": {"handlers": ["console"], "level": "INFO" if not DEBUG else "WARNING"},
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "exchange.request": {
            "handlers": ["console"],
            "level": "WARNING" if DEBUG else "INFO",
            "propagate": False,
        },
    },
}

# --- Staff second factor (django-otp), see docs/admin.md ---
# The name authenticator apps show next to the account; the admin itself requires a verified
# device (exchange.admin_site), so a password alone never opens it.
OTP_TOTP_ISSUER = "Brengen & Halen"
# Never show a device's secret key in the admin once it exists.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
