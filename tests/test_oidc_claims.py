"""OpenID Connect claims (issue 16): each scope releases its standard claims at
userinfo, the ID token carries them only when the ``claims`` parameter asks, nothing is
released for a scope the person did not allow, and discovery's ``claims_supported``
lists exactly what can be released. All over HTTP."""

from __future__ import annotations

import json

import pytest

from oauth_jwt.checks import ids as check_ids
from oauth_jwt.checks.settings import check_settings
from oauth_jwt.server.userclaims import UserClaims
from tests.conftest import (
    approved_token,
    authorize_query,
    bearer,
    code_flow_token,
    pkce_pair,
    redeem,
    redirect_params,
    refresh,
    verify_independently,
)

pytestmark = pytest.mark.django_db

# `sid`: the sign-in session, for back-channel logout (server/sessions.py).
PROTOCOL = {"iss", "sub", "aud", "exp", "iat", "auth_time", "nonce", "at_hash", "jti", "sid"}
DJANGO_USER_CLAIMS = {"name", "given_name", "family_name", "preferred_username", "email", "email_verified"}


@pytest.fixture
def alice(user):
    user.first_name, user.last_name = "Alice", "Liddell"
    user.save()
    return user


def userinfo(client, token: str):
    response = client.get("/o/userinfo/", **bearer(token))
    assert response.status_code == 200, response.content
    return response.json()


def use_provider(settings, path: str) -> None:
    settings.OAUTH_JWT = {**settings.OAUTH_JWT, "CLAIMS_PROVIDER": path}


class TestUserinfo:
    def test_profile_and_email_release_their_standard_claims(self, client, alice, web_client):
        tokens = code_flow_token(client, alice, web_client, scope="openid profile email")
        assert userinfo(client, tokens["access_token"]) == {
            "sub": str(alice.pk),
            "name": "Alice Liddell",
            "given_name": "Alice",
            "family_name": "Liddell",
            "preferred_username": "alice",
            "email": "alice@example.com",
            "email_verified": False,  # plain django.contrib.auth cannot know
        }

    def test_consent_to_openid_alone_releases_only_sub(self, client, alice, web_client):
        tokens = code_flow_token(client, alice, web_client, scope="openid")
        assert userinfo(client, tokens["access_token"]) == {"sub": str(alice.pk)}

    def test_email_alone_releases_no_name(self, client, alice, web_client):
        tokens = code_flow_token(client, alice, web_client, scope="openid email")
        assert set(userinfo(client, tokens["access_token"])) == {"sub", "email", "email_verified"}

    def test_an_earlier_wider_consent_releases_nothing_more(self, client, alice, web_client):
        code_flow_token(client, alice, web_client, scope="openid profile email")
        verifier, challenge = pkce_pair()
        remembered = client.get("/o/authorize/", authorize_query(web_client, scope="openid", code_challenge=challenge))
        tokens = redeem(client, web_client, redirect_params(remembered)["code"], verifier)
        assert tokens["scope"] == "openid"
        assert userinfo(client, tokens["access_token"]) == {"sub": str(alice.pk)}

    def test_claims_without_a_value_are_left_out(self, client, django_user_model, web_client):
        bob = django_user_model.objects.create_user("bob", "", "pw")
        tokens = code_flow_token(client, bob, web_client, scope="openid profile email")
        assert userinfo(client, tokens["access_token"]) == {"sub": str(bob.pk), "preferred_username": "bob"}

    def test_a_token_without_openid_gets_no_claims(self, client, alice, web_client):
        tokens = code_flow_token(client, alice, web_client, scope="profile email")
        response = client.get("/o/userinfo/", **bearer(tokens["access_token"]))
        assert response.status_code == 403
        assert response.json()["error"] == "insufficient_scope"
        assert 'scope="openid"' in response["WWW-Authenticate"]


class TestIDToken:
    def test_by_default_only_protocol_claims_and_sub(self, client, alice, web_client):
        tokens = code_flow_token(client, alice, web_client, scope="openid profile email", nonce="n1")
        _, claims = verify_independently(client, tokens["id_token"])
        assert set(claims) <= PROTOCOL
        assert claims["sub"] == str(alice.pk) and claims["nonce"] == "n1"

    def test_the_claims_parameter_adds_allowed_claims_only(self, client, alice, web_client):
        asked = {"id_token": {"email": None, "name": {"essential": True}, "phone_number": None}}
        tokens = code_flow_token(client, alice, web_client, scope="openid email", claims=json.dumps(asked))
        _, claims = verify_independently(client, tokens["id_token"])
        assert claims["email"] == "alice@example.com"
        assert "name" not in claims and "phone_number" not in claims  # profile was not allowed
        assert "email_verified" not in claims  # not asked for
        assert userinfo(client, tokens["access_token"])["email_verified"] is False

    def test_a_client_cannot_set_the_sign_in_time(self, client, alice, web_client):
        asked = {"oauth_jwt_auth_time": 1, "id_token": {"auth_time": {"essential": True}}}
        tokens = code_flow_token(client, alice, web_client, scope="openid", claims=json.dumps(asked))
        _, claims = verify_independently(client, tokens["id_token"])
        assert claims["auth_time"] == client.session["oauth_jwt_auth_time"]


