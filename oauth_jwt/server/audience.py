"""RFC 8707 resource indicators → the token's ``aud`` (validator mixin).

- ``resource`` values (asked for at the token endpoint, or inherited from the
  authorization grant or the refresh token) become ``aud``;
- without one, the client's default audience (``ClientProfile.default_audience``) or
  the hub's ``OAUTH_JWT['DEFAULT_AUDIENCE']`` is used;
- a resource the client may not use is refused with ``invalid_target``: the client's
  ``ClientProfile.allowed_resources`` if set, else the hub's ``OAUTH_JWT['RESOURCES']``
  if set, else any absolute URI (DOT already refuses malformed ones);
- a refresh may narrow the resources but never widen them (DOT enforces the subset;
  this mixin then re-checks the narrowed list against the client's current allowance).

Scopes a client may not use are refused by ``client_policy.ClientPolicyMixin`` (``invalid_scope``).
"""

from __future__ import annotations

from oauthlib.oauth2.rfc6749 import errors

from ..conf import jwt_settings
from .request_memo import client_profile


def allowed_resources(client_id: str | None) -> frozenset[str] | None:
    """The resources ``client_id`` may ask for; ``None``: any absolute URI."""
    profile = client_profile(client_id)
    if profile is not None and profile.allowed_resources:
        return frozenset(profile.allowed_resources)
    hub = jwt_settings.RESOURCES
    return frozenset(hub) if hub else None


def default_audience(client_id: str | None) -> str:
    profile = client_profile(client_id)
    if profile is not None and profile.default_audience:
        return profile.default_audience
    return jwt_settings.DEFAULT_AUDIENCE


def of_row(access_token, client_id: str | None = None) -> list[str]:
    """The ``aud`` of the JWT behind DOT's ``AccessToken`` row: its resources, or, when
    the client asked for none, its default audience, which the row leaves out
    (``JWTOAuth2Validator._set_token_value``) to stay as small as DOT's. ``client_id``,
    when the caller has it, saves reading the row's application."""
    if access_token.resource:
        return list(access_token.resource)
    if client_id is None and access_token.application_id:
        client_id = access_token.application.client_id
    fallback = default_audience(client_id)
    return [fallback] if fallback else []


class AudienceMixin:
    """Validator mixin: resources are checked against the client's allowance, and a
    request without one is given the client's default audience."""

    def _check_and_set_request_resource(self, request):
        """DOT's normalization of ``request.resource``, then the client's allowance and
        default audience. Private: DOT's only step that settles the resources (RFC 8707)."""
        super()._check_and_set_request_resource(request)
        client = getattr(request, "client", None)
        client_id = getattr(client, "client_id", None)
        if not request.resource:
            fallback = default_audience(client_id)
            request.resource = [fallback] if fallback else []
            return
        allowed = allowed_resources(client_id)
        if allowed is None:
            return
        for resource in request.resource:
            if resource not in allowed:
                raise errors.CustomOAuth2Error(
                    error="invalid_target",
                    description="This client may not ask for that resource.",
                    request=request,
                )
