"""DOT's token admins, subclassed: masking and "no add" stay; revocation is complete
(refresh-token families) and logged; grants and ID tokens are read-only."""

from __future__ import annotations

from django.contrib import admin
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from oauth2_provider import admin as dot_admin
from oauth2_provider.models import get_access_token_model

from ..models import IssuedToken
from .common import ACTIVE, EXPIRED, REVOKED, STATUS_CHOICES, security_event


class ReadOnlyMixin:
    """Rows the OAuth flows create and nobody edits."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AccessTokenAdmin(dot_admin.AccessTokenAdmin):
    """DOT's live rows. Revoked tokens leave this table; the "Access tokens" list over
    ``IssuedToken`` keeps them, with their status."""

    list_display = ("pk", "jti", "masked_token", "user", "application", "expires")

    def get_queryset(self, request):
        jti = IssuedToken.objects.filter(token_checksum=OuterRef("token_checksum")).values("jti")[:1]
        return super().get_queryset(request).annotate(_jti=Subquery(jti))

    @admin.display(description=_("JWT id"))
    def jti(self, obj) -> str:
        return obj._jti or ""

    @admin.action(description=_("Revoke selected access tokens"), permissions=("change",))
    def revoke_tokens(self, request, queryset):
        for row in queryset:
            self.log_change(request, row, _("Revoked."))
        super().revoke_tokens(request, queryset)


class RefreshStatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [(value, label) for value, label in STATUS_CHOICES if value != EXPIRED]

    def queryset(self, request, queryset):
        if self.value() == ACTIVE:
            return queryset.filter(revoked__isnull=True)
        if self.value() == REVOKED:
            return queryset.filter(revoked__isnull=False)
        return queryset


class RefreshTokenAdmin(dot_admin.RefreshTokenAdmin):
    list_display = ("pk", "masked_token", "user", "application", "token_family", "status", "created", "revoked")
    list_filter = (RefreshStatusFilter, "application")
    readonly_fields = ("token_family", "revoked", "access_token")

    def has_change_permission(self, request, obj=None):
        # Viewing is enough to see a token; changing one is only revoking it (the action).
        return super().has_change_permission(request, obj) and obj is None

    @admin.display(description=_("status"))
    def status(self, obj) -> str:
        return REVOKED if obj.revoked else ACTIVE

    @admin.action(
        description=_("Revoke selected refresh tokens, their families and access tokens"), permissions=("change",)
    )
    def revoke_tokens(self, request, queryset):
        model = queryset.model
        families = set()
        with transaction.atomic():
            for refresh_token in queryset:
                if refresh_token.token_family:
                    families.add(refresh_token.token_family)
                else:
                    refresh_token.revoke()
                self.log_change(request, refresh_token, _("Revoked with its family."))
                security_event(
                    "refresh_token.revoked",
                    request,
                    "refresh token family revoked",
                    refresh_token=refresh_token.pk,
                    client_id=refresh_token.application.client_id,
                )
            for family in families:
                # Tokens minted from any member, not only the one each member points to.
                issued = get_access_token_model().objects.filter(source_refresh_token__token_family=family)
                model.revoke_family(family)
                issued.delete()
        count = queryset.count()
        self.message_user(
            request,
            ngettext("Revoked %d refresh token and its family.", "Revoked %d refresh tokens and their families.", count)
            % count,
        )


class GrantAdmin(ReadOnlyMixin, dot_admin.GrantAdmin):
    list_display = ("pk", "masked_code", "application", "user", "expires", "status")

    @admin.display(description=_("status"))
    def status(self, obj) -> str:
        return EXPIRED if obj.expires <= timezone.now() else ACTIVE


class IDTokenAdmin(ReadOnlyMixin, dot_admin.IDTokenAdmin):
    pass
