"""``{% oauth_jwt_dashboard %}``: the hub at a glance, on the admin index."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import template
from django.apps import apps
from django.utils import timezone

from ..models import IssuedToken, SigningKey

register = template.Library()


@register.inclusion_tag("admin/oauth_jwt/dashboard.html", takes_context=True)
def oauth_jwt_dashboard(context) -> dict[str, Any]:
    """Each figure only for staff allowed to view the model behind it."""
    user = context["request"].user
    now = timezone.now()
    data: dict[str, Any] = {"now": now}
    if apps.is_installed("oauth2_provider"):
        from oauth2_provider.models import get_application_model

        Application = get_application_model()
        if user.has_perm(f"{Application._meta.app_label}.view_{Application._meta.model_name}"):
            data["clients"] = Application.objects.count()
    if user.has_perm("oauth_jwt.view_issuedtoken"):
        data["active_tokens"] = IssuedToken.objects.filter(revoked_at__isnull=True, expires_at__gt=now).count()
        data["issued_24h"] = IssuedToken.objects.filter(issued_at__gte=now - timedelta(hours=24)).count()
    if user.has_perm("oauth_jwt.view_signingkey"):
        data["show_key"] = True
        data["signing_key"] = SigningKey.objects.filter(state=SigningKey.State.ACTIVE).first()
    data["any"] = len(data) > 1
    return data
