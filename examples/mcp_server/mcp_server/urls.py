from django.urls import include, path

from . import endpoint

urlpatterns = [
    path("mcp", endpoint.mcp),
    # RFC 9728: /.well-known/oauth-protected-resource/mcp, named in every 401's challenge.
    path("", include("oauth_jwt.resource.urls")),
]
