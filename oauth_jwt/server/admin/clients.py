"""Clients: DOT's ``ApplicationAdmin`` with a generated-only secret shown once, strict
redirect URIs, and the hub's per-client policy (``ClientProfile``) on the same page."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.admin.templatetags.admin_urls import admin_urlname
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from oauth2_provider.admin import ApplicationAdmin as DOTApplicationAdmin
from oauth2_provider.forms import ApplicationForm as DOTApplicationForm
from oauth2_provider.models import get_access_token_model, get_application_model
from oauth2_provider.scopes import get_scopes_backend

from ...compat import HttpsURLField
from ...links import validate_safe_link
from ...models import ClientProfile
from ...subjects import could_be_a_persons_sub
from .common import no_store, security_event
from .fields import ResourceListField, validate_redirect_uris
from .paging import LargeTableMixin
from .secrets import issue_secret
from .vetting import VettedFilter, unvet, vet

PROFILE_FIELDS = (
    "vetted",
    "allowed_scopes",
    "access_token_lifetime",
    "dpop_required",
    "homepage",
    "logo_uri",
    "default_audience",
    "allowed_resources",
    "served_resources",
    "backchannel_logout_uri",
    "backchannel_logout_session_required",
)
RESOURCE_LISTS = ("allowed_resources", "served_resources")
MAX_LIFETIME_SECONDS = 24 * 3600
# The clients list counts each client's live tokens up to here, then shows "1000+".
ACTIVE_TOKENS_CAP = 1000
# DOT's grant types the hub serves, by the name OAUTH2_GRANT_TYPES_SUPPORTED gives them;
# implicit, password and OIDC hybrid are refused by the RFC 9700 gates.
SERVED_GRANTS = {
    "authorization-code": "authorization_code",
    "client-credentials": "client_credentials",
    "urn:ietf:params:oauth:grant-type:device_code": "urn:ietf:params:oauth:grant-type:device_code",
}


def _served_grant_choices(choices) -> list[tuple[str, str]]:
    from oauth2_provider.settings import oauth2_settings

    supported = set(oauth2_settings.OAUTH2_GRANT_TYPES_SUPPORTED)
    return [(value, label) for value, label in choices if SERVED_GRANTS.get(value) in supported or not value]


def _scope_choices() -> list[tuple[str, str]]:
    return [(name, f"{name}: {text}") for name, text in get_scopes_backend().get_all_scopes().items()]


class ClientForm(DOTApplicationForm):
    """DOT's form without any secret field, plus the client's ``ClientProfile``."""

    vetted = forms.BooleanField(label=_("Vetted by staff"), required=False)
    allowed_scopes = forms.MultipleChoiceField(
        label=_("Allowed scopes"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: the client may ask for every scope the hub offers."),
    )
    access_token_lifetime = forms.IntegerField(
        label=_("Access-token lifetime (seconds)"),
        required=False,
        min_value=60,
        max_value=MAX_LIFETIME_SECONDS,
        help_text=_("Empty: the hub's default."),
    )
    dpop_required = forms.BooleanField(
        label=_("DPoP required"),
        required=False,
        help_text=_(
            "Refuse its token requests without a DPoP proof (RFC 9449): every token it gets is bound to a key."
        ),
    )
    # Shown to people on the consent, device and connected-apps pages (oauth_jwt.links).
    homepage = HttpsURLField(label=_("Homepage"), required=False, validators=[validate_safe_link])
    logo_uri = HttpsURLField(label=_("Logo"), required=False, validators=[validate_safe_link])
    default_audience = HttpsURLField(
        label=_("Default audience"),
        required=False,
        help_text=_("The 'aud' of its tokens asked for without a resource. Empty: the hub's DEFAULT_AUDIENCE."),
    )
    allowed_resources = ResourceListField(
        label=_("Allowed resources"),
        required=False,
        help_text=_("RFC 8707 resources it may ask for, one per line. Empty: the hub's RESOURCES setting."),
    )
    served_resources = ResourceListField(
        label=_("Served resources"),
        required=False,
        help_text=_(
            "For a resource server's own client: it may introspect tokens whose 'aud' names one of these, one per line."
        ),
    )

    backchannel_logout_uri = HttpsURLField(
        label=_("Back-channel logout URI"),
        required=False,
        max_length=2000,
        help_text=_(
            "OpenID Connect back-channel logout: the hub POSTs a logout token here when a person signs out, "
            "is deactivated or disconnects the app. https, or http on 127.0.0.1, [::1] or localhost."
        ),
    )
    backchannel_logout_session_required = forms.BooleanField(
        label=_("Logout tokens must name the session"),
        required=False,
        help_text=_("Each logout token carries the session id ('sid'), one token per session."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["allowed_scopes"].choices = _scope_choices()
        grant = self.fields["authorization_grant_type"]
        grant.choices = _served_grant_choices(grant.choices)
        profile = ClientProfile.objects.filter(client_id=self.instance.client_id).first() if self.instance.pk else None
        if profile is not None:
            for name in PROFILE_FIELDS:
                self.initial.setdefault(name, getattr(profile, name))

    def clean_client_id(self) -> str:
        value = self.cleaned_data["client_id"]
        if could_be_a_persons_sub(value):
            raise ValidationError(
                _("A person's id could be “%(value)s”: a client id must not read as a person (RFC 9068 §5)."),
                code="like_subject",
                params={"value": value},
            )
        return value

    def clean_algorithm(self) -> str:
        value = self.cleaned_data["algorithm"]
        if value == self._meta.model.HS256_ALGORITHM:
            raise ValidationError(
                _(
                    "HS256 signs ID tokens with the client secret, which the hub keeps only hashed. "
                    "Leave the algorithm empty: the hub signs ID tokens with its own keys."
                ),
                code="hs256",
            )
        return value

    def clean_redirect_uris(self) -> str:
        value = self.cleaned_data["redirect_uris"]
        validate_redirect_uris(value)
        return value

    def clean_post_logout_redirect_uris(self) -> str:
        value = self.cleaned_data["post_logout_redirect_uris"]
        validate_redirect_uris(value)
        return value

    def clean_backchannel_logout_uri(self) -> str:
        value = self.cleaned_data["backchannel_logout_uri"] or ""
        validate_redirect_uris(value)
        return value

    def _post_clean(self) -> None:
        # Refused URIs never reach the instance, and DOT's Application.clean() would then
        # add a misleading "redirect_uris cannot be empty"; the model is checked once the
        # URIs are right.
        if self.has_error("redirect_uris") or self.has_error("post_logout_redirect_uris"):
            return
        super()._post_clean()

    def save_profile(self, client_id: str) -> None:
        values = {name: self.cleaned_data.get(name) for name in PROFILE_FIELDS}
        values["allowed_scopes"] = sorted(values["allowed_scopes"] or [])
        values["homepage"] = values["homepage"] or ""
        values["logo_uri"] = values["logo_uri"] or ""
        values["default_audience"] = values["default_audience"] or ""
        values["backchannel_logout_uri"] = values["backchannel_logout_uri"] or ""
        values["backchannel_logout_session_required"] = bool(values["backchannel_logout_session_required"])
        for name in RESOURCE_LISTS:
            values[name] = values[name] or []
        ClientProfile.objects.update_or_create(client_id=client_id, defaults=values)


def _active_token_counts(client_pks: list[int]) -> dict[int, int]:
    """Live tokens per client, each count stopping at ``ACTIVE_TOKENS_CAP`` + 1: a
    scalar subquery per client over a ``LIMIT``-ed one, which reads the client index
    and stops (the ORM cannot put the ``LIMIT`` inside a correlated count)."""
    if not client_pks:
        return {}
    AccessToken, Application = get_access_token_model(), get_application_model()
    quote = connection.ops.quote_name
    tokens, clients = AccessToken._meta, Application._meta
    client_column = quote(tokens.get_field("application").column)
    expires = quote(tokens.get_field("expires").column)
    pk = quote(clients.pk.column)
    # Only quoted names from the models' _meta and a constant are interpolated.
    sql = (
        f"SELECT c.{pk}, (SELECT COUNT(*) FROM (SELECT 1 FROM {quote(tokens.db_table)} t "  # noqa: S608
        f"WHERE t.{client_column} = c.{pk} AND t.{expires} > %s LIMIT {ACTIVE_TOKENS_CAP + 1}) live) "
        f"FROM {quote(clients.db_table)} c WHERE c.{pk} IN ({', '.join(['%s'] * len(client_pks))})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [timezone.now(), *client_pks])
        return dict(cursor.fetchall())


class ApplicationAdmin(LargeTableMixin, DOTApplicationAdmin):
    form = ClientForm
    list_display = (
        "name",
        "client_id",
        "client_type",
        "authorization_grant_type",
        "user",
        "is_vetted",
        "registration_source",
        "active_tokens",
    )
    search_fields = ("name", "client_id")
    list_filter = (VettedFilter, *DOTApplicationAdmin.list_filter)
    actions = ("rotate_secret", vet, unvet)
    fieldsets = (
        (None, {"fields": ("name", "client_id", "user", "client_type", "authorization_grant_type")}),
        (_("Redirects"), {"fields": ("redirect_uris", "allowed_origins")}),
        (
            _("Sign-out"),
            {"fields": ("post_logout_redirect_uris", "backchannel_logout_uri", "backchannel_logout_session_required")},
        ),
        (
            _("Policy"),
            {"fields": ("vetted", "allowed_scopes", "access_token_lifetime", "dpop_required", "skip_authorization")},
        ),
        (
            _("Resources (RFC 8707) and introspection"),
            {"fields": ("default_audience", "allowed_resources", "served_resources")},
        ),
        (_("Shown to people"), {"fields": ("homepage", "logo_uri")}),
        (_("Advanced"), {"classes": ("collapse",), "fields": ("algorithm", "registration_source", "cimd_expires_at")}),
    )

    def get_readonly_fields(self, request, obj=None):
        readonly = tuple(super().get_readonly_fields(request, obj))
        # Tokens, consents and the profile name the client by its id: it never changes.
        return (*readonly, "client_id") if obj is not None else readonly

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(_vetted=Exists(ClientProfile.objects.filter(client_id=OuterRef("client_id"), vetted=True)))
        )

    def get_changelist_instance(self, request):
        """The live-token counts of the clients on the page only, each counted through
        the client index up to ``ACTIVE_TOKENS_CAP`` + 1: one statement per page, which
        no client with a million tokens and no sort over every client can slow down."""
        changelist = super().get_changelist_instance(request)
        changelist.result_list = list(changelist.result_list)
        counts = _active_token_counts([client.pk for client in changelist.result_list])
        for client in changelist.result_list:
            client._active_tokens = counts.get(client.pk, 0)
        return changelist

    @admin.display(boolean=True, description=_("vetted"), ordering="_vetted")
    def is_vetted(self, obj) -> bool:
        return obj._vetted

    @admin.display(description=_("active tokens"))
    def active_tokens(self, obj) -> str:
        count = getattr(obj, "_active_tokens", None)
        if count is None:
            return ""
        shown = f"{ACTIVE_TOKENS_CAP}+" if count > ACTIVE_TOKENS_CAP else str(count)
        url = reverse(admin_urlname(get_access_token_model()._meta, "changelist"))
        return format_html('<a href="{}?application__id__exact={}&amp;status=active">{}</a>', url, obj.pk, shown)

    def save_model(self, request, obj, form, change) -> None:
        new_secret = None
        # A client made confidential gets a secret of its own: the one it had as a public
        # client is empty (or DOT's hash of "").
        made_confidential = not change or not obj.client_secret or "client_type" in form.changed_data
        if obj.client_type == obj.CLIENT_CONFIDENTIAL and made_confidential:
            new_secret = issue_secret(obj)
        elif not change and obj.client_type != obj.CLIENT_CONFIDENTIAL:
            # Public clients have no secret (not even a hash of an empty one).
            obj.client_secret = ""
            obj.hash_client_secret = False
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            form.save_profile(obj.client_id)
        if new_secret is not None:
            request.oauth_jwt_new_secrets = [(obj, new_secret)]
            security_event("client.secret_issued", request, "client secret issued", client_id=obj.client_id)

    def response_add(self, request, obj, post_url_continue=None):
        if getattr(request, "oauth_jwt_new_secrets", None):
            return self._secret_page(request, request.oauth_jwt_new_secrets)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if getattr(request, "oauth_jwt_new_secrets", None):
            return self._secret_page(request, request.oauth_jwt_new_secrets)
        return super().response_change(request, obj)

    @admin.action(description=_("Rotate the client secret of selected clients"), permissions=("change",))
    def rotate_secret(self, request, queryset):
        issued = []
        for client in queryset:
            if client.client_type != client.CLIENT_CONFIDENTIAL:
                continue
            secret = issue_secret(client)
            client.save(update_fields=["client_secret", "hash_client_secret", "updated"])
            self.log_change(request, client, _("Rotated the client secret."))
            security_event("client.secret_rotated", request, "client secret rotated", client_id=client.client_id)
            issued.append((client, secret))
        if not issued:
            self.message_user(request, _("Only confidential clients have a secret to rotate."), level="warning")
            return None
        skipped = queryset.count() - len(issued)
        if skipped:
            self.message_user(
                request,
                ngettext("%d public client has no secret.", "%d public clients have no secret.", skipped) % skipped,
                level="warning",
            )
        return self._secret_page(request, issued)

    def _secret_page(self, request, issued):
        context = {
            **self.admin_site.each_context(request),
            "title": _("Copy the client secret now"),
            "opts": self.model._meta,
            "issued": issued,
        }
        return no_store(TemplateResponse(request, "admin/oauth_jwt/client_secret.html", context))
