"""``{% oauth_jwt_dashboard %}``: the hub at a glance, on the admin index."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import template
from django.apps import apps
from django.utils import timezone

from ..conf import jwt_settings
from ..models import RevokedToken, SigningKey
from ..server import token_records
from ..server.counting import Estimated, estimated_count

register = template.Library()


@register.inclusion_tag("admin/oauth_jwt/dashboard.html", takes_context=True)
def oauth_jwt_dashboard(context) -> dict[str, Any]:
    """Each figure only for staff allowed to view the model behind it."""
    user = context["request"].user
    now = timezone.now()
    data: dict[str, Any] = {"now": now}
    if apps.is_installed("oauth2_provider"):
        data.update(_oauth_figures(user, now))
    if user.has_perm("oauth_jwt.view_signingkey"):
        data["show_key"] = True
        data["signing_key"] = SigningKey.objects.filter(state=SigningKey.State.ACTIVE).first()
    data["any"] = len(data) > 1
    return data


def _oauth_figures(user, now) -> dict[str, Any]:
    """Clients, and tokens: DOT's rows are the live and expired ones, a revoked token
    left its row for a ``RevokedToken``. Counted as the changelists count: PostgreSQL's
    estimate for a large figure (shown as "about"), no table read whole."""
    from oauth2_provider.models import get_access_token_model, get_application_model

    data: dict[str, Any] = {}
    Application, AccessToken = get_application_model(), get_access_token_model()
    if user.has_perm(_view(Application)):
        data["clients"] = estimated_count(Application.objects.all())
    if user.has_perm(_view(AccessToken)):
        day_ago = now - timedelta(hours=24)
        live = token_records.not_signed_by(AccessToken.objects.filter(expires__gt=now), token_records.revoked_keys())
        data["active_tokens"] = estimated_count(live)
        issued = estimated_count(AccessToken.objects.filter(created__gte=day_ago))
        revoked = estimated_count(RevokedToken.objects.filter(issued_at__gte=day_ago))
        data["issued_24h"] = issued + revoked
        if isinstance(issued, Estimated) or isinstance(revoked, Estimated):
            data["issued_24h"] = Estimated(data["issued_24h"])
        if jwt_settings.OPAQUE_TOKEN_FALLBACK:  # off: opaque tokens are refused, none to count
            from ..server.opaque import live_count

            data["opaque_tokens"] = live_count()
    if user.has_perm("oauth_jwt.view_logoutdelivery"):
        from ..models import LogoutDelivery

        data["failed_logouts"] = estimated_count(
            LogoutDelivery.objects.filter(delivered_at=None).exclude(gave_up_at=None)
        )
    return data


def _view(model) -> str:
    return f"{model._meta.app_label}.view_{model._meta.model_name}"
