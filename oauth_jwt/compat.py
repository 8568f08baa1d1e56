"""Shims for the oldest Django oauth_jwt supports, all in one place.

Each shim names the Django release it can go with: when that release leaves the support
matrix (docs/support.md), delete the shim and use the plain Django class.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import django
from django import forms
from django.http import HttpRequest, HttpResponseBase

if TYPE_CHECKING:
    from django.contrib import admin
    from django.db.models import QuerySet

View = TypeVar("View", bound=Callable[..., Any])


def log_deletions(model_admin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
    """``model_admin.log_deletions(request, queryset)``: the admin history's entries.

    Goes with Django 4.2: 5.1 added ``log_deletions``; 4.2 logs one object at a time.
    """
    if django.VERSION >= (5, 1):
        model_admin.log_deletions(request, queryset)
    else:
        for obj in queryset:
            model_admin.log_deletion(request, obj, str(obj))


if django.VERSION >= (5, 1):
    from django.contrib.auth.decorators import login_not_required
else:

    def login_not_required(view_func: View) -> View:
        """Marks a view open to everyone under ``LoginRequiredMiddleware``, as Django's does.

        Goes with Django 4.2: 5.1 added the decorator and the middleware.
        """
        view_func.login_required = False
        return view_func


class PostOnlyLogout:
    """A ``LogoutView`` mixin that refuses ``GET`` with 405 before Django sees it.

    Goes with Django 4.2: its ``LogoutView`` still signs out on ``GET`` (warning
    ``RemovedInDjango50Warning`` before it even checks the method); from 5.0 ``GET`` is
    not among its methods. Put it first in the bases.
    """

    if django.VERSION < (5, 0):
        http_method_names = ["post", "options"]

        def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if request.method.lower() not in self.http_method_names:
                return self.http_method_not_allowed(request, *args, **kwargs)
            return super().dispatch(request, *args, **kwargs)


class HttpsURLField(forms.URLField):
    """A form ``URLField`` that reads an address typed without a scheme as ``https://``.

    Goes with Django 4.2: 5.0 added ``assume_scheme``; 4.2 always assumed ``http``.
    """

    def __init__(self, **kwargs: Any) -> None:
        if django.VERSION >= (5, 0):
            kwargs["assume_scheme"] = "https"
        super().__init__(**kwargs)

    if django.VERSION < (5, 0):

        def to_python(self, value: Any) -> str:
            url = super().to_python(value)
            typed = str(value).strip().lower()
            if url.startswith("http://") and not typed.startswith("http://"):
                return "https://" + url.removeprefix("http://")
            return url
