"""Kept for settings that name it (``APPLICATION_ADMIN_CLASS``): the admin is ``oauth_jwt.server.admin.clients``."""

from ..server.admin.clients import ApplicationAdmin

__all__ = ["ApplicationAdmin"]
