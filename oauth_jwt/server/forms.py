"""The consent form: DOT's ``AllowForm`` bound to exactly what the page showed.

DOT carries the authorization request from the GET to the POST in hidden fields, which
the browser can alter. ``binding`` is a signature over those fields and the signed-in
person, made when the page is rendered; a POST whose fields differ or that comes from
another account is refused, so approval can never cover more than the person saw. A
form that is only older than ``MAX_AGE`` fails with ``EXPIRED``: the consent view
shows the same request afresh (``oauth_jwt.server.views.errors.fresh_consent``).
``ui_locales`` carries the page's language to the answer (an error page, or the page
shown afresh); it decides nothing, so it is not bound.
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
    "dpop_jkt",
)
ALTERED = "altered"
EXPIRED = "expired"


def _payload(user_pk: Any, values: dict) -> dict:
    return {"user": str(user_pk), "fields": [values.get(name) or "" for name in BOUND_FIELDS]}


def sign(user_pk: Any, values: dict) -> str:
    return signing.dumps(_payload(user_pk, values), salt=SALT)


class ConsentForm(AllowForm):
    binding = forms.CharField(widget=forms.HiddenInput())
    # RFC 9449 §10: the key the code will be bound to, carried like the other parameters.
    dpop_jkt = forms.CharField(required=False, widget=forms.HiddenInput())
    ui_locales = forms.CharField(required=False, widget=forms.HiddenInput())

    error_messages = {
        ALTERED: _("This consent form was changed or belongs to another sign-in."),
        EXPIRED: _("This consent form has expired."),
    }

    def __init__(self, *args: Any, user_pk: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user_pk = user_pk

    def clean(self) -> dict:
        cleaned = super().clean()
        binding = cleaned.get("binding", "")
        expected = _payload(self.user_pk, cleaned)
        try:
            shown = signing.loads(binding, salt=SALT, max_age=MAX_AGE)
        except signing.SignatureExpired:
            if signing.loads(binding, salt=SALT) == expected:
                raise forms.ValidationError(self.error_messages[EXPIRED], code=EXPIRED) from None
            shown = None
        except signing.BadSignature:
            shown = None
        if shown != expected:
            raise forms.ValidationError(self.error_messages[ALTERED], code=ALTERED)
        return cleaned
