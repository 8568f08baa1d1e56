"""Consents in the admin: who allowed what; revoking one kills that person's tokens."""

from __future__ import annotations

import logging

import pytest
from django.contrib.admin.models import DELETION, LogEntry
from oauth2_provider.models import get_refresh_token_model

from oauth_jwt.models import Consent
from tests.admin.conftest import action, assert_not_logged
from tests.conftest import code_flow_token, refresh

pytestmark = pytest.mark.django_db

CONSENTS = "/admin/oauth_jwt/consent/"


@pytest.fixture
def connected(client, user, web_client):
    tokens = code_flow_token(client, user, web_client, scope="openid read")
    return tokens, Consent.objects.get(user=user, client_id=web_client.client_id)


def test_the_list_shows_person_client_scopes_and_when(admin_client, connected, web_client):
    _, consent = connected
    response = admin_client.get(CONSENTS)
    html = response.content.decode()
    assert list(response.context["cl"].result_list) == [consent]
    assert ">alice<" in html and web_client.client_id in html and "openid read" in html
    assert admin_client.get(CONSENTS + "add/").status_code == 403
    assert "delete_selected" not in html
    assert admin_client.get(CONSENTS, {"q": "alice"}).context["cl"].result_count == 1


def test_revoking_a_consent_revokes_the_tokens(admin_client, client, connected, web_client, api, introspect, caplog):
    caplog.set_level(logging.INFO)
    tokens, consent = connected
    assert api(tokens["access_token"]).status_code == 200
    response = action(admin_client, CONSENTS, "revoke", [consent.pk], follow=True)
    assert "Revoked 1 consent" in response.content.decode()
    assert not Consent.objects.exists()
    assert api(tokens["access_token"]).status_code == 401
    assert introspect(tokens["access_token"], web_client)["active"] is False
    assert not get_refresh_token_model().objects.filter(revoked__isnull=True).exists()
    assert refresh(client, web_client, tokens["refresh_token"]).status_code == 400
    assert LogEntry.objects.filter(object_id=str(consent.pk), action_flag=DELETION).exists()
    events = [r for r in caplog.records if getattr(r, "event", "") == "consent.revoked"]
    assert [(r.subject, r.client_id) for r in events] == [(str(consent.user_id), web_client.client_id)]
    assert_not_logged(caplog, tokens["access_token"], tokens["refresh_token"])


def test_deleting_from_the_consent_page_revokes_too(admin_client, connected, api):
    tokens, consent = connected
    page = admin_client.get(f"{CONSENTS}{consent.pk}/delete/")
    assert page.status_code == 200
    admin_client.post(f"{CONSENTS}{consent.pk}/delete/", {"post": "yes"})
    assert not Consent.objects.exists()
    assert api(tokens["access_token"]).status_code == 401
