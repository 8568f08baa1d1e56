"""Access tokens (live and expired in DOT's table, revoked ones listed apart), refresh
tokens, grants and ID tokens in the admin."""

from __future__ import annotations

import json
import logging
import re
from datetime import timedelta
from html import unescape

import django
import jwt
import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.utils import timezone
from oauth2_provider.models import get_access_token_model, get_grant_model, get_id_token_model, get_refresh_token_model

from oauth_jwt.models import RevokedToken
from oauth_jwt.server import token_records
from tests.admin.conftest import action, assert_not_logged
from tests.conftest import REDIRECT_URI, client_credentials_token, code_flow_token, pkce_pair, redirect_params, refresh

pytestmark = pytest.mark.django_db

TOKENS = "/admin/oauth2_provider/accesstoken/"
REVOKED = "/admin/oauth_jwt/revokedtoken/"
REFRESH_TOKENS = "/admin/oauth2_provider/refreshtoken/"
AccessToken = get_access_token_model()


def listed(response) -> list:
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


def jti_of(obj) -> str:
    return obj.jti if isinstance(obj, RevokedToken) else token_records.of(obj).jti


def jtis(response) -> set[str]:
    return {jti_of(obj) for obj in listed(response)}


def shown_json(html: str) -> list:
    """The decoded header and claims on a detail page."""
    return [json.loads(unescape(block)) for block in re.findall(r"<pre>(.*?)</pre>", html, re.S)]


def assert_refused_everywhere(api, introspect, token: str, as_client) -> None:
    assert api(token).status_code == 401
    assert introspect(token, as_client)["active"] is False


@pytest.fixture
def three_tokens(client, user, web_client, service_client):
    """A person's live token, a client's expired one, and a client's revoked one."""
    tokens = {
        "person": code_flow_token(client, user, web_client)["access_token"],
        "expired": client_credentials_token(client, service_client)["access_token"],
        "revoked": client_credentials_token(client, service_client)["access_token"],
    }
    person, expired, revoked = AccessToken.objects.order_by("pk")
    AccessToken.objects.filter(pk=expired.pk).update(expires=timezone.now() - timedelta(minutes=1))
    revoked.revoke()
    return tokens, {"person": jti_of(person), "expired": jti_of(expired), "revoked": jti_of(revoked)}


def test_the_lists_show_every_token_with_its_status_and_filter(admin_client, user, service_client, three_tokens):
    raws, jti = three_tokens
    response = admin_client.get(TOKENS)
    html = response.content.decode()
    for header in ("JWT id", "Subject", "Client", "Scope", "Created", "Expires", "Status"):
        assert header.lower() in html.lower()
    assert ">alice<" in html and f"client {service_client.client_id}" in html
    assert jtis(response) == {jti["person"], jti["expired"]}
    revoked = admin_client.get(REVOKED)
    assert jtis(revoked) == {jti["revoked"]}
    for page in (html, revoked.content.decode()):
        assert all(raw not in page for raw in raws.values())

    assert jtis(admin_client.get(TOKENS, {"status": "active"})) == {jti["person"]}
    assert jtis(admin_client.get(TOKENS, {"status": "expired"})) == {jti["expired"]}
    assert jtis(admin_client.get(TOKENS, {"status": "revoked"})) == set()
    assert jtis(admin_client.get(TOKENS, {"application__id__exact": service_client.app.pk})) == {jti["expired"]}
    assert jtis(admin_client.get(TOKENS, {"user__id__exact": user.pk})) == {jti["person"]}
    assert jtis(admin_client.get(TOKENS, {"q": jti["expired"]})) == {jti["expired"]}
    assert jtis(admin_client.get(TOKENS, {"q": jti["expired"][:8]})) == set()  # the whole jti, not a prefix
    assert jtis(admin_client.get(TOKENS, {"q": "alice"})) == {jti["person"]}

    assert jtis(admin_client.get(REVOKED, {"status": "revoked"})) == {jti["revoked"]}
    assert jtis(admin_client.get(REVOKED, {"status": "active"})) == set()
    assert jtis(admin_client.get(REVOKED, {"client_id": service_client.client_id})) == {jti["revoked"]}
    assert jtis(admin_client.get(REVOKED, {"q": jti["revoked"]})) == {jti["revoked"]}
    AccessToken.objects.get(user=user).revoke()
    assert jtis(admin_client.get(REVOKED, {"user": str(user.pk)})) == {jti["person"]}


