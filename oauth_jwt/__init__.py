"""RFC 9068 JWT access tokens for django-oauth-toolkit, and the resource-server side."""

__version__ = "0.1.0"
