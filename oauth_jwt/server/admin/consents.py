"""Consents: who let which client use which scopes, and when; revoking one forgets it
and revokes that person's tokens for that client."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ...compat import log_deletions
from ...models import Consent
from ..consents import disconnect
from .common import security_event
from .paging import ChosenOnlyValueFilter, LargeTableMixin


class ConsentAdmin(LargeTableMixin, admin.ModelAdmin):
    list_display = ("user", "client_id", "scope_list", "created_at", "updated_at", "last_used_at")
    list_filter = (("client_id", ChosenOnlyValueFilter),)
    search_fields = (f"user__{get_user_model().USERNAME_FIELD}", "client_id")
    list_select_related = ("user",)
    date_hierarchy = "created_at"
    actions = ("revoke",)

    class Media:
        css = {"all": ("oauth_jwt/admin.css",)}  # underlined breadcrumb links (axe: link-in-text-block)

    fields = ("user", "client_id", "scopes", "created_at", "updated_at", "last_used_at")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_actions(self, request, action_location=None):
        # Django 6.1 passes action_location (and deprecates overrides without it); up to
        # 6.0 there is none to pass on.
        where = {} if action_location is None else {"action_location": action_location}
        actions = super().get_actions(request, **where)
        # A plain delete would leave the tokens behind; "revoke" takes them along.
        actions.pop("delete_selected", None)
        return actions

    @admin.display(description=_("scopes"))
    def scope_list(self, obj) -> str:
        return " ".join(obj.scopes)

    def delete_model(self, request, obj) -> None:
        self._revoke(request, obj)

    @admin.action(description=_("Revoke selected consents and the tokens they allowed"), permissions=("delete",))
    def revoke(self, request, queryset):
        consents = list(queryset.select_related("user"))
        log_deletions(self, request, queryset)
        for consent in consents:
            self._revoke(request, consent)
        count = len(consents)
        self.message_user(request, ngettext("Revoked %d consent.", "Revoked %d consents.", count) % count)

    def _revoke(self, request, consent: Consent) -> None:
        disconnect(consent.user, consent.client_id)
        security_event(
            "consent.revoked",
            request,
            "consent revoked by staff",
            subject=str(consent.user_id),
            client_id=consent.client_id,
        )