class TestAuthTime:
    def test_id_and_access_tokens_carry_the_sessions_sign_in(self, client, alice, web_client, clock):
        client.force_login(alice)
        signed_in = client.session["oauth_jwt_auth_time"]
        clock.advance(120)
        alice.last_login = None  # another browser's sign-in is not this session's
        alice.save()
        tokens = approved_token(client, web_client, scope="openid")
        _, id_claims = verify_independently(client, tokens["id_token"])
        _, at_claims = verify_independently(client, tokens["access_token"])
        assert id_claims["auth_time"] == at_claims["auth_time"] == signed_in

    def test_a_refreshed_id_token_keeps_the_original_sign_in(self, client, alice, web_client, clock):
        tokens = code_flow_token(client, alice, web_client, scope="openid")
        _, first = verify_independently(client, tokens["id_token"])
        clock.advance(300)
        client.force_login(alice)  # a later sign-in does not change the tokens' one
        refreshed = refresh(client, web_client, tokens["refresh_token"]).json()
        _, second = verify_independently(client, refreshed["id_token"])
        assert second["auth_time"] == first["auth_time"]


class TestDiscovery:
    def test_claims_supported_is_what_can_be_released(self, client):
        data = client.get("/.well-known/openid-configuration").json()
        assert data["claims_supported"] == sorted(PROTOCOL | DJANGO_USER_CLAIMS)

    def test_everything_released_is_advertised(self, client, alice, web_client):
        supported = set(client.get("/.well-known/openid-configuration").json()["claims_supported"])
        asked = {"id_token": dict.fromkeys(DJANGO_USER_CLAIMS)}
        tokens = code_flow_token(
            client, alice, web_client, scope="openid profile email", claims=json.dumps(asked), nonce="n"
        )
        _, id_claims = verify_independently(client, tokens["id_token"])
        released = set(id_claims) | set(userinfo(client, tokens["access_token"]))
        assert released == supported


class Verified(UserClaims):
    def email_verified(self, user) -> bool:
        return user.email.endswith("@example.com")


class Groups:
    """A project's own provider: a scope of its own, no standard claim."""

    def scope_claims(self):
        return {"groups": ["groups"]}

    def claims(self, user, names):
        return {"groups": ["staff", "readers"], "email": "leaked@example.com"}


class TestProjectProvider:
    def test_email_verified_from_the_project(self, client, settings, alice, web_client):
        use_provider(settings, "tests.test_oidc_claims.Verified")
        tokens = code_flow_token(client, alice, web_client, scope="openid email")
        assert userinfo(client, tokens["access_token"])["email_verified"] is True

    def test_a_provider_of_its_own_scope(self, client, settings, provider, alice, web_client):
        use_provider(settings, "tests.test_oidc_claims.Groups")
        provider(SCOPES={**settings.OAUTH2_PROVIDER["SCOPES"], "groups": "See your groups"})
        discovered = client.get("/.well-known/openid-configuration").json()["claims_supported"]
        assert discovered == sorted(PROTOCOL | {"groups"})
        tokens = code_flow_token(client, alice, web_client, scope="openid email groups")
        # Only what the provider declared for an allowed scope, whatever else it returns.
        assert userinfo(client, tokens["access_token"]) == {"sub": str(alice.pk), "groups": ["staff", "readers"]}


def test_the_consent_page_says_what_each_scope_releases(client, alice, web_client):
    client.force_login(alice)
    page = client.get("/o/authorize/", authorize_query(web_client, scope="openid profile email"))
    html = page.content.decode()
    assert "See your name and username" in html
    assert "See your email address and whether it is verified" in html


class NoMethods:
    pass


class ProtocolClaim(UserClaims):
    def scope_claims(self):
        return {"profile": ["name", "iss"]}


class NotAMapping(UserClaims):
    def scope_claims(self):
        return ["profile"]


@pytest.mark.parametrize(
    ("path", "says"),
    [
        ("tests.test_oidc_claims.NoSuchProvider", "cannot be imported"),
        ("tests.test_oidc_claims.NoMethods", "must have the methods scope_claims() and claims(user, names)"),
        ("tests.test_oidc_claims.ProtocolClaim", "names protocol claims ['iss']"),
        ("tests.test_oidc_claims.NotAMapping", "scope_claims() must return a dict, not list"),
    ],
)
def test_a_provider_that_cannot_work_is_a_check_error(settings, path, says):
    use_provider(settings, path)
    (message,) = check_settings()
    assert message.id == check_ids.E114_CLAIMS_PROVIDER == "oauth_jwt.E114"
    assert "OAUTH_JWT['CLAIMS_PROVIDER']" in message.msg and says in message.msg


def test_a_project_provider_passes_the_check(settings):
    use_provider(settings, "tests.test_oidc_claims.Verified")
    assert check_settings() == []


class Broken(UserClaims):
    def scope_claims(self):
        raise RuntimeError("no profile table")


def test_a_provider_that_raises_is_reported_not_a_crash(settings):
    use_provider(settings, "tests.test_oidc_claims.Broken")
    (message,) = check_settings()
    assert message.id == "oauth_jwt.E114" and "RuntimeError: no profile table" in message.msg
