"""Credentials never reach a log: oauthlib and DOT log some at DEBUG.

oauthlib logs the token response (``Issuing token to client id %r (%r), %r``), the
authorization-code grant and the raw refresh token it validates; DOT logs the success
URL with its ``code``. ``RedactCredentials`` is a logging filter a project puts on its
handlers in ``LOGGING`` (``docs/security.md``): every record of an ``oauthlib.*`` or
``oauth2_provider.*`` logger is rendered and redacted before that handler formats it.
Check ``oauth_jwt.W038`` (``--deploy``) names a ``LOGGING`` whose handlers have none.
"""

from __future__ import annotations

import logging
import re

LOGGERS = ("oauthlib", "oauth2_provider")
REDACTED = "[redacted]"
_CREDENTIAL = r"(?:access_token|refresh_token|id_token|code|client_secret|code_verifier|password|token|device_code)"
_PATTERNS = (
    # query strings and form bodies: code=...&
    re.compile(rf"(?<![\w-])({_CREDENTIAL}=)[^&\s'\"#]+"),
    # dict and JSON reprs: 'code': '...'  "access_token": "..."
    re.compile(rf"""(['"]{_CREDENTIAL}['"]\s*:\s*)(['"])[^'"]*\2"""),
    # anything shaped like a JWT
    re.compile(r"()eyJ[\w-]+\.[\w-]+\.[\w-]*"),
    # Basic credentials
    re.compile(r"(Basic )[A-Za-z0-9+/=]{8,}"),
)
# A bare string argument this long, without spaces, is taken for a token or a code.
_BARE_SECRET = re.compile(r"[\w\-.~+/=]{20,}")


def redact(text: str) -> str:
    for pattern in _PATTERNS:
        text = pattern.sub(lambda m: m.group(1) + REDACTED, text)
    return text


def _redacted_message(record: logging.LogRecord) -> str:
    try:
        message = record.getMessage()
    except (TypeError, ValueError):
        message = str(record.msg)
    args = record.args if isinstance(record.args, tuple) else ()
    for arg in args:
        if isinstance(arg, str) and _BARE_SECRET.fullmatch(arg):
            message = message.replace(arg, REDACTED)
    return redact(message)


class RedactCredentials(logging.Filter):
    """``LOGGING`` filter: records of oauthlib's and DOT's loggers lose their credentials.

    The record itself is rewritten (message rendered, arguments dropped), so every
    handler after this one sees it redacted too; put the filter on each handler that
    receives those loggers' records. Records of other loggers pass unchanged.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith(LOGGERS) and (record.args or isinstance(record.msg, str)):
            record.msg = _redacted_message(record)
            record.args = ()
        return True
