"""Kept for ``include("oauth_jwt.urls")``: the hub's URLs are ``oauth_jwt.server.urls``."""

from .server.urls import urlpatterns

__all__ = ["urlpatterns"]
