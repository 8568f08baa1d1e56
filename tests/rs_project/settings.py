"""Settings of the resource-server project, from the environment (see ``RS_*`` below)."""

from __future__ import annotations

import os

SECRET_KEY = os.environ.get("RS_SECRET_KEY", "resource-server-test-key-not-for-production")
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "rest_framework",
    "oauth_jwt",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
    "oauth_jwt.resource.middleware.BearerTokenMiddleware",
]

ROOT_URLCONF = "tests.rs_project.urls"
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # The hub's denylist Redis, under an alias of its own.
    "denylist": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ.get("RS_CACHE_URL", "redis://127.0.0.1:6379/0"),
    },
}
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

OAUTH_JWT = {
    "ISSUER": os.environ["RS_ISSUER"],
    "METADATA_URL": os.environ.get("RS_METADATA_URL", ""),
    "JWKS_URL": os.environ.get("RS_JWKS_URL", ""),
    "AUDIENCE": os.environ["RS_AUDIENCE"],
    "RESOURCE_SCOPES": os.environ.get("RS_RESOURCE_SCOPES", "").split(),
    "REVOCATION_CHECK": os.environ.get("RS_REVOCATION_CHECK", "denylist"),
    "DENYLIST_CACHE": "denylist",
    # Short, so that tests wait little for a refetch or a retry of the hub's metadata.
    "JWKS_REFRESH_INTERVAL_SECONDS": float(os.environ.get("RS_JWKS_REFRESH_INTERVAL", "0.2")),
    "INTROSPECTION_URL": os.environ.get("RS_INTROSPECTION_URL", ""),
    "INTROSPECTION_CLIENT_ID": os.environ.get("RS_INTROSPECTION_CLIENT_ID", ""),
    "INTROSPECTION_CLIENT_SECRET": os.environ.get("RS_INTROSPECTION_CLIENT_SECRET", ""),
    "INTROSPECTION_CACHE_SECONDS": int(os.environ.get("RS_INTROSPECTION_CACHE_SECONDS", "1")),
    # RFC 9449 §9: this resource server's own DPoP nonces.
    "DPOP_NONCES": os.environ.get("RS_DPOP_NONCES", "") == "1",
    # Every worker sees every proof's jti (a per-process cache is W037 at --deploy).
    "DPOP_REPLAY_CACHE": "denylist",
    "USER_RESOLVER": "claims",
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["oauth_jwt.resource.rest_framework.JWTAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "UNAUTHENTICATED_USER": None,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
