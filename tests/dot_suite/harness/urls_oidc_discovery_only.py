"""Only OIDC discovery is routed: every other endpoint is unreversible."""

from django.urls import include, re_path
from oauth2_provider import views

discovery = [
    re_path(
        r"^\.well-known/openid-configuration/?$",
        views.ConnectDiscoveryInfoView.as_view(),
        name="oidc-connect-discovery-info",
    )
]
urlpatterns = [re_path(r"^", include((discovery, "oauth2_provider"), namespace="oauth2_provider"))]
