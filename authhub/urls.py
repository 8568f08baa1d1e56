from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from .api import MeView

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="oauth_jwt:connected-apps", permanent=False)),
    path("admin/", admin.site.urls),
    path("api/me", MeView.as_view(), name="api-me"),
    path("", include("oauth_jwt.server.urls")),
    # The RFC 9728 metadata of the API at /api/ (OAUTH_JWT["AUDIENCE"]).
    path("", include("oauth_jwt.resource.urls")),
]
