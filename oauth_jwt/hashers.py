"""Kept for settings that name it (``PASSWORD_HASHERS``): the hasher is ``oauth_jwt.server.hashers``."""

from .server.hashers import ClientSecretHasher

__all__ = ["ClientSecretHasher"]
