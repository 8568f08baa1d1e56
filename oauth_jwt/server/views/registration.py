"""RFC 7591 client registration and RFC 7592 client configuration, under the hub's policy
(``server.registration``), while ``OAUTH_JWT['REGISTRATION']`` is not ``"off"``.

DOT 3.4.1 ships both endpoints (``DynamicClientRegistrationView``); they are not
mounted here, and these views are not their subclasses, because three of DOT's
choices are wrong for this hub: the registration access token is a DOT
``AccessToken`` row, which the hub's API would take as an opaque bearer token
(``OPAQUE_TOKEN_FALLBACK``) and introspection would call active; any client type and
grant DOT knows is accepted, confidential ones with a secret; and who may register is a
permission class, where this hub has a mode and an initial access token. Its views'
logic lives in module functions, with no method to override. The URL names are DOT's
(``dcr-register``), so DOT's metadata finds them.
"""

from __future__ import annotations

import json
import logging

from django.db import transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from oauth2_provider.models import get_application_model
from oauth2_provider.utils import parse_bearer_token

from ...compat import login_not_required
from ...conf import jwt_settings
from ...exceptions import oauth_error
from ...models import ClientRegistration
from .. import registration
from ..throttle import client_address, registration_throttled
from .discovery import absolute_url

logger = logging.getLogger(__name__)
NOT_THIS_CLIENT = "The registration access token is not valid for this client."


def _invalid_token(description: str) -> JsonResponse:
    return oauth_error(
        "invalid_token",
        description,
        status=401,
        headers={"WWW-Authenticate": f'Bearer error="invalid_token", error_description="{description}"'},
    )


def _parsed(request) -> dict:
    if request.content_type != "application/json":
        raise registration.RegistrationError("invalid_client_metadata", "Send the metadata as application/json.")
    try:
        return json.loads(request.body)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError; deep nesting recurses
        raise registration.RegistrationError("invalid_client_metadata", "The body is not valid JSON.") from None


def _answer(application, metadata: registration.ClientMetadata, token: str, status: int = 200) -> JsonResponse:
    data = {
        "client_id": application.client_id,
        "client_id_issued_at": int(application.created.timestamp()),
        **metadata.as_response(),
        # RFC 7592 §3: the read and update answers carry the token the client presented.
        "registration_access_token": token,
        "registration_client_uri": absolute_url(
            "oauth2_provider:dcr-register-management", client_id=application.client_id
        ),
    }
    response = JsonResponse(data, status=status)
    response["Cache-Control"] = "no-store"
    return response


@method_decorator(csrf_exempt, name="dispatch")
@method_decorator(login_not_required, name="dispatch")
class _RegistrationEndpoint(View):
    def dispatch(self, request, *args, **kwargs):
        if jwt_settings.REGISTRATION == "off":
            raise Http404
        if request.method in ("POST", "PUT") and registration_throttled(request):
            logger.warning(
                "client registration throttled",
                extra={"event": "client.registration_throttled", "address": client_address(request)},
            )
            response = oauth_error("temporarily_unavailable", "Too many registration requests.", status=429)
            response["Retry-After"] = str(jwt_settings.REGISTRATION_WINDOW_SECONDS)
            return response
        try:
            return super().dispatch(request, *args, **kwargs)
        except registration.RegistrationError as exc:
            return oauth_error(exc.error, exc.description)


class RegisterView(_RegistrationEndpoint):
    """RFC 7591 §3: ``POST`` the client metadata, get a client id and a registration access token."""

    http_method_names = ["post", "options"]

    def post(self, request):
        if jwt_settings.REGISTRATION == "initial_access_token":
            presented = parse_bearer_token(request.META.get("HTTP_AUTHORIZATION", ""))
            if not registration.initial_access_token_accepted(presented):
                return _invalid_token("An initial access token is required to register a client.")
        metadata = registration.client_metadata(_parsed(request))
        application_model = get_application_model()
        application = application_model(
            client_type=application_model.CLIENT_PUBLIC,
            authorization_grant_type=application_model.GRANT_AUTHORIZATION_CODE,
            client_secret="",
            hash_client_secret=False,
            registration_source=application_model.RegistrationSource.DCR,
        )
        token, checksum = registration.registration_access_token()
        with transaction.atomic():
            registration.save(application, metadata)
            ClientRegistration.objects.create(client_id=application.client_id, token_checksum=checksum)
        logger.info(
            "client registered",
            extra={
                "event": "client.registered",
                "client_id": application.client_id,
                "address": client_address(request),
            },
        )
        return _answer(application, metadata, token, status=201)


class ClientConfigurationView(_RegistrationEndpoint):
    """RFC 7592 §2: read, replace or delete a registration with its registration access token."""

    http_method_names = ["get", "put", "delete", "options"]

    def _authenticated(self, request, client_id: str):
        """The client and the registration access token presented for it, or None."""
        presented = parse_bearer_token(request.META.get("HTTP_AUTHORIZATION", ""))
        if registration.registration_for(client_id, presented) is None:
            return None
        application = get_application_model().objects.filter(client_id=client_id).first()
        return None if application is None else (application, presented)

    def get(self, request, client_id: str):
        found = self._authenticated(request, client_id)
        if found is None:
            return _invalid_token(NOT_THIS_CLIENT)
        application, token = found
        return _answer(application, registration.metadata_of(application), token)

    def put(self, request, client_id: str):
        found = self._authenticated(request, client_id)
        if found is None:
            return _invalid_token(NOT_THIS_CLIENT)
        application, token = found
        data = _parsed(request)
        if not isinstance(data, dict) or data.get("client_id") != client_id:
            raise registration.RegistrationError("invalid_client_metadata", "client_id must be this client's id.")
        metadata = registration.client_metadata(data)
        registration.save(application, metadata)
        logger.info("client registration changed", extra={"event": "client.reregistered", "client_id": client_id})
        return _answer(application, metadata, token)

    def delete(self, request, client_id: str):
        found = self._authenticated(request, client_id)
        if found is None:
            return _invalid_token(NOT_THIS_CLIENT)
        found[0].delete()
        logger.info("client unregistered", extra={"event": "client.unregistered", "client_id": client_id})
        return HttpResponse(status=204)
