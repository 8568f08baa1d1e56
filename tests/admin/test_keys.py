"""Signing keys in the admin: public material only; rotate, retire, revoke."""

from __future__ import annotations

import json
import logging

import pytest
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from oauth2_provider.models import get_access_token_model

from oauth_jwt.checksums import token_checksum
from oauth_jwt.models import RevokedToken, SigningKey
from oauth_jwt.server import denylist_writer, signing_keys, token_records
from tests.admin.conftest import action, assert_not_logged
from tests.conftest import client_credentials_token

pytestmark = pytest.mark.django_db

KEYS = "/admin/oauth_jwt/signingkey/"
TOKENS = "/admin/oauth2_provider/accesstoken/"


def active_key() -> SigningKey:
    return SigningKey.objects.get(state=SigningKey.State.ACTIVE)


def published_kids(client) -> set[str]:
    return {k["kid"] for k in json.loads(client.get("/.well-known/jwks.json").content)["keys"]}


def test_the_list_and_detail_show_public_material_only(admin_client):
    key = active_key()
    response = admin_client.get(KEYS)
    html = response.content.decode()
    for header in ("Key id", "Algorithm", "State", "Created", "Published until"):
        assert header.lower() in html.lower()
    assert key.kid in html
    detail = admin_client.get(f"{KEYS}{key.pk}/change/").content.decode()
    assert f"&quot;n&quot;: &quot;{key.public_jwk['n']}&quot;" in detail
    assert key.encrypted_private_key not in detail and "PRIVATE" not in detail
    assert '"d"' not in detail and "&quot;d&quot;" not in detail
    assert admin_client.get(KEYS + "add/").status_code == 403
    assert admin_client.post(f"{KEYS}{key.pk}/change/", {}).status_code == 403


def test_rotate_stages_a_published_next_key_that_signs_later(admin_client, client, service_client, api, caplog, clock):
    caplog.set_level(logging.INFO)
    old = active_key()
    token = client_credentials_token(client, service_client)["access_token"]
    response = action(admin_client, KEYS, "rotate", [old.pk], follow=True)
    new = SigningKey.objects.get(state=SigningKey.State.NEXT)
    assert f"Next signing key {new.kid} is published; it signs from" in response.content.decode()
    listing = admin_client.get(KEYS).content.decode()
    assert "next (published, not signing yet)" in listing and "signs from" in listing.lower()
    assert {old.kid, new.kid} <= published_kids(client)
    assert active_key().pk == old.pk  # not signing yet
    assert LogEntry.objects.filter(object_id=str(new.pk), action_flag=ADDITION).exists()
    assert [r.kid for r in caplog.records if getattr(r, "event", "") == "key.rotated"] == [new.kid]

    clock.advance(signing_keys.activation_delay().total_seconds() + 1)
    assert client_credentials_token(client, service_client)
    old.refresh_from_db()
    assert active_key().pk == new.pk and old.state == SigningKey.State.RETIRED and old.publish_until is not None
    assert token_records.of(get_access_token_model().objects.latest("pk")).key_pk == new.pk
    assert api(token).status_code == 200


def test_rotate_needs_the_active_key_selected(admin_client):
    old = active_key()
    action(admin_client, KEYS, "rotate", [old.pk])
    staged = SigningKey.objects.get(state=SigningKey.State.NEXT)
    response = action(admin_client, KEYS, "rotate", [staged.pk], follow=True)
    assert "Select the active key" in response.content.decode()


def test_retire_keeps_the_key_published_and_makes_a_new_one(admin_client, client):
    old = active_key()
    action(admin_client, KEYS, "retire", [old.pk])
    old.refresh_from_db()
    assert old.state == SigningKey.State.RETIRED and old.kid in published_kids(client)
    assert active_key().pk != old.pk
    assert LogEntry.objects.filter(object_id=str(old.pk), action_flag=CHANGE).exists()


def test_retiring_the_active_key_hands_over_to_the_staged_one(admin_client, client):
    old = active_key()
    action(admin_client, KEYS, "rotate", [old.pk])
    staged = SigningKey.objects.get(state=SigningKey.State.NEXT)
    action(admin_client, KEYS, "retire", [old.pk])
    assert active_key().pk == staged.pk


def test_retiring_a_staged_key_withdraws_it_from_the_jwk_set(admin_client, client):
    old = active_key()
    action(admin_client, KEYS, "rotate", [old.pk])
    staged = SigningKey.objects.get(state=SigningKey.State.NEXT)
    assert staged.kid in published_kids(client)
    action(admin_client, KEYS, "retire", [staged.pk])
    staged.refresh_from_db()
    assert staged.state == SigningKey.State.RETIRED and staged.kid not in published_kids(client)
    assert active_key().pk == old.pk


