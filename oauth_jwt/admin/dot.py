"""Kept for settings that name them (``*_ADMIN_CLASS``): the admins are ``oauth_jwt.server.admin.dot``."""

from ..server.admin.dot import AccessTokenAdmin, GrantAdmin, IDTokenAdmin, RefreshTokenAdmin

__all__ = ["AccessTokenAdmin", "GrantAdmin", "IDTokenAdmin", "RefreshTokenAdmin"]
