"""Connected apps: the clients a person allowed, and disconnecting one.

"Last used" is derived from DOT's token rows (the newest token issued to this person
for that client), so nothing new has to be recorded on each token request.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Max
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView
from oauth2_provider.models import get_access_token_model, get_application_model, get_refresh_token_model
from oauth2_provider.scopes import get_scopes_backend

from ...models import ClientProfile, Consent
from .. import consents
from ..pagesecurity import secure_page


@dataclass(frozen=True)
class ConnectedApp:
    client_id: str
    name: str
    profile: ClientProfile | None
    scopes: list[tuple[str, str]]
    allowed_at: datetime
    last_used_at: datetime | None


def _last_used(user, client_ids: list[str]) -> dict[str, datetime]:
    """When each client last got a token for ``user``: the newest access token (DOT's
    live rows) or refresh token (kept, revoked or not, for reuse detection)."""
    last: dict[str, datetime] = {}
    for model in (get_access_token_model(), get_refresh_token_model()):
        rows = (
            model.objects.filter(user=user, application__client_id__in=client_ids)
            .values("application__client_id")
            .annotate(last=Max("created"))
            .values_list("application__client_id", "last")
        )
        for client_id, when in rows:
            if client_id not in last or when > last[client_id]:
                last[client_id] = when
    return last


def connected_apps(user) -> list[ConnectedApp]:
    rows = list(Consent.objects.filter(user=user).order_by("-created_at"))
    client_ids = [row.client_id for row in rows]
    names = dict(get_application_model().objects.filter(client_id__in=client_ids).values_list("client_id", "name"))
    profiles = {p.client_id: p for p in ClientProfile.objects.filter(client_id__in=client_ids)}
    last_used = _last_used(user, client_ids)
    descriptions = get_scopes_backend().get_all_scopes()
    return [
        ConnectedApp(
            client_id=row.client_id,
            name=names.get(row.client_id) or row.client_id,
            profile=profiles.get(row.client_id),
            scopes=[(scope, descriptions.get(scope, scope)) for scope in row.scopes],
            allowed_at=row.created_at,
            last_used_at=last_used.get(row.client_id),
        )
        for row in rows
    ]


@method_decorator(secure_page, name="dispatch")
class ConnectedAppsView(LoginRequiredMixin, TemplateView):
    template_name = "oauth_jwt/connected_apps.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "apps": connected_apps(self.request.user)}


@method_decorator(secure_page, name="dispatch")
class DisconnectView(LoginRequiredMixin, View):
    """POST ``client_id``: forget the consent and revoke that client's tokens at once."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        client_id = request.POST.get("client_id", "")
        if consents.disconnect(request.user, client_id):
            messages.success(request, _("Disconnected. The app can no longer use your account."))
        response = HttpResponseRedirect(reverse("oauth_jwt:connected-apps"))
        response.status_code = 303
        return response
