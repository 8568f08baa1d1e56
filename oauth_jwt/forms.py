"""The consent form: DOT's ``AllowForm`` bound to exactly what the page showed.

DOT carries the authorization request from the GET to the POST in hidden fields, which
the browser can alter. ``binding`` is a signature over those fields and the signed-in
person, made when the page is rendered; a POST whose fields differ, that comes from
another account, or that is older than ``MAX_AGE`` is refused, so approval can never
cover more than the person saw.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _
from oauth2_provider.forms import AllowForm

SALT = "oauth_jwt.consent"
MAX_AGE = 30 * 60
BOUND_FIELDS = (
    "client_id",
    "redirect_uri",
    "response_type",
    "scope",
    "resource",
    "state",
    "nonce",
    "claims",
    "code_challenge",
    "code_challenge_method",
)
ALTERED = "altered"


def _payload(user_pk: Any, values: dict) -> dict:
    return {"user": str(user_pk), "fields": [values.get(name) or "" for name in BOUND_FIELDS]}


def sign(user_pk: Any, values: dict) -> str:
    return signing.dumps(_payload(user_pk, values), salt=SALT)


class ConsentForm(AllowForm):
    binding = forms.CharField(widget=forms.HiddenInput())

    error_messages = {
        ALTERED: _("This consent form was changed, has expired or belongs to another sign-in."),
    }

    def __init__(self, *args: Any, user_pk: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user_pk = user_pk

    def clean(self) -> dict:
        cleaned = super().clean()
        try:
            shown = signing.loads(cleaned.get("binding", ""), salt=SALT, max_age=MAX_AGE)
        except signing.BadSignature:
            shown = None
        if shown != _payload(self.user_pk, cleaned):
            raise forms.ValidationError(self.error_messages[ALTERED], code=ALTERED)
        return cleaned
