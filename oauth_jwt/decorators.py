"""Kept for code that imports it: the decorators are ``oauth_jwt.resource.decorators``."""

from .resource.decorators import AcceptTokenMixin, accept_token, require_token

__all__ = ["AcceptTokenMixin", "accept_token", "require_token"]
