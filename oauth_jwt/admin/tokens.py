"""Access tokens, as the hub issued them (``IssuedToken``): every JWT with its status,
including revoked ones, which DOT's own table forgets. Never the token itself."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import CharField, OuterRef, Subquery
from django.db.models.functions import Cast
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ..conf import jwt_settings
from ..models import IssuedToken, SigningKey
from . import inspector
from .common import (
    ACTIVE,
    EXPIRED,
    REVOKED,
    STATUS_CHOICES,
    ActionsOnlyMixin,
    revoke_issued_token,
    security_event,
    token_status,
)


def rebuilt_header(record: IssuedToken) -> dict[str, Any]:
    algorithm = SigningKey.objects.filter(kid=record.kid).values_list("algorithm", flat=True).first()
    return {"alg": algorithm or "?", "kid": record.kid, "typ": "at+jwt"}


def rebuilt_claims(record: IssuedToken) -> dict[str, Any]:
    """The RFC 9068 claims the token carried, from its issuance record."""
    claims: dict[str, Any] = {
        "iss": jwt_settings.ISSUER,
        "sub": record.subject,
        "aud": record.audience[0] if len(record.audience) == 1 else record.audience,
        "client_id": record.client_id,
        "iat": _epoch(record.issued_at),
        "exp": _epoch(record.expires_at),
        "jti": record.jti,
        "scope": record.scope,
    }
    if record.auth_time is not None:
        claims["auth_time"] = _epoch(record.auth_time)
    return claims


def _epoch(when: datetime) -> int:
    return int(when.timestamp())


class StatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return STATUS_CHOICES

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == ACTIVE:
            return queryset.filter(revoked_at__isnull=True, expires_at__gt=now)
        if self.value() == EXPIRED:
            return queryset.filter(revoked_at__isnull=True, expires_at__lte=now)
        if self.value() == REVOKED:
            return queryset.filter(revoked_at__isnull=False)
        return queryset


def _users_by_subject():
    User = get_user_model()
    return User._default_manager.annotate(subject=Cast("pk", CharField()))


class UserFilter(admin.SimpleListFilter):
    title = _("user")
    parameter_name = "user"

    def lookups(self, request, model_admin):
        User = get_user_model()
        subjects = IssuedToken.objects.values_list("subject", flat=True).distinct()
        users = _users_by_subject().filter(subject__in=subjects).order_by(User.USERNAME_FIELD)
        return [(user.subject, user.get_username()) for user in users]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(subject=self.value()).exclude(client_id=self.value())
        return queryset


class IssuedTokenAdmin(ActionsOnlyMixin, admin.ModelAdmin):
    list_display = ("jti", "subject_display", "client_id", "scope", "issued_at", "expires_at", "status")
    list_filter = (StatusFilter, "client_id", UserFilter)
    search_fields = ("=jti", "client_id", "=subject")
    date_hierarchy = "issued_at"
    ordering = ("-issued_at",)
    actions = ("revoke",)
    fields = (
        "jti",
        "status",
        "subject_display",
        "client_id",
        "scope",
        "audience",
        "issued_at",
        "expires_at",
        "auth_time",
        "revoked_at",
        "kid",
        "decoded_header",
        "decoded_claims",
    )
    readonly_fields = fields
    change_list_template = "admin/oauth_jwt/issuedtoken/change_list.html"

    def get_queryset(self, request):
        username = _users_by_subject().filter(subject=OuterRef("subject")).values(get_user_model().USERNAME_FIELD)
        return super().get_queryset(request).annotate(_username=Subquery(username[:1]))

    def get_urls(self):
        view = self.admin_site.admin_view(inspector.InspectorView.as_view(model_admin=self))
        return [path("inspect/", view, name="oauth_jwt_issuedtoken_inspect"), *super().get_urls()]

    @admin.display(description=_("subject"), ordering="subject")
    def subject_display(self, obj) -> str:
        if obj.subject == obj.client_id:
            return _("client %(client_id)s") % {"client_id": obj.client_id}
        return getattr(obj, "_username", None) or obj.subject

    @admin.display(description=_("status"))
    def status(self, obj) -> str:
        return token_status(obj)

    @admin.display(description=_("decoded header"))
    def decoded_header(self, obj):
        return format_html("<pre>{}</pre>", json.dumps(rebuilt_header(obj), indent=2))

    @admin.display(description=_("decoded claims"))
    def decoded_claims(self, obj):
        return format_html(
            '<pre>{}</pre><div class="help">{}</div>',
            json.dumps(rebuilt_claims(obj), indent=2),
            _("Rebuilt from the issuance record: the hub never keeps the token itself."),
        )

    @admin.action(description=_("Revoke selected access tokens"), permissions=("change",))
    def revoke(self, request, queryset):
        revoked = 0
        for record in queryset.filter(revoked_at__isnull=True):
            if revoke_issued_token(record):
                revoked += 1
                self.log_change(request, record, _("Revoked."))
                security_event("token.revoked_by_staff", request, "access token revoked by staff", jti=record.jti)
        self.message_user(request, ngettext("Revoked %d access token.", "Revoked %d access tokens.", revoked) % revoked)
