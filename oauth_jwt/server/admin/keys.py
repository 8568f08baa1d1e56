"""Signing keys: state and public JWK only (the encrypted private key is never shown);
rotate, retire, and revoke behind a confirmation page."""

from __future__ import annotations

import json

from django.apps import apps
from django.contrib import admin
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ...models import SigningKey
from .. import signing_keys, token_records
from .common import ActionsOnlyMixin, security_event
from .paging import LargeTableMixin

# The confirmation page counts a key's live tokens up to here, then says "more than".
LIVE_COUNT_CAP = 10_000


def live_tokens_signed_by(key: SigningKey):
    """DOT's rows of the unexpired access tokens ``key`` signed (their records name it)."""
    from oauth2_provider.models import get_access_token_model

    return token_records.signed_by(get_access_token_model().objects.filter(expires__gt=timezone.now()), key.pk)


def live_count(key: SigningKey) -> int | None:
    """How many live tokens ``key`` signed, counted through the key index up to
    ``LIVE_COUNT_CAP`` + 1: a key that signed a million must not hold the page."""
    if not apps.is_installed("oauth2_provider"):
        return None
    return live_tokens_signed_by(key).order_by()[: LIVE_COUNT_CAP + 1].count()


# What the list shows of each key, and the detail page before its public JWK.
KEY_COLUMNS = ("kid", "algorithm", "state", "created_at", "activates_at", "retired_at", "publish_until", "revoked_at")


class SigningKeyAdmin(ActionsOnlyMixin, LargeTableMixin, admin.ModelAdmin):
    list_display = KEY_COLUMNS
    list_filter = ("state", "algorithm")
    search_fields = ("=kid",)
    ordering = ("-created_at",)
    actions = ("rotate", "retire", "revoke")
    fields = (*KEY_COLUMNS, "jwk")
    readonly_fields = fields

    class Media:
        css = {"all": ("oauth_jwt/admin.css",)}  # underlined breadcrumb links (axe: link-in-text-block)

    @admin.display(description=_("public JWK"))
    def jwk(self, obj):
        return format_html("<pre>{}</pre>", json.dumps(obj.public_jwk, indent=2))

    @admin.action(
        description=_("Rotate: publish a next key now; it signs once every resource server can have it"),
        permissions=("change",),
    )
    def rotate(self, request, queryset):
        active = queryset.filter(state=SigningKey.State.ACTIVE).first()
        if active is None:
            self.message_user(request, _("Select the active key to rotate it."), level="warning")
            return
        already = signing_keys.staged()
        new = signing_keys.stage(active.algorithm)
        if already is None:
            self.log_addition(request, new, _("Staged by rotation."))
            security_event("key.rotated", request, "signing key staged", kid=new.kid, previous_kid=active.kid)
        self.message_user(
            request,
            _("Next signing key %(kid)s is published; it signs from %(when)s.")
            % {"kid": new.kid, "when": date_format(timezone.localtime(new.activates_at), "DATETIME_FORMAT")},
        )

    @admin.action(
        description=_("Retire: stop signing, stay published until its tokens expire"), permissions=("change",)
    )
    def retire(self, request, queryset):
        retired = 0
        for key in queryset.exclude(state=SigningKey.State.REVOKED):
            if key.state == SigningKey.State.RETIRED:
                continue
            new = signing_keys.retire(key)
            self.log_change(request, key, _("Retired."))
            if new is not None:
                self.log_addition(request, new, _("Created to replace a retired key."))
            security_event("key.retired", request, "signing key retired", kid=key.kid)
            retired += 1
        self.message_user(request, ngettext("Retired %d key.", "Retired %d keys.", retired) % retired)

    @admin.action(description=_("Revoke: remove from the JWK set at once"), permissions=("change",))
    def revoke(self, request, queryset):
        targets = queryset.exclude(state=SigningKey.State.REVOKED)
        if request.POST.get("post") != "yes":
            context = {
                **self.admin_site.each_context(request),
                "title": _("Revoke signing keys?"),
                "opts": self.model._meta,
                "keys": [(key, live_count(key)) for key in targets],
                "cap": LIVE_COUNT_CAP,
                "queryset": queryset,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(request, "admin/oauth_jwt/signingkey/revoke_confirmation.html", context)
        revoked = 0
        for key in targets:
            # The key's state is the revocation: the JWK set drops it, the denylist names
            # its kid, introspection and the admin read its state. Its tokens' rows are
            # left as they are (no per-row work, however many it signed) and purged
            # once expired, like any other.
            new = signing_keys.revoke(key)
            self.log_change(request, key, _("Revoked."))
            if new is not None:
                self.log_addition(request, new, _("Created to replace a revoked key."))
            security_event("key.revoked_by_staff", request, "signing key revoked by staff", kid=key.kid)
            revoked += 1
        self.message_user(request, ngettext("Revoked %d key.", "Revoked %d keys.", revoked) % revoked)
        return None
