"""pytest plugin for DOT's suite: oauth_jwt's hooks become DOT's defaults, the hub gets
its signing key, and the deliberate deviations (``deviations.txt``) are expected to
fail — a listed test that passes fails the run, as does a listed test that is gone."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

HOOKS = {
    "ACCESS_TOKEN_GENERATOR": "oauth_jwt.server.tokens.generate_access_token",
    "REFRESH_TOKEN_GENERATOR": "oauthlib.oauth2.rfc6749.tokens.random_token_generator",
    "OAUTH2_VALIDATOR_CLASS": "tests.validator.Validator",
}


def _deviations() -> dict[str, str]:
    """``test id  # reason`` per line; a line ``## reason`` gives the following ids theirs."""
    listed, reason = {}, ""
    for line in Path(os.environ["DOT_SUITE_DEVIATIONS"]).read_text().splitlines():
        line = line.strip()
        if line.startswith("## "):
            reason = line[3:]
        elif line and not line.startswith("#"):
            test_id, _, own = line.partition("#")
            listed[test_id.strip()] = own.strip() or reason
    return listed


def pytest_configure(config):
    from oauth2_provider import settings as dot

    from oauth_jwt.server.device import load_device_grant

    dot.DEFAULTS.update(HOOKS, OAUTH_PRE_TOKEN_VALIDATION=[load_device_grant])
    dot.oauth2_settings.reload()
    config._dot_suite_deviations = _deviations()


def pytest_collection_modifyitems(session, config, items):
    listed = config._dot_suite_deviations
    seen = set()
    for item in items:
        test_id = item.nodeid.removeprefix("tests/")
        if test_id in listed:
            seen.add(test_id)
            item.add_marker(pytest.mark.xfail(reason=listed[test_id], strict=True))
    gone = sorted(set(listed) - seen)
    if gone and config.args == ["tests"] and not config.option.keyword and not config.option.markexpr:
        raise pytest.UsageError("deviations.txt lists tests DOT's suite does not have:\n" + "\n".join(gone))


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from oauth_jwt.server import signing_keys

    with django_db_blocker.unblock():
        signing_keys.ensure_active_key()


@pytest.fixture(autouse=True)
def _fresh_key_snapshot():
    from django.core.cache import caches

    from oauth_jwt.server import signing_keys

    signing_keys.invalidate_cache()
    for cache in caches.all():
        cache.clear()