def test_revoke_asks_first_then_tokens_it_signed_stop_validating(
    admin_client, client, service_client, api, introspect, caplog
):
    caplog.set_level(logging.INFO)
    key = active_key()
    token = client_credentials_token(client, service_client)["access_token"]
    client_credentials_token(client, service_client)
    confirm = action(admin_client, KEYS, "revoke", [key.pk])
    assert confirm.status_code == 200
    html = confirm.content.decode()
    assert "every token it signed stops validating immediately" in html
    assert "2 live access tokens it signed are revoked with it." in html
    key.refresh_from_db()
    assert key.state == SigningKey.State.ACTIVE and api(token).status_code == 200

    action(admin_client, KEYS, "revoke", [key.pk], post="yes")
    key.refresh_from_db()
    assert key.state == SigningKey.State.REVOKED
    assert key.kid not in published_kids(client)
    assert api(token).status_code == 401
    assert introspect(token, service_client)["active"] is False
    assert active_key().kid != key.kid
    assert client_credentials_token(client, service_client)  # the new key signs
    assert LogEntry.objects.filter(object_id=str(key.pk), action_flag=CHANGE).exists()
    events = [r for r in caplog.records if getattr(r, "event", "") == "key.revoked_by_staff"]
    assert [r.kid for r in events] == [key.kid]
    assert_not_logged(caplog, token)


def test_revoking_a_key_does_no_work_per_token(admin_client, client, service_client, django_assert_max_num_queries):
    """Issue 19: one request used to delete (and record) every live row the key signed,
    so a key with 500,001 tokens timed out. The key's state is the revocation: its
    rows stay, and every check reads the key, so the statements do not grow with them."""
    key = active_key()
    for _ in range(12):
        client_credentials_token(client, service_client)
    with django_assert_max_num_queries(20):
        action(admin_client, KEYS, "revoke", [key.pk], post="yes")
    key.refresh_from_db()
    assert key.state == SigningKey.State.REVOKED
    assert get_access_token_model().objects.count() == 12
    assert not RevokedToken.objects.exists()


def test_a_revoked_keys_tokens_answer_revoked_everywhere(admin_client, client, service_client, api, introspect):
    key = active_key()
    token = client_credentials_token(client, service_client)["access_token"]
    action(admin_client, KEYS, "revoke", [key.pk], post="yes")
    other = client_credentials_token(client, service_client)["access_token"]
    row = get_access_token_model().objects.get(token_checksum=token_checksum(token))
    assert api(token).status_code == 401 and api(other).status_code == 200
    assert introspect(token, service_client) == {"active": False}
    assert denylist_writer.is_revoked(token_records.of(row).jti, key.kid)
    listing = admin_client.get(TOKENS).content.decode()
    assert '<td class="field-status">revoked</td>' in listing
    active = admin_client.get(TOKENS + "?status=active").content.decode()
    newest = get_access_token_model().objects.latest("pk")
    assert token_records.of(row).jti not in active and token_records.of(newest).jti in active
    inspected = admin_client.post(TOKENS + "inspect/", {"token": token}).content.decode()
    assert f"issued to {service_client.client_id}, revoked" in inspected


def test_revoking_a_key_leaves_the_tokens_other_keys_signed(admin_client, client, service_client, api):
    old = active_key()
    by_old = client_credentials_token(client, service_client)["access_token"]
    signing_keys.rotate()
    by_new = client_credentials_token(client, service_client)["access_token"]
    confirm = action(admin_client, KEYS, "revoke", [old.pk])
    assert "1 live access token it signed is revoked with it." in confirm.content.decode()
    action(admin_client, KEYS, "revoke", [old.pk], post="yes")
    assert api(by_old).status_code == 401 and api(by_new).status_code == 200


def test_the_confirmation_counts_a_keys_tokens_up_to_a_cap(admin_client, client, service_client, monkeypatch):
    from oauth_jwt.server.admin import keys

    monkeypatch.setattr(keys, "LIVE_COUNT_CAP", 2)
    key = active_key()
    for _ in range(3):
        client_credentials_token(client, service_client)
    confirm = action(admin_client, KEYS, "revoke", [key.pk])
    assert "More than 2 live access tokens it signed are revoked with it." in confirm.content.decode()
