"""Mount at the site root of a resource server: ``path("", include("oauth_jwt.resource.urls"))``.

Publishes its RFC 9728 metadata at ``/.well-known/oauth-protected-resource`` and, for a
resource identifier with a path (``https://api.example.com/reports/``), at
``/.well-known/oauth-protected-resource/reports/`` (RFC 9728 §3.1).
"""

from django.urls import re_path

from .views import protected_resource_metadata

app_name = "oauth_jwt_resource"

urlpatterns = [
    re_path(
        r"^\.well-known/oauth-protected-resource(?P<suffix>/.*)?$",
        protected_resource_metadata,
        name="protected-resource-metadata",
    ),
]
