"""Kept for settings that name it: the validator is ``oauth_jwt.server.validator``."""

from .server.validator import JWTOAuth2Validator

__all__ = ["JWTOAuth2Validator"]
