"""Settings of the example MCP server, from the environment (``MCP_*`` below).

No django-oauth-toolkit, no hub database: the hub is found through its RFC 8414
metadata, and revoked tokens through the denylist the hub writes (a shared Redis) or,
with ``MCP_REVOCATION_CHECK=introspection``, by asking the hub.
"""

from __future__ import annotations

import os

SECRET_KEY = os.environ.get("MCP_SECRET_KEY", "example-mcp-server-not-for-production")
DEBUG = False
ALLOWED_HOSTS = os.environ.get("MCP_ALLOWED_HOSTS", "127.0.0.1 localhost").split()

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "oauth_jwt",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
    "oauth_jwt.resource.middleware.BearerTokenMiddleware",
]

ROOT_URLCONF = "mcp_server.urls"
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "denylist": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ.get("MCP_DENYLIST_URL", "redis://127.0.0.1:6379/0"),
    },
}
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The MCP endpoint's URL is this resource server's identifier: the `resource` MCP
# clients ask the hub for (RFC 8707), the `aud` of their tokens, and the `resource`
# of its RFC 9728 metadata at /.well-known/oauth-protected-resource/mcp.
MCP_URL = os.environ.get("MCP_URL", "http://127.0.0.1:8001/mcp")
# Browsers may call the endpoint only from these origins (DNS rebinding; MCP's
# Streamable HTTP transport). Clients that send no Origin are not browsers.
MCP_ALLOWED_ORIGINS = os.environ.get("MCP_ALLOWED_ORIGINS", "").split()

ISSUER = os.environ.get("MCP_ISSUER", "http://127.0.0.1:8000")
OAUTH_JWT = {
    "ISSUER": ISSUER,
    "METADATA_URL": os.environ.get("MCP_METADATA_URL", f"{ISSUER}/.well-known/oauth-authorization-server"),
    "AUDIENCE": MCP_URL,
    "RESOURCE_SCOPES": ["mcp:read", "mcp:write"],
    "REVOCATION_CHECK": os.environ.get("MCP_REVOCATION_CHECK", "denylist"),
    "DENYLIST_CACHE": "denylist",
    "INTROSPECTION_URL": os.environ.get("MCP_INTROSPECTION_URL", ""),
    "INTROSPECTION_CLIENT_ID": os.environ.get("MCP_INTROSPECTION_CLIENT_ID", ""),
    "INTROSPECTION_CLIENT_SECRET": os.environ.get("MCP_INTROSPECTION_CLIENT_SECRET", ""),
    # The person is who the token says (`sub`, `client_id`, scopes): no user table here.
    "USER_RESOLVER": "claims",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
