"""Mount at the site root: ``path("", include("oauth_jwt.server.urls"))``.

Publishes ``/.well-known/*`` at the origin (RFC 8414 §3) and DOT's endpoints under
``/o/``, all in DOT's ``oauth2_provider`` namespace so DOT's own ``reverse()`` calls
and metadata keep working; oauth_jwt's views come first and win over DOT's.
"""

from django.urls import include, path, re_path
from oauth2_provider import urls as dot_urls

from .params import GRANT_PARAMETERS, strict_params
from .throttle import throttle_client_auth
from .views import (
    accounts,
    authorize,
    branding,
    clientauth,
    connected,
    device,
    discovery,
    introspection,
    logout,
    registration,
    userinfo,
)

DEVICE_PAGES = {"device-confirm", "device-grant-status"}

wellknown = [
    path(
        ".well-known/oauth-authorization-server",
        discovery.ServerMetadataView.as_view(),
        name="oauth-server-metadata",
    ),
    re_path(
        r"^\.well-known/openid-configuration/?$",
        discovery.OIDCDiscoveryView.as_view(),
        name="oidc-connect-discovery-info",
    ),
    path(".well-known/jwks.json", discovery.JWKSView.as_view(), name="jwks-info"),
]

endpoints = [
    path("authorize/", authorize.ConsentView.as_view(), name="authorize"),
    path("token/", strict_params(clientauth.TokenView.as_view(), GRANT_PARAMETERS), name="token"),
    path("revoke_token/", strict_params(clientauth.RevokeTokenView.as_view()), name="revoke-token"),
    path(
        "introspect/",
        strict_params(throttle_client_auth(introspection.IntrospectionView.as_view())),
        name="introspect",
    ),
    path(
        "device-authorization/",
        strict_params(device.DeviceAuthorizationView.as_view(), GRANT_PARAMETERS),
        name="device-authorization",
    ),
    path("device/", device.DeviceUserCodeView.as_view(), name="device"),
    path("device/confirm/", device.DeviceConfirmView.as_view(), name="device-confirm"),
    path("device/done/", device.DeviceDoneView.as_view(), name="device-grant-status"),
    # DOT's device pages carry the user code in their path (access logs): not mounted.
    *[pattern for pattern in dot_urls.base_urlpatterns if pattern.name not in DEVICE_PAGES],
    path("userinfo/", userinfo.UserInfoView.as_view(), name="user-info"),
    path("logout/", logout.RPInitiatedLogoutView.as_view(), name="rp-initiated-logout"),
    # RFC 7591/7592, under DOT's names; 404 while OAUTH_JWT['REGISTRATION'] is "off".
    path("register/", registration.RegisterView.as_view(), name="dcr-register"),
    path(
        "register/<str:client_id>/",
        registration.ClientConfigurationView.as_view(),
        name="dcr-register-management",
    ),
]

provider_patterns = [*wellknown, path("o/", include(endpoints))]

pages = [
    path("accounts/login/", accounts.LoginView.as_view(), name="login"),
    path("accounts/logout/", accounts.LogoutView.as_view(), name="logout"),
    path("accounts/apps/", connected.ConnectedAppsView.as_view(), name="connected-apps"),
    path("accounts/apps/disconnect/", connected.DisconnectView.as_view(), name="disconnect"),
    path("accounts/branding.css", branding.branding_css, name="branding-css"),
]

urlpatterns = [
    path("", include((provider_patterns, "oauth2_provider"))),
    path("", include((pages, "oauth_jwt"))),
]
