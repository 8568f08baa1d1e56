"""Both of DOT's token-storage modes: whatever COMPLIANT_BCP_RFC9700_TOKEN_STORAGE says,
DOT's row is found by the SHA-256 of the JWT, so DOT's token view, revocation and
introspection work; the JWT's record is written with the row, in one INSERT."""

import hashlib

import jwt
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from oauth2_provider.models import get_access_token_model

from oauth_jwt.server import token_records, tokens
from oauth_jwt.server.validator import JWTOAuth2Validator

from .conftest import (
    basic_auth,
    bearer,
    client_credentials_token,
    code_flow_token,
    form_post,
    refresh,
    verify_independently,
)

pytestmark = pytest.mark.django_db
AccessToken = get_access_token_model()


@pytest.fixture(params=[False, True], ids=["plaintext-storage", "hashed-storage"])
def storage(request, provider):
    provider(COMPLIANT_BCP_RFC9700_TOKEN_STORAGE=request.param)
    return request.param


def checksum(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def test_the_row_is_found_by_the_jwt_and_carries_its_record(client, service_client, storage):
    token = client_credentials_token(client, service_client)["access_token"]
    _, claims = verify_independently(client, token)
    row = AccessToken.objects.get(token_checksum=checksum(token))
    assert token_records.of(row).jti == claims["jti"]


def test_revocation_really_revokes(client, service_client, api, storage):
    token = client_credentials_token(client, service_client)["access_token"]
    assert api(token).status_code == 200
    response = form_post(client, "/o/revoke_token/", {"token": token}, **basic_auth(service_client))
    assert response.status_code == 200
    assert not AccessToken.objects.exists()
    assert api(token).status_code == 401


def test_introspection_sees_the_token_then_its_revocation(client, service_client, storage):
    token = client_credentials_token(client, service_client)["access_token"]
    introspect = {"token": token}
    assert form_post(client, "/o/introspect/", introspect, **basic_auth(service_client)).json()["active"] is True
    form_post(client, "/o/revoke_token/", {"token": token}, **basic_auth(service_client))
    assert form_post(client, "/o/introspect/", introspect, **basic_auth(service_client)).json()["active"] is False


def test_dot_token_view_finds_the_row_of_a_code_flow_token(client, user, web_client, storage):
    """DOT's TokenView reads the new row back by checksum to send ``app_authorized``."""
    body = code_flow_token(client, user, web_client)
    assert AccessToken.objects.filter(token_checksum=checksum(body["access_token"]), user=user).exists()
    refreshed = refresh(client, web_client, body["refresh_token"])
    assert refreshed.status_code == 200, refreshed.content
    assert AccessToken.objects.filter(token_checksum=checksum(refreshed.json()["access_token"])).exists()


def test_the_record_is_written_by_the_insert_alone(client, service_client, storage):
    client_credentials_token(client, service_client)  # warm caches: keys, denylist
    with CaptureQueriesContext(connection) as queries:
        client_credentials_token(client, service_client)
    statements = [q["sql"].split()[0].upper() for q in queries.captured_queries]
    assert statements.count("INSERT") == 1 and "UPDATE" not in statements, statements
    assert all(token_records.of(row) is not None for row in AccessToken.objects.all())


def test_a_row_saved_again_keeps_its_checksum_and_record_in_one_update(client, service_client, api, storage):
    token = client_credentials_token(client, service_client)["access_token"]
    row = AccessToken.objects.get()
    record = token_records.of(row)
    row.scope = "read write"
    with CaptureQueriesContext(connection) as queries:
        row.save()
    assert [q["sql"].split()[0].upper() for q in queries.captured_queries] == ["UPDATE"]
    row = AccessToken.objects.get()
    assert token_records.of(row) == record and row.token_checksum == checksum(token)
    assert form_post(client, "/o/revoke_token/", {"token": token}, **basic_auth(service_client)).status_code == 200
    assert api(token).status_code == 401


@pytest.mark.parametrize("load", ["whole", "token-deferred", "refreshed"])
def test_a_loaded_row_saved_again_keeps_its_checksum(client, service_client, api, storage, load):
    """However the row is read back, saving it hashes nothing: its record is no token."""
    token = client_credentials_token(client, service_client)["access_token"]
    row = (AccessToken.objects.defer("token") if load == "token-deferred" else AccessToken.objects).get()
    if load == "refreshed":
        row.refresh_from_db()
    row.scope = "read write"
    row.save()
    row = AccessToken.objects.get()
    assert row.scope == "read write" and row.token_checksum == checksum(token)
    assert token_records.of(row) is not None
    assert api(token).status_code == 200


def test_the_checksum_field_may_run_twice_per_save(client, service_client, storage):
    """Django 6 calls a field's ``pre_save`` twice per INSERT: the second call, with DOT's
    raw token already cleared, must not hash the record in the JWT's place."""
    token = client_credentials_token(client, service_client)["access_token"]
    field = AccessToken._meta.get_field("token_checksum")
    fresh = AccessToken(scope="read")
    JWTOAuth2Validator()._set_token_value(fresh, tokens.MintedToken(token, _minted(token)))
    assert [field.pre_save(fresh, add=True) for _ in range(2)] == [checksum(token)] * 2
    loaded = AccessToken.objects.get()
    assert [field.pre_save(loaded, add=False) for _ in range(2)] == [checksum(token)] * 2


def _minted(token: str) -> tokens.Minted:
    claims = jwt.decode(token, options={"verify_signature": False})
    key_pk = token_records.of(AccessToken.objects.get()).key_pk
    return tokens.Minted(jwt.get_unverified_header(token)["kid"], key_pk, claims)


def test_a_refresh_inside_the_grace_period_returns_the_same_jwt(client, user, web_client, provider):
    provider(COMPLIANT_BCP_RFC9700_TOKEN_STORAGE=False, REFRESH_TOKEN_GRACE_PERIOD_SECONDS=60)
    body = code_flow_token(client, user, web_client)
    first = refresh(client, web_client, body["refresh_token"])
    again = refresh(client, web_client, body["refresh_token"])
    assert first.status_code == again.status_code == 200, again.content
    assert again.json()["access_token"] == first.json()["access_token"]
    assert again.json()["refresh_token"] == first.json()["refresh_token"]
    verify_independently(client, again.json()["access_token"])
    assert client.get("/api/me", **bearer(again.json()["access_token"])).status_code == 200


@pytest.mark.parametrize("lookup", ["jti", "key"])
def test_record_lookups_read_an_index(client, service_client, lookup):
    """The admin's JWT-id search and key revocation find rows through the indexes of
    migration 0006, not by scanning the token column."""
    client_credentials_token(client, service_client)
    row = AccessToken.objects.get()
    record = token_records.of(row)
    if lookup == "jti":
        found, index = token_records.with_jti(AccessToken.objects.all(), record.jti), token_records.JTI_INDEX
    else:
        found, index = token_records.signed_by(AccessToken.objects.all(), record.key_pk), token_records.KEY_INDEX
    assert list(found) == [row]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")  # a table of one row is scanned otherwise
    assert index in found.explain()


def test_a_grace_period_refresh_never_hands_out_a_record(client, user, web_client, provider):
    """With no JWT at rest (RFC 9700 storage), DOT's check oauth2_provider.E001 refuses a
    grace period; set anyway, the repeated refresh is refused, not answered with the record."""
    provider(COMPLIANT_BCP_RFC9700_TOKEN_STORAGE=True, REFRESH_TOKEN_GRACE_PERIOD_SECONDS=60)
    body = code_flow_token(client, user, web_client)
    assert refresh(client, web_client, body["refresh_token"]).status_code == 200
    again = refresh(client, web_client, body["refresh_token"])
    assert again.status_code == 400, again.content
    assert again.json()["error"] == "invalid_grant"
