"""Vetting clients in the admin: the actions that mark them vetted or not, and the list
filter that finds the ones that registered themselves (RFC 7591 or a client ID metadata
document; ``server.registration``). Removing one is the admin's own delete."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ...models import ClientProfile
from .common import security_event


def _set_vetted(modeladmin, request, queryset, vetted: bool) -> None:
    for client in queryset:
        ClientProfile.objects.update_or_create(client_id=client.client_id, defaults={"vetted": vetted})
        modeladmin.log_change(request, client, _("Vetted.") if vetted else _("Marked not vetted."))
        security_event(
            "client.vetted" if vetted else "client.unvetted",
            request,
            "client vetted" if vetted else "client marked not vetted",
            client_id=client.client_id,
        )
    count = queryset.count()
    message = (
        ngettext("%d client vetted.", "%d clients vetted.", count)
        if vetted
        else ngettext("%d client marked not vetted.", "%d clients marked not vetted.", count)
    )
    modeladmin.message_user(request, message % count)


@admin.action(description=_("Vet selected clients"), permissions=("change",))
def vet(modeladmin, request, queryset) -> None:
    _set_vetted(modeladmin, request, queryset, True)


@admin.action(description=_("Mark selected clients not vetted"), permissions=("change",))
def unvet(modeladmin, request, queryset) -> None:
    _set_vetted(modeladmin, request, queryset, False)


class VettedFilter(admin.SimpleListFilter):
    title = _("vetted")
    parameter_name = "vetted"

    def lookups(self, request, model_admin):
        return (("yes", _("Yes")), ("no", _("No")))

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(_vetted=True)
        if self.value() == "no":
            return queryset.filter(_vetted=False)
        return queryset
