"""Kept for settings that name it (``AXES_LOCKOUT_CALLABLE``): the page is ``oauth_jwt.server.views.accounts``."""

from ..server.views.accounts import lockout

__all__ = ["lockout"]
