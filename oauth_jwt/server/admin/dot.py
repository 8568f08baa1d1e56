"""DOT's token admins, subclassed: "no add" stays; access tokens show as JWTs;
revocation is complete (refresh-token families) and logged; grants and ID tokens are
read-only."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from oauth2_provider import admin as dot_admin
from oauth2_provider.models import get_access_token_model, get_application_model

from ...models import DPoPBinding
from .. import token_records
from ..dpop import bound_key
from .common import ACTIVE, EXPIRED, REVOKED, STATUS_CHOICES, ActionsOnlyMixin, ReadOnlyMixin, security_event
from .inspector import InspectorView
from .paging import ChosenOnlyRelatedFilter, LargeTableMixin
from .tokens import DETAIL_FIELDS, Facts, JWTDetailMixin, LiveStatusFilter, revoke, subject_label


class AccessTokenAdmin(JWTDetailMixin, ActionsOnlyMixin, LargeTableMixin, dot_admin.AccessTokenAdmin):
    """The "Access tokens" list: DOT's rows, live and expired, shown as the JWTs they
    stand for (``tokens``); revoked ones are listed over ``RevokedToken``.

    Built for ten million rows: newest first by primary key (DOT's table has no index
    on ``created``, so neither that nor any other column is offered as a sort), filters
    that list only what was chosen, and a search that reads indexes only."""

    list_display = ("jti", "subject", "client", "scope", "created", "expires", "status")
    list_filter = (LiveStatusFilter, ("application", ChosenOnlyRelatedFilter), ("user", ChosenOnlyRelatedFilter))
    ordering = ("-pk",)
    sortable_by = ()
    fields = (
        "jti",
        "status",
        "subject",
        "client",
        "scope",
        "resource",
        "created",
        "expires",
        "auth_time",
        "dpop_binding",
        "kid",
        *DETAIL_FIELDS,
    )
    readonly_fields = fields
    change_list_template = "admin/oauth_jwt/accesstoken/change_list.html"

    def facts(self, obj) -> Facts:
        return Facts.of_access_token(obj)

    @admin.display(description=_("DPoP binding"))
    def dpop_binding(self, obj) -> str:
        """RFC 9449 §6.1 ``cnf.jkt``, as ``server.dpop`` recorded it at issuance."""
        jkt = bound_key(DPoPBinding.ACCESS_TOKEN, obj.token_checksum)
        return _("bound to DPoP key %(jkt)s") % {"jkt": jkt} if jkt else _("none: a bearer token")

    def get_urls(self):
        view = self.admin_site.admin_view(InspectorView.as_view(model_admin=self))
        return [path("inspect/", view, name="oauth_jwt_token_inspect"), *super().get_urls()]

    def get_search_results(self, request, queryset, search_term):
        """A JWT id, a client id or a username, each exactly, each through an index: the
        client and the person are looked up first, so the token table is read by its
        ``jti``, client and user indexes (DOT's ``icontains`` over joined tables read
        all of it)."""
        term = search_term.strip()
        if not term:
            return queryset, False
        if " " in term:
            return queryset.none(), False
        clients = list(get_application_model().objects.filter(client_id=term).values_list("pk", flat=True))
        User = get_user_model()
        people = list(User._default_manager.filter(**{User.USERNAME_FIELD: term}).values_list("pk", flat=True))
        found = token_records.jti_is(term) | Q(application_id__in=clients) | Q(user_id__in=people)
        return token_records.with_jti_alias(queryset).filter(found), False

    @admin.display(description=_("JWT id"))
    def jti(self, obj) -> str:
        record = token_records.of(obj)
        return record.jti if record else ""

    @admin.display(description=_("subject"), ordering="user")
    def subject(self, obj) -> str:
        if obj.user_id:
            return obj.user.get_username()
        return subject_label(None, self.client(obj), self.client(obj))

    @admin.display(description=_("client"), ordering="application__client_id")
    def client(self, obj) -> str:
        return obj.application.client_id if obj.application_id else ""

    def get_queryset(self, request):
        return token_records.with_key_revoked(super().get_queryset(request))

    @admin.display(description=_("status"))
    def status(self, obj) -> str:
        if obj.expires <= timezone.now():
            return EXPIRED
        return REVOKED if getattr(obj, "_key_revoked", False) else ACTIVE

    @admin.action(description=_("Revoke selected access tokens"), permissions=("change",))
    def revoke_tokens(self, request, queryset):
        revoked = 0
        for row in queryset.filter(expires__gt=timezone.now()):
            record = revoke(row)
            self.log_change(request, record or row, _("Revoked."))
            security_event(
                "token.revoked_by_staff", request, "access token revoked by staff", jti=record.jti if record else None
            )
            revoked += 1
        self.message_user(request, ngettext("Revoked %d access token.", "Revoked %d access tokens.", revoked) % revoked)


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


class RefreshTokenAdmin(LargeTableMixin, dot_admin.RefreshTokenAdmin):
    list_display = ("pk", "masked_token", "user", "application", "token_family", "status", "created", "revoked")
    list_filter = (RefreshStatusFilter, ("application", ChosenOnlyRelatedFilter))
    ordering = ("-pk",)
    sortable_by = ("pk",)
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


class GrantAdmin(ReadOnlyMixin, LargeTableMixin, dot_admin.GrantAdmin):
    list_display = ("pk", "masked_code", "application", "user", "expires", "status")

    @admin.display(description=_("status"))
    def status(self, obj) -> str:
        return EXPIRED if obj.expires <= timezone.now() else ACTIVE


class IDTokenAdmin(ReadOnlyMixin, LargeTableMixin, dot_admin.IDTokenAdmin):
    list_filter = (("application", ChosenOnlyRelatedFilter),)
