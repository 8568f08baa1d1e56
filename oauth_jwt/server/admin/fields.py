"""The client form's own fields: redirect URIs under the hub's rules, and RFC 8707
resource lists."""

from __future__ import annotations

from urllib.parse import urlsplit

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ...loopback import is_loopback_http


def validate_redirect_uris(value: str) -> None:
    """Each URI is absolute, has no fragment, and uses https unless it is loopback."""
    errors = []
    for uri in value.split():
        try:
            parts = urlsplit(uri)
            parts.hostname  # noqa: B018  (raises ValueError for a malformed host)
        except ValueError:
            errors.append(ValidationError(_("“%(uri)s” is not a valid URI."), code="invalid", params={"uri": uri}))
            continue
        if not parts.scheme or not parts.netloc:
            errors.append(ValidationError(_("“%(uri)s” is not an absolute URI."), code="relative", params={"uri": uri}))
        elif "#" in uri:
            errors.append(
                ValidationError(_("“%(uri)s” must not contain a fragment (#)."), code="fragment", params={"uri": uri})
            )
        elif parts.scheme != "https" and not is_loopback_http(uri):
            errors.append(
                ValidationError(
                    _("“%(uri)s” must use https; plain http is allowed only for 127.0.0.1, [::1] and localhost."),
                    code="insecure",
                    params={"uri": uri},
                )
            )
    if errors:
        raise ValidationError(errors)


class ResourceListField(forms.CharField):
    """RFC 8707 resource identifiers, one per line: absolute URIs without a fragment."""

    widget = forms.Textarea(attrs={"rows": 3})

    def to_python(self, value) -> list[str]:
        return sorted(set(super().to_python(value).split()))

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, (list, tuple)) else value

    def validate(self, value) -> None:
        errors = [
            ValidationError(
                _("“%(uri)s” is not an absolute URI without a fragment."), code="resource", params={"uri": uri}
            )
            for uri in value
            if not _is_resource(uri)
        ]
        if errors:
            raise ValidationError(errors)


def _is_resource(uri: str) -> bool:
    try:
        parts = urlsplit(uri)
    except ValueError:
        return False
    return bool(parts.scheme and parts.netloc) and "#" not in uri
