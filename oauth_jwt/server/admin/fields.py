"""The client form's own fields: redirect URIs under the hub's rules, and RFC 8707
resource lists."""

from __future__ import annotations

from urllib.parse import urlsplit

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ..redirects import validate_redirect_uris

__all__ = ["ResourceListField", "validate_redirect_uris"]


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
