"""oauth_jwt's own tables: signing keys, revoked JWTs, consents, client profiles,
redeemed codes, the clients of each sign-in session, the logout tokens owed to them and
the registration access tokens of self-registered clients.

DOT's models are not swapped: what the hub keeps of a live JWT is in DOT's own
``AccessToken`` row (``server.token_records``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SigningKey(models.Model):
    """A signing key. A ``next`` key is published but does not sign until
    ``activates_at``, by which time every resource server can have fetched it; exactly
    one is ``active`` (signs); ``retired`` keys stay published until every token they
    signed has expired; ``revoked`` keys are gone from the JWK set at once."""

    class State(models.TextChoices):
        NEXT = "next", _("next (published, not signing yet)")
        ACTIVE = "active", _("active")
        RETIRED = "retired", _("retired")
        REVOKED = "revoked", _("revoked")

    class Algorithm(models.TextChoices):
        RS256 = "RS256", "RS256"
        PS256 = "PS256", "PS256"
        ES256 = "ES256", "ES256"
        EDDSA = "EdDSA", "EdDSA"

    kid = models.CharField(_("key id"), max_length=64, unique=True, editable=False)
    algorithm = models.CharField(_("algorithm"), max_length=8, choices=Algorithm.choices)
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.ACTIVE)
    public_jwk = models.JSONField(_("public JWK"), editable=False)
    # Fernet token of the PKCS#8 PEM; the key that opens it is derived from settings.
    encrypted_private_key = models.TextField(editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    activates_at = models.DateTimeField(
        _("signs from"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("A next key signs from then on: once every resource server can have fetched it."),
    )
    retired_at = models.DateTimeField(_("retired"), null=True, blank=True, editable=False)
    publish_until = models.DateTimeField(
        _("published until"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("A retired key stays in the JWK set until every token it signed has expired."),
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("signing key")
        verbose_name_plural = _("signing keys")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["state"],
                condition=models.Q(state="active"),
                name="oauth_jwt_one_active_signing_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.algorithm} {self.kid[:12]}… ({self.get_state_display()})"

    @property
    def is_published(self) -> bool:
        if self.state in (self.State.ACTIVE, self.State.NEXT):
            return True
        return self.state == self.State.RETIRED and (self.publish_until is None or self.publish_until > timezone.now())


class RevokedToken(models.Model):
    """A JWT revoked before it expired, kept until it would have expired.

    DOT revokes an access token by deleting its row, which holds the token's record
    (``server.token_records``); ``server.receivers`` copies what the admin and the denylist need here
    first. This table is the durable side of the denylist: an empty denylist cache (a
    restart, a new worker with a process-local cache, an evicted Redis) is refilled
    from it. Tokens are named by ``jti`` and checksum, not by foreign key, so that
    resource-server projects without DOT's tables can still install this app.
    """

    jti = models.CharField(_("JWT id"), max_length=64, unique=True)
    token_checksum = models.CharField(max_length=64, unique=True, editable=False)
    kid = models.CharField(_("key id"), max_length=64, blank=True)
    subject = models.CharField(_("subject"), max_length=255)
    client_id = models.CharField(_("client id"), max_length=255, db_index=True)
    audience = models.JSONField(_("audience"), default=list)
    scope = models.TextField(_("scope"), blank=True)
    issued_at = models.DateTimeField(_("issued"))
    expires_at = models.DateTimeField(_("expires"), db_index=True)
    auth_time = models.DateTimeField(_("authenticated"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), default=timezone.now)

    class Meta:
        verbose_name = _("revoked access token")
        verbose_name_plural = _("revoked access tokens")

    def __str__(self) -> str:
        return self.jti


class Consent(models.Model):
    """A person's remembered decision to let a client use some scopes.

    Clients are named by ``client_id`` rather than a foreign key to DOT's Application,
    so that resource-server projects can install this app without DOT's tables;
    ``receivers`` removes the rows of a deleted client.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="oauth_consents")
    client_id = models.CharField(_("client id"), max_length=255)
    scopes = models.JSONField(_("scopes"), default=list)
    created_at = models.DateTimeField(_("allowed"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [models.UniqueConstraint(fields=["user", "client_id"], name="oauth_jwt_one_consent")]

    def __str__(self) -> str:
        return f"{self.user} → {self.client_id}"

    def covers(self, scopes) -> bool:
        return set(scopes) <= set(self.scopes)


class ClientProfile(models.Model):
    """What the hub adds to a DOT client: vetting, limits and what people see on consent."""

    client_id = models.CharField(_("client id"), max_length=255, unique=True)
    vetted = models.BooleanField(_("vetted by staff"), default=False)
    allowed_scopes = models.JSONField(
        _("allowed scopes"),
        default=list,
        blank=True,
        help_text=_("Scopes this client may ask for. Empty: every scope the hub offers."),
    )
    access_token_lifetime = models.PositiveIntegerField(
        _("access-token lifetime (seconds)"),
        null=True,
        blank=True,
        help_text=_("Empty: the hub's default."),
    )
    homepage = models.URLField(_("homepage"), blank=True)
    logo_uri = models.URLField(_("logo"), blank=True)
    # RFC 8707 (oauth_jwt.audience) and who may introspect what (views.introspection).
    default_audience = models.URLField(
        _("default audience"), blank=True, help_text=_("The 'aud' of tokens asked for without a resource.")
    )
    allowed_resources = models.JSONField(
        _("allowed resources"),
        default=list,
        blank=True,
        help_text=_("Resources (RFC 8707) this client may ask for. Empty: the hub's RESOURCES setting."),
    )
    served_resources = models.JSONField(
        _("served resources"),
        default=list,
        blank=True,
        help_text=_("Resource servers only: it may introspect tokens whose 'aud' names one of these."),
    )
    # OpenID Connect Back-Channel Logout 1.0 §2.2 (oauth_jwt.server.backchannel).
    backchannel_logout_uri = models.URLField(
        _("back-channel logout URI"),
        max_length=2000,
        blank=True,
        help_text=_("Where the hub POSTs a logout token when a person signs out. https, or http on loopback."),
    )
    backchannel_logout_session_required = models.BooleanField(
        _("back-channel logout needs the session id"),
        default=False,
        help_text=_("Every logout token names the sign-in session ('sid'), not only the person."),
    )

    # RFC 9449 §5.2 (`dpop_bound_access_tokens`): refuse its token requests without a proof.
    dpop_required = models.BooleanField(
        _("DPoP required"),
        default=False,
        help_text=_("Refuse this client's token requests that carry no DPoP proof: all its tokens are bound to a key."),
    )

    class Meta:
        verbose_name = _("client profile")
        verbose_name_plural = _("client profiles")

    def __str__(self) -> str:
        return self.client_id


class ClientRegistration(models.Model):
    """A client registered through RFC 7591 (``server.registration``): the checksum of its
    RFC 7592 registration access token. Kept apart from DOT's ``AccessToken`` rows, where
    it would read as a bearer token to the hub's API (the opaque-token fallback) and to
    introspection."""

    client_id = models.CharField(_("client id"), max_length=255, unique=True)
    token_checksum = models.CharField(max_length=64, unique=True, editable=False)
    registered_at = models.DateTimeField(_("registered"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("client registration")
        verbose_name_plural = _("client registrations")

    def __str__(self) -> str:
        return self.client_id


class RedeemedCode(models.Model):
    """The tombstone of an authorization code that was presented at the token endpoint.

    Written (unique ``code_checksum``) the moment a code is first presented, before any
    token exists, so that exactly one redemption wins even under concurrency; a later
    presentation finds it and revokes what the first one issued (RFC 6749 §4.1.2,
    RFC 9700 §4.2.4). Tokens are named by checksum and refresh-token family, not by
    foreign key.
    """

    code_checksum = models.CharField(max_length=64, unique=True, editable=False)
    client_id = models.CharField(_("client id"), max_length=255)
    redeemed_at = models.DateTimeField(_("redeemed"), default=timezone.now)
    # Kept until every token issued from the code would have expired.
    expires_at = models.DateTimeField(_("expires"), db_index=True)
    access_token_checksum = models.CharField(max_length=64, blank=True, editable=False)
    token_family = models.UUIDField(null=True, blank=True, editable=False)
    replayed_at = models.DateTimeField(_("replayed"), null=True, blank=True)

    class Meta:
        verbose_name = _("redeemed authorization code")
        verbose_name_plural = _("redeemed authorization codes")

    def __str__(self) -> str:
        return f"{self.client_id} {self.redeemed_at:%Y-%m-%d %H:%M:%S}"


class ClientSession(models.Model):
    """A client a person signed in to during one sign-in session at the hub.

    ``sid`` is the session's OpenID Connect session id (``sessions``), carried in the ID
    tokens the client gets. A row is written for each authorization code issued; it
    carries the ``sid`` to the token endpoint (by the code's checksum) and to each
    refresh (by the refresh-token family), and tells the hub which clients to notify
    when the session ends (``ended_at``). Clients are named by ``client_id``, as in
    ``Consent``.
    """

    sid = models.CharField(_("session id"), max_length=64, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    client_id = models.CharField(_("client id"), max_length=255, db_index=True)
    code_checksum = models.CharField(max_length=64, unique=True, editable=False)
    token_family = models.UUIDField(null=True, blank=True, db_index=True, editable=False)
    created_at = models.DateTimeField(_("signed in"), default=timezone.now)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)

    class Meta:
        verbose_name = _("client session")
        verbose_name_plural = _("client sessions")

    def __str__(self) -> str:
        return f"{self.client_id} {self.sid[:8]}…"


class LogoutDelivery(models.Model):
    """A logout token owed to a client's back-channel logout URI: the outbox of
    ``backchannel``, kept after delivery for the admin's record of failures.

    The token itself is minted afresh for each attempt; the row holds what goes into it.
    """

    class Reason(models.TextChoices):
        SIGNED_OUT = "signed_out", _("signed out")
        DEACTIVATED = "deactivated", _("account deactivated")
        PASSWORD_CHANGED = "password_changed", _("password changed")
        DISCONNECTED = "disconnected", _("app disconnected")

    client_id = models.CharField(_("client id"), max_length=255, db_index=True)
    uri = models.URLField(_("back-channel logout URI"), max_length=2000)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    sid = models.CharField(_("session id"), max_length=64, blank=True)
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now, db_index=True)
    # A sender owns the row until then (several processes may send; see backchannel).
    claimed_until = models.DateTimeField(null=True, blank=True, editable=False)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True, db_index=True)
    gave_up_at = models.DateTimeField(_("gave up"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("back-channel logout")
        verbose_name_plural = _("back-channel logouts")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.client_id} ({self.get_reason_display()})"


class DPoPBinding(models.Model):
    """An authorization code (RFC 9449 §10, ``dpop_jkt``) or a public client's refresh
    token (§5) bound to a DPoP key: redeemed only with a proof made with that key; and
    the key of a bound access token, for the admin (the JWT itself says it in ``cnf``).
    Named by the checksum of the code or token, never the secret itself."""

    CODE = "code"
    REFRESH_TOKEN = "refresh"
    ACCESS_TOKEN = "access"
    KINDS = (
        (CODE, _("authorization code")),
        (REFRESH_TOKEN, _("refresh token")),
        (ACCESS_TOKEN, _("access token")),
    )

    kind = models.CharField(max_length=8, choices=KINDS)
    checksum = models.CharField(max_length=64, editable=False)
    jkt = models.CharField(_("key thumbprint"), max_length=43)
    created = models.DateTimeField(default=timezone.now)
    # Null for a refresh token: it lasts as long as DOT's row, and purgetokens deletes it
    # once that row is gone.
    expires_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("DPoP binding")
        verbose_name_plural = _("DPoP bindings")
        constraints = [models.UniqueConstraint(fields=["kind", "checksum"], name="oauth_jwt_dpop_binding_unique")]

    def __str__(self) -> str:
        return f"{self.kind} bound to {self.jkt}"
