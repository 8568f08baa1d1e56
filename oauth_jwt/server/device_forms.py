"""The form where a person types the code their device shows (RFC 8628 §3.3).

People read a user code off a television and type it on a phone: case, spaces and
dashes are theirs to choose (RFC 8628 §6.1), so the code is normalised before it is
looked up. Only an entry that could have been a code counts as a wrong guess
(``views.device``); one with other characters is a typing slip, told apart by its
error code ``FORMAT``.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

# DOT's user_code column; no code it stores is longer.
MAX_LENGTH = 100
FORMAT = "format"
UNKNOWN = "unknown"
EXPIRED = "expired"
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—]+")
_CODE = re.compile(r"[0-9A-Z]+")


def normalise(value: str) -> str:
    """Upper case, without spaces or dashes: how DOT's generator writes user codes."""
    return _SEPARATORS.sub("", value).upper()


def display(code: str) -> str:
    """A code as people read it: in groups of four, joined by dashes."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


class UserCodeForm(forms.Form):
    user_code = forms.CharField(label=_("Code"), max_length=MAX_LENGTH * 2, strip=True)

    error_messages = {
        FORMAT: _("A code has only letters and digits. Check the code on your device and try again."),
        UNKNOWN: _("That code is not right. Check the code on your device and try again."),
        EXPIRED: _("That code has expired or was already used. Start again on your device to get a new one."),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.device_grant = None

    def clean_user_code(self) -> str:
        from oauth2_provider.models import get_device_grant_model

        code = normalise(self.cleaned_data["user_code"])
        if not _CODE.fullmatch(code) or len(code) > MAX_LENGTH:
            raise forms.ValidationError(self.error_messages[FORMAT], code=FORMAT)
        model = get_device_grant_model()
        # Codes are not unique in DOT's table: a pending one wins over old ones.
        codes = model.objects.filter(user_code=code).order_by("-expires")
        grant = codes.filter(status=model.AUTHORIZATION_PENDING).first() or codes.first()
        if grant is None:
            raise forms.ValidationError(self.error_messages[UNKNOWN], code=UNKNOWN)
        if grant.is_expired() or grant.status != grant.AUTHORIZATION_PENDING:
            raise forms.ValidationError(self.error_messages[EXPIRED], code=EXPIRED)
        self.device_grant = grant
        return code

    @property
    def is_format_slip(self) -> bool:
        return self.has_error("user_code", FORMAT)
