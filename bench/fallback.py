"""What ``OAUTH_JWT["OPAQUE_TOKEN_FALLBACK"]`` costs a project whose tokens are all JWTs:
the bearer path of a JWT seen again, with the fallback on and off, timed round-robin in
the same run (reported as a ratio, never asserted), and the database queries that path
makes with the fallback on (none: a token that parses as a JWT never looks for a row).
For context, the cost of the fallback itself: an opaque token found in DOT's row."""

from __future__ import annotations

import secrets
import time
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from oauth2_provider.models import get_access_token_model, get_application_model

from bench.micro import _token
from oauth_jwt.resource.authentication import authenticate_token


def _opaque_token() -> str:
    raw = secrets.token_urlsafe(22)
    application = get_application_model().objects.create(
        name="bench-opaque",
        client_type="confidential",
        authorization_grant_type="client-credentials",
        client_secret=secrets.token_urlsafe(32),
    )
    get_access_token_model().objects.create(
        token=raw, application=application, scope="read", expires=timezone.now() + timedelta(hours=1)
    )
    return raw


def _us_per_call(fn, iterations: int) -> float:
    start = time.perf_counter()
    for _ in range(iterations):
        fn()
    return (time.perf_counter() - start) / iterations


def run(iterations: int) -> dict:
    jwt_token, _ = _token("RS256")
    opaque = _opaque_token()
    on = {**settings.OAUTH_JWT, "OPAQUE_TOKEN_FALLBACK": True}
    off = {**settings.OAUTH_JWT, "OPAQUE_TOKEN_FALLBACK": False}
    with override_settings(OAUTH_JWT=on):
        authenticate_token(jwt_token)  # verified once, the denylist loaded: a running process
        with CaptureQueriesContext(connection) as queries:
            authenticate_token(jwt_token)
    few = max(iterations // 10, 1)  # the opaque path reads the database: fewer rounds
    best = {"jwt_on": float("inf"), "jwt_off": float("inf"), "opaque": float("inf")}
    for _ in range(7):
        with override_settings(OAUTH_JWT=on):
            best["jwt_on"] = min(best["jwt_on"], _us_per_call(lambda: authenticate_token(jwt_token), iterations))
            best["opaque"] = min(best["opaque"], _us_per_call(lambda: authenticate_token(opaque), few))
        with override_settings(OAUTH_JWT=off):
            best["jwt_off"] = min(best["jwt_off"], _us_per_call(lambda: authenticate_token(jwt_token), iterations))
    figures = {name: round(seconds * 1e6, 1) for name, seconds in best.items()}
    return {**figures, "jwt_queries": len(queries)}
