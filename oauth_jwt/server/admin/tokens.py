"""Access tokens as the JWTs they are: what the hub keeps of one (DOT's live row and
its record, or a ``RevokedToken``) rebuilt as the header and claims it carried, one
status filter over both lists, revoking, and the read-only list of revoked tokens.
Never the token itself."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from datetime import timezone as dt_timezone
from typing import Any
from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.admin.templatetags.admin_urls import admin_urlname
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import localize
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from oauth2_provider.models import get_access_token_model, revoke_access_token

from ...conf import jwt_settings
from ...models import RevokedToken, SigningKey
from .. import revocation, token_records
from .common import ACTIVE, EXPIRED, REVOKED, STATUS_CHOICES, ReadOnlyMixin
from .paging import ChosenOnlyValueFilter, LargeTableMixin

# Read-only fields of both detail pages (``JWTDetailMixin``).
DETAIL_FIELDS = ("decoded_header", "decoded_claims")


@dataclass(frozen=True)
class Facts:
    """One JWT as the hub remembers it: enough to rebuild its header and claims."""

    jti: str
    key: SigningKey | None
    kid: str
    subject: str
    client_id: str
    audience: list[str]
    scope: str
    issued_at: datetime
    expires_at: datetime
    auth_time: int | None

    @classmethod
    def of_access_token(cls, row) -> Facts:
        """From DOT's row (``created`` is the issue time, to the second or so)."""
        return cls.of_revoked(revocation.record_of(row))

    @classmethod
    def of_revoked(cls, row: RevokedToken) -> Facts:
        return cls(
            jti=row.jti,
            key=SigningKey.objects.filter(kid=row.kid).first() if row.kid else None,
            kid=row.kid,
            subject=row.subject,
            client_id=row.client_id,
            audience=row.audience,
            scope=row.scope,
            issued_at=row.issued_at,
            expires_at=row.expires_at,
            auth_time=_epoch(row.auth_time) if row.auth_time else None,
        )

    def header(self) -> dict[str, Any]:
        return {"alg": self.key.algorithm if self.key else "?", "kid": self.kid, "typ": "at+jwt"}

    def claims(self) -> dict[str, Any]:
        """The RFC 9068 claims the token carried."""
        claims: dict[str, Any] = {
            "iss": jwt_settings.ISSUER,
            "sub": self.subject,
            "aud": self.audience[0] if len(self.audience) == 1 else self.audience,
            "client_id": self.client_id,
            "iat": _epoch(self.issued_at),
            "exp": _epoch(self.expires_at),
            "jti": self.jti,
            "scope": self.scope,
        }
        if self.auth_time is not None:
            claims["auth_time"] = self.auth_time
        return claims


def _epoch(when: datetime) -> int:
    return int(when.timestamp())


def subject_label(username: str | None, subject: str, client_id: str) -> str:
    """The person's username; a client token's ``sub`` is the client id."""
    if subject == client_id:
        return _("client %(client_id)s") % {"client_id": client_id}
    return username or subject


def revoke(row) -> RevokedToken | None:
    """Revoke one of DOT's rows the way DOT does (with the refresh token it came with);
    the ``pre_delete`` receiver records and denylists the JWT. Returns that record."""
    revoke_access_token(row)
    return RevokedToken.objects.filter(token_checksum=row.token_checksum).first()


class JWTDetailMixin:
    """The decoded header and claims on a detail page, rebuilt by ``facts(obj)``."""

    def facts(self, obj) -> Facts:
        raise NotImplementedError

    def _facts(self, obj) -> Facts:
        if "_oauth_jwt_facts" not in obj.__dict__:
            obj._oauth_jwt_facts = self.facts(obj)
        return obj._oauth_jwt_facts

    @admin.display(description=_("key id"))
    def kid(self, obj) -> str:
        return self._facts(obj).kid

    @admin.display(description=_("authenticated"))
    def auth_time(self, obj) -> str | None:
        seconds = self._facts(obj).auth_time
        return (
            None
            if seconds is None
            else localize(timezone.localtime(datetime.fromtimestamp(seconds, tz=dt_timezone.utc)))
        )

    @admin.display(description=_("decoded header"))
    def decoded_header(self, obj):
        return format_html("<pre>{}</pre>", json.dumps(self._facts(obj).header(), indent=2))

    @admin.display(description=_("decoded claims"))
    def decoded_claims(self, obj):
        return format_html(
            '<pre>{}</pre><div class="help">{}</div>',
            json.dumps(self._facts(obj).claims(), indent=2),
            _("Rebuilt from the hub's record: the hub never keeps the token itself."),
        )