def status_links(response) -> dict[str, str]:
    """The status filter's choices as rendered: label -> href."""
    block = re.search(r'data-filter-title="status".*?</details>', response.content.decode(), re.S).group(0)
    return {label: unescape(href) for href, label in re.findall(r'<a href="([^"]*)">([^<]*)</a>', block)}


def test_one_status_filter_links_the_two_lists(admin_client, three_tokens):
    _, jti = three_tokens
    live = status_links(admin_client.get(TOKENS))
    assert live == {
        "All": "?",
        "active": "?status=active",
        "expired": "?status=expired",
        "revoked": REVOKED + "?status=revoked",
    }
    assert jtis(admin_client.get(live["revoked"])) == {jti["revoked"]}

    revoked = admin_client.get(REVOKED)
    links = status_links(revoked)
    assert links == {
        "active": TOKENS + "?status=active",
        "expired": TOKENS + "?status=expired",
        "revoked": "?status=revoked",
    }
    assert '<li class="selected">\n    <a href="?status=revoked">' in revoked.content.decode()
    assert jtis(admin_client.get(links["active"])) == {jti["person"]}
    assert jtis(admin_client.get(links["expired"])) == {jti["expired"]}
    if django.VERSION >= (5, 0):  # the admin's facet counts came with 5.0
        for url in (TOKENS, REVOKED):
            assert admin_client.get(url, {"_facets": "True"}).status_code == 200


def test_the_details_show_decoded_header_and_claims_never_the_token(admin_client, client, user, web_client):
    token = code_flow_token(client, user, web_client)["access_token"]
    sent_header, sent = jwt.get_unverified_header(token), jwt.decode(token, options={"verify_signature": False})
    row = AccessToken.objects.get()
    page = admin_client.get(f"{TOKENS}{row.pk}/change/")
    html = page.content.decode()
    assert page.status_code == 200 and 'name="_save"' not in html  # read-only
    assert token not in html and row.token_checksum not in html
    header, claims = shown_json(html)
    assert header == {"alg": sent_header["alg"], "kid": sent_header["kid"], "typ": "at+jwt"}
    assert "auth_time" in sent and abs(claims.pop("iat") - sent.pop("iat")) <= 1
    assert claims == sent

    row.revoke()
    record = RevokedToken.objects.get()
    page = admin_client.get(f"{REVOKED}{record.pk}/change/")
    html = page.content.decode()
    assert page.status_code == 200 and 'name="_save"' not in html
    assert token not in html and record.token_checksum not in html
    assert shown_json(html) == [header, {**claims, "iat": int(record.issued_at.timestamp())}]
    assert admin_client.get(REVOKED + "add/").status_code == 403
    assert admin_client.post(f"{REVOKED}{record.pk}/delete/", {"post": "yes"}).status_code == 403


