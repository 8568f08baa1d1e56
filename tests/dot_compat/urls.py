"""The resource classes of ``resources``, in front of the hub."""

from django.urls import include, path

from .resources import resource_patterns

urlpatterns = [*resource_patterns, path("", include("authhub.urls"))]
