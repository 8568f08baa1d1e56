from django.urls import include, path

from .views import bare

urlpatterns = [
    path("bench/bare", bare),
    path("", include("authhub.urls")),
]
