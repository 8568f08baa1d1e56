"""DOT under ``o/`` and its well-known metadata routes at the root as well (the
deployment docs/oauth2_server_metadata.rst describes)."""

from django.urls import include, path
from oauth2_provider import urls as dot_urls

urlpatterns = [
    path("", include((dot_urls.metadata_urlpatterns, "oauth2_provider"), namespace="root_metadata")),
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
]
