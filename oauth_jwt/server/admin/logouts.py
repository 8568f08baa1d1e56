"""Back-channel logouts: each logout token the hub owed a client, whether it arrived,
and why not; failed ones can be sent again. Never the token itself (it is minted for
each attempt and not kept)."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ...models import LogoutDelivery
from .. import logout_delivery
from .common import ActionsOnlyMixin, security_event

PENDING = "pending"
DELIVERED = "delivered"
FAILED = "failed"
STATUSES = ((PENDING, _("pending")), (DELIVERED, _("delivered")), (FAILED, _("failed")))


def status_of(row: LogoutDelivery) -> str:
    if row.delivered_at is not None:
        return DELIVERED
    return FAILED if row.gave_up_at is not None else PENDING


class StatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return STATUSES

    def queryset(self, request, queryset: QuerySet) -> QuerySet:
        if self.value() == DELIVERED:
            return queryset.exclude(delivered_at=None)
        if self.value() == FAILED:
            return queryset.filter(delivered_at=None).exclude(gave_up_at=None)
        if self.value() == PENDING:
            return queryset.filter(delivered_at=None, gave_up_at=None)
        return queryset


class LogoutDeliveryAdmin(ActionsOnlyMixin, admin.ModelAdmin):
    list_display = ("client_id", "reason", "status", "attempts", "created_at", "last_attempt_at", "last_error")
    list_filter = (StatusFilter, "reason", "client_id")
    search_fields = ("client_id", "subject")
    date_hierarchy = "created_at"
    actions = ("send_again",)
    fields = (
        "client_id",
        "uri",
        "subject",
        "sid",
        "reason",
        "status",
        "created_at",
        "attempts",
        "last_attempt_at",
        "last_error",
        "next_attempt_at",
        "delivered_at",
        "gave_up_at",
    )
    readonly_fields = fields

    class Media:
        css = {"all": ("oauth_jwt/admin.css",)}  # underlined breadcrumb links (axe: link-in-text-block)

    @admin.display(description=_("status"))
    def status(self, obj: LogoutDelivery) -> str:
        return dict(STATUSES)[status_of(obj)]

    @admin.action(description=_("Send the selected logout tokens again now"), permissions=("change",))
    def send_again(self, request, queryset):
        ids = list(queryset.filter(delivered_at=None).values_list("pk", flat=True))
        LogoutDelivery.objects.filter(pk__in=ids).update(
            attempts=0, gave_up_at=None, next_attempt_at=timezone.now(), claimed_until=None
        )
        summary = logout_delivery.send(ids)
        security_event("backchannel.resent", request, "back-channel logouts sent again", count=len(ids))
        self.message_user(
            request,
            ngettext(
                "%(delivered)d of %(count)d logout token delivered.",
                "%(delivered)d of %(count)d logout tokens delivered.",
                len(ids),
            )
            % {"delivered": summary.delivered, "count": len(ids)},
            level="success" if summary.failed == 0 else "warning",
        )
