"""The fixtures DOT's tests use (``oauth2_settings`` with its marker, applications,
users, OIDC tokens), written for this runner."""

import uuid
from datetime import timedelta
from types import SimpleNamespace
from urllib.parse import parse_qs, urlparse

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from jwcrypto import jwk, jwt
from oauth2_provider.models import get_application_model, get_id_token_model
from oauth2_provider.settings import oauth2_settings as dot_settings

from . import presets

Application = get_application_model()
CLEARTEXT_SECRET = "1234567890abcdefghijklmnopqrstuvwxyz"


class OAuth2SettingsOverride:
    """``OAUTH2_PROVIDER`` for one test: ``update()`` replaces it; attributes set on
    this object override single values of DOT's settings until the test ends."""

    def __init__(self, settings, values):
        object.__setattr__(self, "settings", settings)
        self.update(values)

    def update(self, values):
        self.settings.OAUTH2_PROVIDER = dict(values or {})
        dot_settings.reload()
        self.ALWAYS_RELOAD_OAUTHLIB_CORE = True

    def __setattr__(self, name, value):
        setattr(dot_settings, name, value)
        dot_settings._cached_attrs.add(name)

    def __delattr__(self, name):
        delattr(dot_settings, name)
        dot_settings._cached_attrs.discard(name)

    def __getattr__(self, name):
        return getattr(dot_settings, name)


@pytest.fixture
def oauth2_settings(request, settings):
    marker = request.node.get_closest_marker("oauth2_settings")
    override = OAuth2SettingsOverride(settings, marker.args[0] if marker else {})
    if request.instance is not None:
        request.instance.oauth2_settings = override
    yield override
    dot_settings.reload()


@pytest.fixture(scope="session")
def _oidc_key():
    return jwk.JWK.from_pem(django_settings.OIDC_RSA_PRIVATE_KEY.encode())


@pytest.fixture
def oidc_key(request, _oidc_key):
    if request.instance is not None:
        request.instance.key = _oidc_key
    return _oidc_key


def _application(**fields):
    values = {
        "name": "Test Application",
        "redirect_uris": "http://example.org",
        "post_logout_redirect_uris": "http://example.org",
        "client_type": Application.CLIENT_CONFIDENTIAL,
        "authorization_grant_type": Application.GRANT_AUTHORIZATION_CODE,
        "algorithm": Application.RS256_ALGORITHM,
        "client_secret": CLEARTEXT_SECRET,
    }
    values.update(fields)
    return Application.objects.create(**values)


@pytest.fixture
def application():
    return _application()


@pytest.fixture
def public_application():
    return _application(
        name="Other Application",
        redirect_uris="http://other.org",
        post_logout_redirect_uris="http://other.org",
        client_type=Application.CLIENT_PUBLIC,
    )


@pytest.fixture
def cors_application():
    return _application(
        name="Test CORS Application", redirect_uris="", allowed_origins="https://example.com http://example.com"
    )


@pytest.fixture
def hybrid_application(application):
    application.authorization_grant_type = application.GRANT_OPENID_HYBRID
    application.client_secret = CLEARTEXT_SECRET
    application.save()
    return application


@pytest.fixture
def test_user():
    return get_user_model().objects.create_user("test_user", "test@example.com", "123456")


@pytest.fixture
def other_user():
    return get_user_model().objects.create_user("other_user", "other@example.com", "123456")


@pytest.fixture
def logged_in_client(test_user):
    from django.test.client import Client

    client = Client()
    client.force_login(test_user)
    return client


@pytest.fixture
def rp_settings(oauth2_settings):
    oauth2_settings.update(presets.OIDC_SETTINGS_RP_LOGOUT)
    return oauth2_settings


def _code_flow_tokens(oauth2_settings, application, user, client, values, scope, redirect_uri):
    oauth2_settings.update(values)
    client.force_login(user)
    authorized = client.post(
        reverse("oauth2_provider:authorize"),
        data={
            "client_id": application.client_id,
            "state": "random_state_string",
            "scope": scope,
            "redirect_uri": redirect_uri,
            "response_type": "code",
            "allow": True,
        },
    )
    assert authorized.status_code == 302, authorized
    code = parse_qs(urlparse(authorized["Location"]).query)["code"]
    client.logout()
    response = client.post(
        reverse("oauth2_provider:token"),
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "client_id": application.client_id,
            "client_secret": CLEARTEXT_SECRET,
            "scope": scope,
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    return SimpleNamespace(
        user=user,
        application=application,
        access_token=body["access_token"],
        id_token=body["id_token"],
        oauth2_settings=oauth2_settings,
    )


@pytest.fixture
def oidc_tokens(oauth2_settings, application, test_user, client):
    return _code_flow_tokens(
        oauth2_settings, application, test_user, client, presets.OIDC_SETTINGS_RW, "openid", "http://example.org"
    )


@pytest.fixture
def oidc_email_scope_tokens(oauth2_settings, application, test_user, client):
    return _code_flow_tokens(
        oauth2_settings,
        application,
        test_user,
        client,
        presets.OIDC_SETTINGS_EMAIL_SCOPE,
        "openid email",
        "http://example.org",
    )


@pytest.fixture
def oidc_non_confidential_tokens(oauth2_settings, public_application, test_user, client):
    return _code_flow_tokens(
        oauth2_settings,
        public_application,
        test_user,
        client,
        presets.OIDC_SETTINGS_EMAIL_SCOPE,
        "openid",
        "http://other.org",
    )


def _expired_id_token(oauth2_settings, key, user, application, **claims):
    """An ID token that expired beyond jwcrypto's 60-second leeway, signed with ``key``
    and recorded as DOT records the ID tokens it issues."""
    expires = timezone.now() - timedelta(seconds=61)
    jti = str(uuid.uuid4())
    payload = {
        "exp": int(expires.timestamp()),
        "jti": jti,
        "aud": application.client_id,
        "iss": oauth2_settings.OIDC_ISS_ENDPOINT,
        **claims,
    }
    token = jwt.JWT(header={"typ": "JWT", "alg": "RS256", "kid": key.thumbprint()}, claims=payload)
    token.make_signed_token(key)
    get_id_token_model().objects.create(user=user, scope="", expires=expires, jti=jti, application=application)
    return token.serialize()


@pytest.fixture
def expired_id_token(oauth2_settings, oidc_key, test_user, application):
    return _expired_id_token(oauth2_settings, oidc_key, test_user, application)


@pytest.fixture
def id_token_wrong_aud(oauth2_settings, oidc_key, test_user, application):
    return _expired_id_token(oauth2_settings, oidc_key, test_user, application, aud="")


@pytest.fixture
def id_token_wrong_iss(oauth2_settings, oidc_key, test_user, application):
    return _expired_id_token(oauth2_settings, oidc_key, test_user, application, iss="")


@pytest.fixture(autouse=True)
def _login_required_middleware(settings, request):
    """DOT's views must work behind Django's LoginRequiredMiddleware."""
    if "nologinrequiredmiddleware" not in request.keywords:
        settings.MIDDLEWARE = [*settings.MIDDLEWARE, "django.contrib.auth.middleware.LoginRequiredMiddleware"]
