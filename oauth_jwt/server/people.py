"""Who a token may speak for (validator mixin): an active account, and never one
vouched for by a password the hub does not take.

- oauthlib checks a password grant's password before it asks whether the grant is
  allowed, so a wrong password answered ``invalid_grant`` and a right one
  ``unauthorized_client``: a password oracle. Here the grant is refused first, the
  same way whatever the password, which is never checked (RFC 9700 §2.4).
- A code, refresh token or device code of a person whose account was deactivated since
  is refused with ``invalid_grant``. ``receivers`` revokes their tokens at the moment of
  deactivation; this closes the window of a request already in flight, and covers a
  deactivation that sent no signal (``QuerySet.update()``).
"""

from __future__ import annotations

from oauth2_provider.settings import oauth2_settings
from oauthlib.oauth2.rfc6749 import errors


def is_active(user) -> bool:
    return user is None or getattr(user, "is_active", True)


class PeopleMixin:
    def validate_user(self, username, password, client, request, *args, **kwargs):
        if oauth2_settings.COMPLIANT_BCP_RFC9700_PASSWORD_GRANT:
            raise errors.UnsupportedGrantTypeError(request=request)
        if not self.validate_grant_type(request.client_id, "password", client, request):
            raise errors.UnauthorizedClientError(request=request)
        return super().validate_user(username, password, client, request, *args, **kwargs)

    def validate_grant_type(self, client_id, grant_type, client, request, *args, **kwargs):
        if not super().validate_grant_type(client_id, grant_type, client, request, *args, **kwargs):
            return False
        # A device code's person is known by now (``device.load_device_grant``).
        if not is_active(getattr(request, "user", None)):
            raise errors.InvalidGrantError(request=request)
        return True

    def validate_code(self, client_id, code, client, request, *args, **kwargs):
        valid = super().validate_code(client_id, code, client, request, *args, **kwargs)
        return valid and is_active(request.user)

    def validate_refresh_token(self, refresh_token, client, request, *args, **kwargs):
        valid = super().validate_refresh_token(refresh_token, client, request, *args, **kwargs)
        return valid and is_active(request.user)
