"""Kept for settings that name it: token minting is ``oauth_jwt.server.tokens``."""

from .server.tokens import generate_access_token

__all__ = ["generate_access_token"]
