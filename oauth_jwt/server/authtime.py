"""When the person behind a session last actually signed in (OIDC Core ``auth_time``).

Django's ``login()`` records no time in the session, and ``User.last_login`` is the
latest sign-in from any browser, which may be newer than this session's. A
``user_logged_in`` receiver (``receivers``) keeps the time in the session;
``max_age`` is judged against it (``authparams``), the consent view hands it to the
authorization code (``oidc_claims``), and the code's tokens carry it as ``auth_time``.
"""

from __future__ import annotations

import time

SESSION_KEY = "oauth_jwt_auth_time"


def record(sender, request=None, user=None, **kwargs) -> None:
    """``user_logged_in`` receiver."""
    session = getattr(request, "session", None)
    if session is not None:
        session[SESSION_KEY] = int(time.time())


def of_session(request) -> int | None:
    """The session's sign-in time, or ``None`` for a session signed in before it was
    recorded (or not signed in)."""
    session = getattr(request, "session", None)
    value = session.get(SESSION_KEY) if session is not None else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def age(request) -> int | None:
    """Seconds since the session's sign-in, or ``None`` when unknown."""
    when = of_session(request)
    return None if when is None else int(time.time()) - when
