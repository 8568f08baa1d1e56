"""``manage.py purgetokens`` deletes expired tokens, grants and revocation records."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from oauth2_provider.models import AccessToken

from oauth_jwt.checksums import token_checksum as checksum
from oauth_jwt.models import RevokedToken

from .conftest import basic_auth, client_credentials_token

pytestmark = pytest.mark.django_db


def test_expired_tokens_and_revocation_records_go_live_ones_stay(client, service_client, capsys):
    expired = client_credentials_token(client, service_client)["access_token"]
    live = client_credentials_token(client, service_client)["access_token"]
    for revoked in (client_credentials_token(client, service_client)["access_token"] for _ in range(2)):
        assert client.post("/o/revoke_token/", {"token": revoked}, **basic_auth(service_client)).status_code == 200
    past = timezone.now() - timedelta(hours=1)
    AccessToken.objects.filter(token_checksum=checksum(expired)).update(expires=past)
    outlived = RevokedToken.objects.order_by("pk").first()
    RevokedToken.objects.filter(pk=outlived.pk).update(expires_at=past)

    call_command("purgetokens")

    assert not AccessToken.objects.filter(token_checksum=checksum(expired)).exists()
    assert list(AccessToken.objects.values_list("token_checksum", flat=True)) == [checksum(live)]
    # An expired token needs no revocation record; the one still valid keeps its own.
    assert RevokedToken.objects.count() == 1 and not RevokedToken.objects.filter(pk=outlived.pk).exists()
    assert "1 revocation records" in capsys.readouterr().out
    assert client.get("/api/me", HTTP_AUTHORIZATION=f"Bearer {live}").status_code == 200


def test_expired_redeemed_code_tombstones_go(client, user, other_user, web_client):
    from oauth_jwt.models import RedeemedCode

    from .conftest import code_flow_token

    code_flow_token(client, user, web_client)
    code_flow_token(client, other_user, web_client)
    old, recent = RedeemedCode.objects.order_by("pk")
    RedeemedCode.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(hours=1))

    call_command("purgetokens")

    assert list(RedeemedCode.objects.values_list("pk", flat=True)) == [recent.pk]


def test_expired_device_codes_go_pending_ones_stay(client, device_client, capsys):
    from oauth2_provider.models import get_device_grant_model

    from .conftest import form_post

    DeviceGrant = get_device_grant_model()
    for _ in range(2):
        started = form_post(client, "/o/device-authorization/", {"client_id": device_client.client_id, "scope": "read"})
        assert started.status_code == 200
    old, pending = DeviceGrant.objects.order_by("pk")
    DeviceGrant.objects.filter(pk=old.pk).update(expires=timezone.now() - timedelta(hours=1))

    call_command("purgetokens")

    assert list(DeviceGrant.objects.values_list("pk", flat=True)) == [pending.pk]
    assert "1 device codes" in capsys.readouterr().out


def test_old_client_sessions_and_logout_records_go(client, user, web_client, capsys):
    from oauth_jwt.models import ClientSession, LogoutDelivery

    from .conftest import code_flow_token

    code_flow_token(client, user, web_client, scope="openid")  # its refresh token is live
    client.logout()
    ended = ClientSession.objects.create(sid="s-old", user=user, client_id=web_client.client_id, code_checksum="c1")
    recent = ClientSession.objects.create(sid="s-new", user=user, client_id=web_client.client_id, code_checksum="c2")
    long_ago = timezone.now() - timedelta(days=30)
    ClientSession.objects.exclude(pk=recent.pk).update(created_at=long_ago)
    fields = {"client_id": web_client.client_id, "uri": "https://rp.example/bc", "reason": "signed_out"}
    delivered = LogoutDelivery.objects.create(**fields, delivered_at=timezone.now() - timedelta(days=2))
    failed = LogoutDelivery.objects.create(**fields, gave_up_at=timezone.now() - timedelta(days=31))
    kept = [
        LogoutDelivery.objects.create(**fields, delivered_at=timezone.now()),
        LogoutDelivery.objects.create(**fields),
    ]

    call_command("purgetokens")

    assert not ClientSession.objects.filter(pk=ended.pk).exists()
    assert ClientSession.objects.count() == 2  # the recent one, and the one with a live refresh token
    assert not LogoutDelivery.objects.filter(pk__in=[delivered.pk, failed.pk]).exists()
    assert set(LogoutDelivery.objects.values_list("pk", flat=True)) == {row.pk for row in kept}
    assert "1 client sessions, 2 back-channel logouts" in capsys.readouterr().out


def test_expired_access_tokens_go_in_batches_with_progress(service_client, user, capsys):
    """Issue 19: a few thousand rows, deleted 500 at a time, walking the primary key:
    exactly the expired ones without a refresh token go, and each batch is reported."""
    import secrets

    from oauth2_provider.models import RefreshToken

    from oauth_jwt.server import signing_keys
    from oauth_jwt.server.token_records import TokenRecord

    key = signing_keys.signing_key().pk
    now = timezone.now()

    def rows(n, expires):
        made = []
        for _ in range(n):
            row = AccessToken(application=service_client.app, scope="read", expires=expires)
            row.token = TokenRecord(secrets.token_urlsafe(16), key).encode()
            row._raw_token = secrets.token_urlsafe(32)
            made.append(row)
        return AccessToken.objects.bulk_create(made)

    expired = rows(1500, now - timedelta(hours=1))
    live = rows(700, now + timedelta(hours=1))
    held = expired[::100]  # expired, but a live refresh token names them: they stay
    RefreshToken.objects.bulk_create(
        RefreshToken(
            token=f"r{i}", token_checksum=f"{i:064x}", access_token=row, application=row.application, user=user
        )
        for i, row in enumerate(held)
    )

    call_command("purgetokens", "--batch-size", "500", "-v", "2")

    kept = set(AccessToken.objects.values_list("pk", flat=True))
    assert kept == {row.pk for row in live} | {row.pk for row in held}
    out = capsys.readouterr().out
    for so_far in (495, 990, 1485):  # 5 of each 500 are held
        assert f"expired access tokens: {so_far} deleted so far" in out
    assert "(1485 access tokens" in out


def test_dpop_bindings_go_with_their_codes_and_tokens(client, user, public_client, capsys):
    """A public client's refresh token is bound to its DPoP key (RFC 9449 §5) as long as
    DOT keeps its row; once DOT's purge has deleted it, the binding goes too. Expired
    codes' and access tokens' bindings go; the live refresh token's stays and still binds."""
    from oauth2_provider.models import get_refresh_token_model

    from oauth_jwt.models import DPoPBinding

    from .conftest import REDIRECT_URI, authorize, pkce_pair, redirect_params
    from .dpop_client import DPoPKey
    from .test_dpop import dpop_token, token_post

    key = DPoPKey()
    verifier, challenge = pkce_pair()
    code = redirect_params(authorize(client, user, public_client, challenge=challenge, dpop_jkt=key.jkt))["code"]
    grant = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI, "code_verifier": verifier}
    first = dpop_token(client, public_client, key, **grant)
    renewed = dpop_token(client, public_client, key, grant_type="refresh_token", refresh_token=first["refresh_token"])
    refresh_bindings = DPoPBinding.objects.filter(kind=DPoPBinding.REFRESH_TOKEN)
    assert set(refresh_bindings.values_list("checksum", flat=True)) == {
        checksum(first["refresh_token"]),
        checksum(renewed["refresh_token"]),
    }
    # The rotated refresh token is kept for reuse detection until its lifetime is over;
    # past it, DOT's purge deletes the row.
    long_ago = timezone.now() - timedelta(days=400)
    RefreshToken = get_refresh_token_model()
    RefreshToken.objects.filter(token_checksum=checksum(first["refresh_token"])).update(revoked=long_ago)
    DPoPBinding.objects.exclude(kind=DPoPBinding.REFRESH_TOKEN).update(expires_at=long_ago)

    call_command("purgetokens")

    assert not RefreshToken.objects.filter(token_checksum=checksum(first["refresh_token"])).exists()
    assert list(DPoPBinding.objects.values_list("kind", "checksum")) == [
        (DPoPBinding.REFRESH_TOKEN, checksum(renewed["refresh_token"]))
    ]
    assert "4 DPoP bindings" in capsys.readouterr().out
    refused = token_post(client, public_client, {}, grant_type="refresh_token", refresh_token=renewed["refresh_token"])
    assert refused.json()["error"] == "invalid_dpop_proof"
