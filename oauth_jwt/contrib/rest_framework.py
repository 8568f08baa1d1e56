"""Kept for settings that name it: the DRF adapter is ``oauth_jwt.resource.rest_framework``."""

from ..resource.rest_framework import HasScope, InsufficientScope, JWTAuthentication, TokenHasScope

__all__ = ["HasScope", "InsufficientScope", "JWTAuthentication", "TokenHasScope"]
