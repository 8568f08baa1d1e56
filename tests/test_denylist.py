"""The denylist's read side ("revoked / not revoked / don't know"), the hub's seeding,
and ``manage.py seeddenylist``."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.core.management import CommandError, call_command

from oauth_jwt.models import RevokedToken
from oauth_jwt.resource import denylist
from oauth_jwt.resource.denylist import Answer, Cause
from oauth_jwt.server import denylist_writer, signing_keys

from .conftest import basic_auth, client_credentials_token, form_post

UNREACHABLE = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}


@pytest.fixture
def unreachable_denylist(settings, oauth_jwt_settings):
    settings.CACHES = {**settings.CACHES, "down": UNREACHABLE}
    oauth_jwt_settings(DENYLIST_CACHE="down")


def test_an_empty_cache_does_not_know(db):
    caches["default"].clear()
    assert denylist.lookup("j1", "k1") == denylist.Lookup(Answer.UNKNOWN, Cause.UNSEEDED)
    denylist_writer.refill()
    assert denylist.lookup("j1", "k1").answer is Answer.NOT_REVOKED
    denylist_writer.deny_key("k1")
    assert denylist.lookup("j1", "k1").answer is Answer.REVOKED
    caches["default"].clear()  # a flush
    assert denylist.lookup("j1", "k1").answer is Answer.UNKNOWN


def test_a_flush_in_the_middle_of_a_seeding_is_noticed(db):
    denylist_writer.refill()
    cache = caches["default"]
    cache.delete(denylist.SEAL)  # flushed after the seal was written: entries may be gone too
    assert denylist.lookup("j1", "k1") == denylist.Lookup(Answer.UNKNOWN, Cause.UNSEEDED)
    assert not denylist_writer.is_seeded()


def test_an_unreachable_cache_is_dont_know_and_logged(db, unreachable_denylist, caplog):
    assert denylist.lookup("j1", "k1") == denylist.Lookup(Answer.UNKNOWN, Cause.UNREACHABLE)
    assert [r.event for r in caplog.records] == ["denylist.unreachable"]


def test_the_hub_seeds_an_empty_cache_from_its_database(client, service_client):
    token = client_credentials_token(client, service_client)["access_token"]
    assert form_post(client, "/o/revoke_token/", {"token": token}, **basic_auth(service_client)).status_code == 200
    (row,) = RevokedToken.objects.all()
    caches["default"].clear()
    assert denylist_writer.is_revoked(row.jti, signing_keys.signing_key().kid) is True
    assert denylist_writer.is_seeded()
    assert denylist.lookup(row.jti, "other").answer is Answer.REVOKED


def test_the_hub_answers_from_its_database_while_the_cache_is_unreachable(
    client, service_client, settings, oauth_jwt_settings
):
    token = client_credentials_token(client, service_client)["access_token"]
    assert form_post(client, "/o/revoke_token/", {"token": token}, **basic_auth(service_client)).status_code == 200
    (row,) = RevokedToken.objects.all()
    settings.CACHES = {**settings.CACHES, "down": UNREACHABLE}
    oauth_jwt_settings(DENYLIST_CACHE="down")
    assert denylist_writer.is_revoked(row.jti, signing_keys.signing_key().kid) is True
    assert denylist_writer.is_revoked("another-jti", signing_keys.signing_key().kid) is False


def test_seeddenylist_seeds_once(db, capsys):
    caches["default"].clear()
    call_command("seeddenylist")
    assert denylist_writer.is_seeded()
    assert "Denylist seeded." in capsys.readouterr().out


def test_seeddenylist_says_when_the_cache_is_unreachable(db, unreachable_denylist):
    with pytest.raises(CommandError, match="unreachable"):
        call_command("seeddenylist")


def test_seeddenylist_every_needs_a_positive_interval(db):
    with pytest.raises(CommandError, match="positive"):
        call_command("seeddenylist", every=0)


def test_a_revocation_is_written_again_when_it_commits(client, service_client, django_capture_on_commit_callbacks):
    """A flush (or a seeding that could not see the uncommitted row) between the first
    write and the commit does not lose the entry."""
    token = client_credentials_token(client, service_client)["access_token"]
    with django_capture_on_commit_callbacks() as callbacks:
        response = form_post(client, "/o/revoke_token/", {"token": token}, **basic_auth(service_client))
    assert response.status_code == 200
    (row,) = RevokedToken.objects.all()
    caches["default"].clear()
    denylist_writer.refill()
    caches["default"].delete(denylist.jti_key(row.jti))  # as if the seeding had not seen the row
    assert denylist.lookup(row.jti, "k").answer is Answer.NOT_REVOKED
    for callback in callbacks:
        callback()
    assert denylist.lookup(row.jti, "k").answer is Answer.REVOKED
