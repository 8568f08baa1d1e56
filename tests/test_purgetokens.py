"""``manage.py purgetokens`` deletes expired tokens, grants and issuance records."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from oauth2_provider.models import AccessToken

from oauth_jwt.models import IssuedToken

from .conftest import basic_auth, client_credentials_token

pytestmark = pytest.mark.django_db


def test_expired_tokens_and_their_records_go_live_ones_stay(client, service_client, capsys):
    client_credentials_token(client, service_client)
    live = client_credentials_token(client, service_client)["access_token"]
    revoked = client_credentials_token(client, service_client)["access_token"]
    assert client.post("/o/revoke_token/", {"token": revoked}, **basic_auth(service_client)).status_code == 200
    oldest = IssuedToken.objects.order_by("pk").first()
    past = timezone.now() - timedelta(hours=1)
    IssuedToken.objects.filter(pk=oldest.pk).update(expires_at=past)
    AccessToken.objects.filter(token_checksum=oldest.token_checksum).update(expires=past)

    call_command("purgetokens")

    assert not IssuedToken.objects.filter(pk=oldest.pk).exists()
    assert not AccessToken.objects.filter(token_checksum=oldest.token_checksum).exists()
    assert IssuedToken.objects.count() == 2  # the live token and the revocation record
    assert IssuedToken.objects.filter(revoked_at__isnull=False).count() == 1
    assert AccessToken.objects.count() == 1
    assert "1 issuance records" in capsys.readouterr().out
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
