from django.urls import include, path

from . import views

urlpatterns = [
    path("drf/claims", views.ClaimsView.as_view()),
    path("drf/write", views.WriteView.as_view()),
    path("plain/claims", views.plain_claims),
    path("plain/write", views.plain_write),
    path("", include("oauth_jwt.resource.urls")),
]
