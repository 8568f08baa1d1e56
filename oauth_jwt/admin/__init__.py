"""Where Django's admin autodiscovery looks: the admin console itself is
``oauth_jwt.server.admin``, which registers oauth_jwt's models on import."""

from ..server import admin  # noqa: F401  (registers the ModelAdmins)
