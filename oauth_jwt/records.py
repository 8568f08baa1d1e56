"""Kept for code that imports it: token records are ``oauth_jwt.server.token_records``."""

from .server.token_records import TokenRecord, decode, of

__all__ = ["TokenRecord", "decode", "of"]
