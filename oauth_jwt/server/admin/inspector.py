"""The token inspector: staff paste a JWT and see, check by check, whether the hub would
accept it and why not; they can revoke it. Nothing pasted is logged or stored: the
token travels only in POST bodies (never a URL), the page is ``no-store``, and Django's
error reports mask it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from datetime import timezone as dt_timezone
from typing import Any

import jwt
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.debug import sensitive_post_parameters
from oauth2_provider.models import get_access_token_model

from ...checksums import token_checksum
from ...conf import jwt_settings
from ...exceptions import InvalidToken
from ...models import RevokedToken, SigningKey
from ...resource import dpop
from ...resource.verify import parse_header, verify_access_token
from .. import denylist_writer, signing_keys, token_records
from .common import ACTIVE, EXPIRED, REVOKED, STATUS_CHOICES, no_store, security_event
from .tokens import revoke

UNKNOWN = "unknown"


class InspectForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("Access token (JWT)"),
        strip=True,
        widget=forms.Textarea(attrs={"rows": 6, "cols": 100, "autocomplete": "off", "spellcheck": "false"}),
    )


@dataclass
class Check:
    label: str
    ok: bool | None
    detail: str


def _when(value: Any) -> str:
    if not isinstance(value, int | float):
        return _("missing or not a number")
    return datetime.fromtimestamp(value, tz=dt_timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


def _on_record(token: str) -> tuple[str, str]:
    """``(status, client id)`` from the hub's records: DOT's row while the token lives,
    a ``RevokedToken`` once revoked, neither for a token the hub does not know."""
    checksum = token_checksum(token)
    row = get_access_token_model().objects.filter(token_checksum=checksum).select_related("application").first()
    if row is not None:
        client_id = row.application.client_id if row.application_id else ""
        if row.expires <= timezone.now():
            return EXPIRED, client_id
        record = token_records.of(row)
        revoked_key = record is not None and record.key_pk in token_records.revoked_keys()
        return (REVOKED if revoked_key else ACTIVE), client_id
    revoked = RevokedToken.objects.filter(token_checksum=checksum).values_list("client_id", flat=True).first()
    return (REVOKED, revoked) if revoked is not None else (UNKNOWN, "")


def _datetime(seconds: int | None) -> datetime | None:
    return None if seconds is None else datetime.fromtimestamp(seconds, tz=dt_timezone.utc)


def unverified(token: str) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    try:
        header = jwt.get_unverified_header(token)
    except (jwt.InvalidTokenError, ValueError, TypeError):
        return None, None
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except (jwt.InvalidTokenError, ValueError, TypeError):
        claims = None
    return header, claims


def _claim_checks(claims: dict[str, Any]) -> list[Check]:
    now = datetime.now(tz=dt_timezone.utc).timestamp()
    aud = claims.get("aud")
    auds = aud if isinstance(aud, list) else [aud]
    exp = claims.get("exp")
    return [
        Check("iss", claims.get("iss") == jwt_settings.ISSUER, str(claims.get("iss", _("missing")))),
        Check("aud", bool(set(auds) & set(jwt_settings.AUDIENCE)), json.dumps(aud)),
        Check("exp", isinstance(exp, int | float) and exp + jwt_settings.LEEWAY_SECONDS > now, _when(exp)),
        Check("iat", isinstance(claims.get("iat"), int | float), _when(claims.get("iat"))),
        Check("sub", bool(claims.get("sub")), str(claims.get("sub", _("missing")))),
        Check("client_id", bool(claims.get("client_id")), str(claims.get("client_id", _("missing")))),
        Check("jti", bool(claims.get("jti")), str(claims.get("jti", _("missing")))),
        Check("scope", isinstance(claims.get("scope", ""), str), str(claims.get("scope", ""))),
        _binding_check(claims),
    ]


def _binding_check(claims: dict[str, Any]) -> Check:
    """RFC 9449 §6.1: the DPoP key the token is bound to, if any."""
    if "cnf" not in claims:
        return Check("cnf", True, _("none: a bearer token"))
    cnf = claims["cnf"]
    jkt = cnf.get("jkt") if isinstance(cnf, dict) else None
    if not dpop.is_thumbprint(jkt):
        return Check("cnf", False, json.dumps(cnf))
    return Check("cnf", True, _("bound to DPoP key %(jkt)s") % {"jkt": jkt})


def inspect(token: str) -> dict[str, Any]:
    """Everything the page shows about ``token``; the verdict is the hub's own check."""
    header, claims = unverified(token)
    checks: list[Check] = []
    try:
        parse_header(token)
        checks.append(Check(_("shape and header"), True, _("a JWS typed at+jwt with a key id")))
    except InvalidToken as exc:
        checks.append(Check(_("shape and header"), False, exc.description))
    kid = str((header or {}).get("kid", ""))
    key = SigningKey.objects.filter(kid=kid).first() if kid else None
    if key is None:
        checks.append(Check(_("key"), False, _("no key of this hub has this key id")))
    else:
        published = key.is_published
        detail = _("%(alg)s key, %(state)s") % {"alg": key.algorithm, "state": key.get_state_display()}
        checks.append(Check(_("key"), published and (header or {}).get("alg") == key.algorithm, detail))
    reason = ""
    try:
        verify_access_token(token, signing_keys.public_key)
        checks.append(Check(_("signature and claims"), True, _("verified")))
    except InvalidToken as exc:
        reason = exc.description
        checks.append(Check(_("signature and claims"), False, reason))
    status, client_id = _on_record(token)
    if claims:
        checks.extend(_claim_checks(claims))
        jti = str(claims.get("jti", ""))
        revoked = status == REVOKED or (bool(jti) and denylist_writer.is_revoked(jti, kid))
        if status == UNKNOWN:
            checks.append(Check(_("issued here"), False, _("the hub has no record of this token")))
        else:
            label = dict(STATUS_CHOICES)[status]
            detail = _("issued to %(client)s, %(status)s") % {"client": client_id, "status": label}
            checks.append(Check(_("issued here"), True, detail))
        checks.append(Check(_("revocation"), not revoked, _("revoked") if revoked else _("not revoked")))
        if revoked and not reason:
            reason = _("The access token was revoked.")
    return {
        "status": status,
        "valid": not reason and all(c.ok is not False for c in checks[:3]),
        "reason": reason,
        "checks": checks,
        "header": json.dumps(header, indent=2) if header is not None else "",
        "claims": json.dumps(claims, indent=2) if claims is not None else "",
        "revocable": bool(claims) and not reason,
    }