class StatusFilter(admin.SimpleListFilter):
    """active / expired / revoked over two lists: DOT's rows are the live and expired
    tokens, ``RevokedToken`` rows the revoked ones. A status kept by the other list is
    a link to it (the admin's filter template uses ``query_string`` as the link)."""

    title = _("status")
    parameter_name = "status"
    statuses: tuple[str, ...] = ()  # the ones this list holds

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        self.site_name = model_admin.admin_site.name

    def lookups(self, request, model_admin):
        return STATUS_CHOICES

    def other_model(self):
        raise NotImplementedError

    def choices(self, changelist):
        other = reverse(admin_urlname(self.other_model()._meta, "changelist"), current_app=self.site_name)
        for value, label in self.lookup_choices:
            here = value in self.statuses
            yield {
                "selected": here and self.value() == value,
                "query_string": (
                    changelist.get_query_string({self.parameter_name: value})
                    if here
                    else f"{other}?{urlencode({self.parameter_name: value})}"
                ),
                "display": label,
            }


class LiveStatusFilter(StatusFilter):
    statuses = (ACTIVE, EXPIRED)

    def other_model(self):
        return RevokedToken

    def choices(self, changelist):
        yield {
            "selected": self.value() is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": _("All"),
        }
        yield from super().choices(changelist)

    def queryset(self, request, queryset):
        if self.value() == ACTIVE:
            live = queryset.filter(expires__gt=timezone.now())
            return token_records.not_signed_by(live, token_records.revoked_keys())
        if self.value() == EXPIRED:
            return queryset.filter(expires__lte=timezone.now())
        return queryset.none() if self.value() else queryset


class RevokedStatusFilter(StatusFilter):
    statuses = (REVOKED,)

    def other_model(self):
        return get_access_token_model()

    def value(self):
        return super().value() or REVOKED

    def queryset(self, request, queryset):
        return queryset if self.value() == REVOKED else queryset.none()


def usernames(subjects) -> dict[str, str]:
    """``{sub: username}`` for the people among ``subjects`` (a person's ``sub`` is the
    primary key; a client's is its client id), found by the primary key."""
    User = get_user_model()
    keys = {}
    for subject in set(subjects):
        try:
            keys[subject] = User._meta.pk.to_python(subject)
        except ValidationError:
            continue
    if not keys:
        return {}
    rows = User._default_manager.filter(pk__in=keys.values()).values_list("pk", User.USERNAME_FIELD)
    return {str(pk): name for pk, name in rows}


class UserFilter(admin.SimpleListFilter):
    """A person, by the ``sub`` of their tokens (client tokens carry the client id)."""

    title = _("user")
    parameter_name = "user"

    def lookups(self, request, model_admin):
        """Only the person chosen: every person with a revoked token is a scan of the
        table and, at scale, a sidebar of a million names."""
        if not self.value():
            return []
        return list(usernames([self.value()]).items())

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(subject=self.value()).exclude(client_id=self.value())
        return queryset


class RevokedTokenAdmin(JWTDetailMixin, ReadOnlyMixin, LargeTableMixin, admin.ModelAdmin):
    """Tokens revoked before they expired; DOT's table forgets them. Newest first by
    primary key, the order they were revoked in (``revoked_at`` has no index, and no
    date hierarchy reads the whole table for its years)."""

    list_display = ("jti", "subject_display", "client_id", "scope", "issued_at", "expires_at", "status", "revoked_at")
    list_filter = (RevokedStatusFilter, ("client_id", ChosenOnlyValueFilter), UserFilter)
    # Exact and indexed only (``subject`` has no index: a person is the "user" filter).
    search_fields = ("=jti", "=client_id")
    sortable_by = ()

    class Media:
        css = {"all": ("oauth_jwt/admin.css",)}  # underlined breadcrumb links (axe: link-in-text-block)

    ordering = ("-pk",)
    actions = None
    fields = (
        "jti",
        "status",
        "subject_display",
        "client_id",
        "scope",
        "audience",
        "issued_at",
        "expires_at",
        "auth_time",
        "revoked_at",
        "kid",
        *DETAIL_FIELDS,
    )
    readonly_fields = fields

    def facts(self, obj) -> Facts:
        return Facts.of_revoked(obj)

    def get_changelist_instance(self, request):
        """The people's usernames for the page's rows, in one query by primary key
        (matching ``sub`` to a cast of every person's key read the whole user table
        once per row)."""
        changelist = super().get_changelist_instance(request)
        changelist.result_list = list(changelist.result_list)
        names = usernames(row.subject for row in changelist.result_list)
        for row in changelist.result_list:
            row._username = names.get(row.subject)
        return changelist

    @admin.display(description=_("subject"))
    def subject_display(self, obj) -> str:
        if "_username" not in obj.__dict__:
            obj._username = usernames([obj.subject]).get(obj.subject)
        return subject_label(obj._username, obj.subject, obj.client_id)

    @admin.display(description=_("status"))
    def status(self, obj) -> str:
        return REVOKED