def test_revoking_from_the_list_is_effective_at_once(admin_client, service_client, api, introspect, caplog):
    caplog.set_level(logging.INFO)
    token = client_credentials_token(admin_client, service_client)["access_token"]
    assert api(token).status_code == 200
    row = AccessToken.objects.get()
    jti = jti_of(row)
    assert admin_client.get(TOKENS + "add/").status_code == 403
    response = action(admin_client, TOKENS, "revoke_tokens", [row.pk], follow=True)
    assert "Revoked 1 access token" in response.content.decode()
    assert_refused_everywhere(api, introspect, token, service_client)
    assert not AccessToken.objects.exists()
    record = RevokedToken.objects.get(jti=jti)
    assert jtis(admin_client.get(REVOKED)) == {jti}
    assert LogEntry.objects.filter(object_id=str(record.pk), action_flag=CHANGE).exists()
    events = [r for r in caplog.records if getattr(r, "event", "").startswith("token.revoked")]
    assert {(r.event, r.jti) for r in events} == {("token.revoked", jti), ("token.revoked_by_staff", jti)}
    assert_not_logged(caplog, token)


def test_revoking_an_access_token_revokes_the_refresh_token_it_came_with(
    admin_client, client, user, web_client, service_client
):
    body = code_flow_token(client, user, web_client)
    client_credentials_token(client, service_client)
    expired = AccessToken.objects.get(user__isnull=True)
    AccessToken.objects.filter(pk=expired.pk).update(expires=timezone.now() - timedelta(minutes=1))
    response = action(admin_client, TOKENS, "revoke_tokens", AccessToken.objects.values_list("pk", flat=True), True)
    assert "Revoked 1 access token" in response.content.decode()  # the expired one is left to expire
    assert list(AccessToken.objects.all()) == [expired]
    assert refresh(client, web_client, body["refresh_token"]).status_code == 400


def test_revoking_a_refresh_token_revokes_its_family_and_access_tokens(
    admin_client, client, user, web_client, api, introspect
):
    first = code_flow_token(client, user, web_client)
    second = refresh(client, web_client, first["refresh_token"]).json()
    assert api(second["access_token"]).status_code == 200
    RefreshToken = get_refresh_token_model()
    assert RefreshToken.objects.values("token_family").distinct().count() == 1
    response = admin_client.get(REFRESH_TOKENS)
    assert len(listed(response)) == 2
    html = response.content.decode()
    assert first["refresh_token"] not in html and second["refresh_token"] not in html
    assert str(RefreshToken.objects.first().token_family) in html
    assert len(listed(admin_client.get(REFRESH_TOKENS, {"status": "active"}))) == 1

    live = RefreshToken.objects.get(revoked__isnull=True)
    action(admin_client, REFRESH_TOKENS, "revoke_tokens", [live.pk])
    assert RefreshToken.objects.filter(revoked__isnull=True).count() == 0
    assert_refused_everywhere(api, introspect, second["access_token"], web_client)
    assert refresh(client, web_client, second["refresh_token"]).status_code == 400
    assert len(listed(admin_client.get(REFRESH_TOKENS, {"status": "revoked"}))) == 2
    assert LogEntry.objects.filter(object_id=str(live.pk), action_flag=CHANGE).exists()


def test_grants_and_id_tokens_are_read_only(admin_client, client, user, web_client):
    code_flow_token(client, user, web_client, scope="openid read")
    _, challenge = pkce_pair()
    query = {"response_type": "code", "client_id": web_client.client_id, "redirect_uri": REDIRECT_URI, "scope": "read"}
    left = client.get("/o/authorize/", {**query, "code_challenge": challenge, "code_challenge_method": "S256"})
    assert "code" in redirect_params(left)  # consent remembered: a code, left unused
    grant = get_grant_model().objects.first()
    id_token = get_id_token_model().objects.get()
    for url in (
        f"/admin/oauth2_provider/grant/{grant.pk}/change/",
        f"/admin/oauth2_provider/idtoken/{id_token.pk}/change/",
    ):
        page = admin_client.get(url)
        assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
        assert admin_client.post(url, {}).status_code == 403
    assert grant.code not in admin_client.get("/admin/oauth2_provider/grant/").content.decode()
    assert admin_client.get("/admin/oauth2_provider/grant/add/").status_code == 403
    assert admin_client.get("/admin/oauth2_provider/idtoken/add/").status_code == 403
