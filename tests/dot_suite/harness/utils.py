"""Helpers DOT's tests import from ``tests.utils``."""

import base64
import functools
from unittest import mock
from urllib.parse import quote_plus


def get_basic_auth_header(user: str, password: str) -> dict:
    """HTTP Basic credentials as RFC 6749 §2.3.1 has them: form-encoded, then base64."""
    raw = f"{quote_plus(user)}:{quote_plus(password)}".encode()
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(raw).decode()}


def spy_on(function):
    """``function`` (a method, unbound), recording each call on its ``spy`` attribute."""
    spy = mock.MagicMock()

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        spy(*args, **kwargs)
        return function(*args, **kwargs)

    wrapper.spy = spy
    return wrapper
