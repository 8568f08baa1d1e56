"""Plain django-oauth-toolkit as shipped: opaque tokens stored in the database, the
default client-secret hashing (Django's PBKDF2), DRF's ``OAuth2Authentication`` (one
database lookup per request). Same middleware, database and cache wiring as authhub."""

import os

from authhub.env import cache_config, database_config

DEBUG = False
SECRET_KEY = "plain-dot-benchmark-only"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "rest_framework",
    "oauth2_provider",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "bench.plain_dot.urls"
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True}]
# The same database options as authhub's, so that several workers can write.
DATABASES = {"default": database_config(os.environ["DATABASE_URL"])}
CACHES = {"default": cache_config(os.environ.get("CACHE_URL", "locmem://"))}
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
OAUTH2_PROVIDER = {"SCOPES": {"read": "Read", "write": "Write"}, "DEFAULT_SCOPES": ["read"]}
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["oauth2_provider.contrib.rest_framework.OAuth2Authentication"],
    "UNAUTHENTICATED_USER": None,
}
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