def record_revocation(token: str, header: dict[str, Any], claims: dict[str, Any]) -> RevokedToken:
    """Revoke a verified token the hub has no live row of (its row was purged, or it
    predates the records): the revocation record, from its claims, and the denylist."""
    aud = claims["aud"]
    record, _created = RevokedToken.objects.get_or_create(
        token_checksum=token_checksum(token),
        defaults={
            "jti": claims["jti"],
            "kid": header["kid"],
            "subject": claims["sub"],
            "client_id": claims["client_id"],
            "audience": aud if isinstance(aud, list) else [aud],
            "scope": claims.get("scope", ""),
            "issued_at": _datetime(claims["iat"]),
            "expires_at": _datetime(claims["exp"]),
            "auth_time": _datetime(claims.get("auth_time")),
        },
    )
    denylist_writer.deny(record.jti, record.expires_at)
    return record


@method_decorator(sensitive_post_parameters("token"), name="dispatch")
class InspectorView(View):
    model_admin = None
    template_name = "admin/oauth_jwt/inspector.html"

    def get(self, request):
        if not self.model_admin.has_view_permission(request):
            raise PermissionDenied
        return self.render(request, InspectForm(), None)

    def post(self, request):
        if not self.model_admin.has_view_permission(request):
            raise PermissionDenied
        form = InspectForm(request.POST)
        if not form.is_valid():
            return self.render(request, form, None)
        token = form.cleaned_data["token"]
        if "revoke" in request.POST:
            if not self.model_admin.has_change_permission(request):
                raise PermissionDenied
            self.revoke(request, token)
        return self.render(request, form, inspect(token))

    def revoke(self, request, token: str) -> None:
        try:
            header, claims = verify_access_token(token, signing_keys.public_key)
        except InvalidToken as exc:
            messages.error(request, _("Not revoked: %(reason)s") % {"reason": exc.description})
            return
        row = get_access_token_model().objects.filter(token_checksum=token_checksum(token)).first()
        record = revoke(row) if row is not None else record_revocation(token, header, claims)
        self.model_admin.log_change(request, record or row, _("Revoked in the token inspector."))
        security_event("token.revoked_by_staff", request, "access token revoked by staff", jti=claims["jti"])
        messages.success(request, _("The access token is revoked."))

    def render(self, request, form, report):
        admin_site = self.model_admin.admin_site
        context = {
            **admin_site.each_context(request),
            "title": _("Token inspector"),
            "opts": self.model_admin.model._meta,
            "form": form,
            "report": report,
            "can_revoke": self.model_admin.has_change_permission(request),
        }
        return no_store(TemplateResponse(request, self.template_name, context))
