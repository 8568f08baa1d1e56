"""Only DOT's well-known metadata routes."""

from django.urls import include, path
from oauth2_provider import urls as dot_urls

urlpatterns = [path("", include((dot_urls.metadata_urlpatterns, "oauth2_provider"), namespace="oauth2_provider"))]
