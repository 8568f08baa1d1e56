"""PKCE as RFC 9700 §2.1.1 wants it: ``S256`` only, for every client of the code flow.

At the authorization endpoint a challenge must come with ``code_challenge_method=S256``
(a missing method would mean ``plain``, RFC 7636 §4.3) and have the shape of a SHA-256
digest in base64url; the request is refused before the consent page. At the token
endpoint (``code_acceptable``, called once the code is consumed, so a refusal burns it):
no verifier without a challenge (the downgrade of RFC 9700 §4.8.2), no grant stored
with another method, and a verifier of the RFC 7636 §4.1 shape.
"""

from __future__ import annotations

import re

from oauth2_provider.models import get_grant_model
from oauthlib.oauth2.rfc6749 import errors

# RFC 7636 §4.1 and §4.2: 43-128 unreserved characters; S256 challenge = 43 base64url.
CODE_VERIFIER = re.compile(r"[A-Za-z0-9\-._~]{43,128}")
S256_CHALLENGE = re.compile(r"[A-Za-z0-9\-_]{43}")


class PKCEPolicyMixin:
    """Validator mixin (through ``ReplayProtectionMixin``)."""

    def is_pkce_required(self, client_id, request):
        # oauthlib asks this at the authorization endpoint just before it looks at the
        # challenge: the one hook that sees the challenge before the consent page.
        if getattr(request, "response_type", None) and getattr(request, "code_challenge", None) is not None:
            if request.code_challenge_method != "S256":
                raise errors.InvalidRequestError(description="code_challenge_method must be S256.", request=request)
            if not S256_CHALLENGE.fullmatch(request.code_challenge):
                raise errors.InvalidRequestError(description="The code_challenge is malformed.", request=request)
        return super().is_pkce_required(client_id, request)

    def code_acceptable(self, code: str, client, request) -> bool:
        grant = get_grant_model().objects.filter(code=code, application=client).first()
        if grant is None:
            return False
        verifier = getattr(request, "code_verifier", None)
        if not grant.code_challenge:
            return verifier is None and not self.is_pkce_required(client.client_id, request)
        if grant.code_challenge_method != "S256":
            return False
        return verifier is None or bool(CODE_VERIFIER.fullmatch(verifier))
