"""Kept for settings that name it: the middleware is ``oauth_jwt.resource.middleware``."""

from .resource.middleware import BearerTokenMiddleware, TokenState, accepts_token, mark_accepts_token, token_state

__all__ = ["BearerTokenMiddleware", "TokenState", "accepts_token", "mark_accepts_token", "token_state"]
