"""Kept for settings that name it (``CSRF_FAILURE_VIEW``): the page is ``oauth_jwt.server.views.errors``."""

from ..server.views.errors import csrf_failure

__all__ = ["csrf_failure"]
