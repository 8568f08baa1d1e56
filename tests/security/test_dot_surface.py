"""DOT's surface as the hub mounts it (issue 11): every DOT view a request can reach is
one that was reviewed for a hub (docs/security.md), and the views a hub must not expose
(DOT's application management and authorized-token pages, dynamic registration, another
resource's metadata) are not reachable at all."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

# DOT's own views a request can reach, each reviewed (docs/security.md, "DOT's surface").
REVIEWED = {
    "DeviceAuthorizationView",  # wrapped by oauth_jwt.params.strict_params
}
# DOT views a hub must not expose: staff manage clients in the admin, people their
# connected apps on oauth_jwt's page; nobody registers a client by HTTP.
NEVER = {
    "ApplicationList",
    "ApplicationRegistration",
    "ApplicationDetail",
    "ApplicationDelete",
    "ApplicationUpdate",
    "AuthorizedTokensListView",
    "AuthorizedTokenDeleteView",
    "ClientRegistrationView",
    "ClientConfigurationView",
    "OAuthProtectedResourceMetadataView",
    # DOT's device pages carry the user code in their path (access logs); the hub's own
    # pages replace them.
    "DeviceConfirmView",
    "DeviceGrantStatusView",
}


def reachable_views() -> dict[str, type]:
    """The view of each route a request can reach: the first one Django tries."""
    found: dict[str, type] = {}

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and route not in found:
                callback = pattern.callback
                found[route] = getattr(callback, "view_class", callback)

    walk(get_resolver().url_patterns, "")
    return found


def test_only_reviewed_dot_views_are_reachable():
    dot = {view.__name__ for view in reachable_views().values() if view.__module__.startswith("oauth2_provider")}
    assert dot <= REVIEWED, dot - REVIEWED
    assert not dot & NEVER


@pytest.mark.parametrize(
    "path",
    [
        "/o/applications/",
        "/o/applications/register/",
        "/o/authorized_tokens/",
        "/o/register/",
        # DOT's protected-resource metadata (NEVER above) describes no API of the hub's;
        # oauth_jwt's (tests/test_protected_resource_metadata.py) serves only AUDIENCE.
        "/.well-known/oauth-protected-resource/o/",
    ],
)
def test_what_a_hub_must_not_expose_is_not_there(client, admin_user, path):
    client.force_login(admin_user)
    assert client.get(path).status_code == 404


def test_rp_initiated_logout_is_oauth_jwts_and_advertised(client, user):
    assert reachable_views()["o/logout/"].__module__ == "oauth_jwt.server.views.logout"
    client.force_login(user)
    assert client.get("/o/logout/").status_code == 200
    discovery = client.get("/.well-known/openid-configuration").json()
    assert discovery["end_session_endpoint"] == "http://127.0.0.1:8000/o/logout/"


def test_rp_initiated_logout_switched_off_is_gone_and_not_advertised(client, user, provider):
    provider(OIDC_RP_INITIATED_LOGOUT_ENABLED=False)
    client.force_login(user)
    assert client.get("/o/logout/").status_code == 404
    assert "end_session_endpoint" not in client.get("/.well-known/openid-configuration").json()
