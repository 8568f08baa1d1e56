"""authhub settings: everything that differs between machines comes from the environment.

With no environment set, authhub runs on a local SQLite file and local-memory cache,
as the demo on http://127.0.0.1:8000.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

from django.conf import global_settings

from oauth_jwt.server.provider_settings import provider_settings

from .env import cache_config, csv, database_config, flag

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = flag("DJANGO_DEBUG")
# The fallback key is for the local demo only; `check --deploy` flags it.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "insecure-authhub-demo-key-set-DJANGO_SECRET_KEY-in-production")
ALLOWED_HOSTS = csv("ALLOWED_HOSTS", "127.0.0.1,localhost")

ISSUER = os.environ.get("AUTHHUB_ISSUER", "http://127.0.0.1:8000").rstrip("/")
API_AUDIENCE = os.environ.get("AUTHHUB_API_AUDIENCE", f"{ISSUER}/api/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "oauth2_provider",
    "axes",
    "oauth_jwt",
    "authhub",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The pages speak the browser's language (Accept-Language) when they are translated
    # into it; an authorization request's ui_locales comes first (oauth_jwt.server.locales).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: turns a locked-out sign-in into the 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "authhub.urls"
WSGI_APPLICATION = "authhub.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

(BASE_DIR / "var").mkdir(exist_ok=True)
DATABASES = {
    "default": database_config(os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'authhub.sqlite3'}"))
}
CACHES = {"default": cache_config(os.environ.get("CACHE_URL", "locmem://"))}
# The revocation denylist may live in a cache of its own: the Redis that remote
# resource servers read (OAUTH_JWT REVOCATION_CHECK = "denylist").
if os.environ.get("DENYLIST_CACHE_URL"):
    CACHES["denylist"] = cache_config(os.environ["DENYLIST_CACHE_URL"])

# People's passwords keep Django's KDFs; the last entry hashes generated client secrets.
PASSWORD_HASHERS = [*global_settings.PASSWORD_HASHERS, "oauth_jwt.server.hashers.ClientSecretHasher"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
# The languages oauth_jwt's pages ship in (docs/pages.md). Django has catalogues for many
# more; listing one here that oauth_jwt has none for would give English pages marked
# as that language.
LANGUAGES = [
    ("en", "English"),
    ("de", "Deutsch"),
    ("es", "Español"),
    ("fr", "Français"),
    ("ja", "日本語"),
    ("pt-br", "Português (Brasil)"),
]
# authhub's own strings (the footer of templates/oauth_jwt/base.html), made with
# bin/translations.
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# OAuth requests are small: bigger bodies get a 400 before any parsing (RFC 8725 §3.6,
# catalogue C26); Django's cap of 1000 form fields stays.
DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024

LOGIN_URL = "oauth_jwt:login"
LOGIN_REDIRECT_URL = "/"
CSRF_FAILURE_VIEW = "oauth_jwt.server.views.errors.csrf_failure"

# Sign-in throttling (django-axes). AxesStandaloneBackend first: it refuses a locked-out
# username+address before any password is checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
# Per username *and* address: a stranger guessing one account neither locks its owner out
# from elsewhere nor locks everyone else out behind the same address (NAT, office).
# Unknown usernames are counted the same way, so the lockout does not reveal accounts.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "oauth_jwt.server.views.accounts.lockout"
# The client address comes from the socket unless a trusted proxy in front sets it;
# otherwise anyone could pick a fresh X-Forwarded-For for every guess.
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if flag("AUTHHUB_BEHIND_PROXY") else ("REMOTE_ADDR",)
)
AXES_IPWARE_PROXY_COUNT = 1 if flag("AUTHHUB_BEHIND_PROXY") else None

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
# "no-referrer" would make browsers send Origin: null with form POSTs, which Django's
# CSRF check refuses; "same-origin" still tells other sites nothing.
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if ISSUER.startswith("https://"):
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if flag("AUTHHUB_BEHIND_PROXY") else None

OAUTH_JWT = {
    "ISSUER": ISSUER,
    "DEFAULT_AUDIENCE": API_AUDIENCE,
    "AUDIENCE": API_AUDIENCE,
    "SIGNING_ALGORITHM": os.environ.get("AUTHHUB_SIGNING_ALGORITHM", "RS256"),
    "KEY_ENCRYPTION_SECRET": os.environ.get("AUTHHUB_KEY_ENCRYPTION_SECRET") or None,
    "DENYLIST_CACHE": "denylist" if "denylist" in CACHES else "default",
    # Client-authentication throttling keys on the address the proxy saw, like axes.
    "TRUSTED_PROXY_COUNT": 1 if flag("AUTHHUB_BEHIND_PROXY") else 0,
    # The sign-in, consent and connected-apps pages (docs/pages.md).
    "BRANDING": {
        "SITE_NAME": "AuthHub",
        "LOGO_URL": f"/{STATIC_URL}authhub/logo.svg",
        "PRIMARY_COLOR": "#0b6e4f",
        **({"SUPPORT_URL": os.environ["AUTHHUB_SUPPORT_URL"]} if os.environ.get("AUTHHUB_SUPPORT_URL") else {}),
    },
}

# The device flow's verification URI is derived from the issuer (<issuer>/o/device/);
# http redirect URIs stay allowed only for RFC 8252 loopback redirects (native apps, the demo).
OAUTH2_PROVIDER = provider_settings(
    OIDC_ISS_ENDPOINT=ISSUER,
    ACCESS_TOKEN_EXPIRE_SECONDS=int(os.environ.get("AUTHHUB_ACCESS_TOKEN_SECONDS", "600")),
)

# DOT's W008 ("http redirect URIs are allowed") is replaced by oauth_jwt's stricter rule:
# http only on the loopback interface, enforced at the authorization endpoint
# (oauth_jwt.redirects), and `check --deploy` names any client registering another (W035).
SILENCED_SYSTEM_CHECKS = ["oauth2_provider.W008"]

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["oauth_jwt.resource.rest_framework.JWTAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "UNAUTHENTICATED_USER": None,
}

# oauthlib and DOT log codes, tokens and client secrets at DEBUG: every handler redacts
# them (oauth_jwt.redaction; `check --deploy` warns of a LOGGING without, W038).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_credentials": {"()": "oauth_jwt.redaction.RedactCredentials"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact_credentials"]}
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
