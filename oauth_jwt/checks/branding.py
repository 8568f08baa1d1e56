"""``manage.py check`` for the keys of ``OAUTH_JWT["BRANDING"]``, with the tests
``oauth_jwt.branding`` applies when it reads the setting (a BRANDING that is not a dict
is E060 from ``checks.settings``)."""

from __future__ import annotations

import difflib

from django.core import checks

from ..branding import KEYS, URL_KEYS, is_page_url, is_site_name
from ..colors import parse_hex
from ..conf import user_settings
from . import registry
from .ids import (
    E060_BRANDING,
    E061_BRANDING_COLOR,
    E062_BRANDING_URL,
    E063_BRANDING_SITE_NAME,
    W060_BRANDING_HTTP_LOGO,
)


def _unknown_key(key: object) -> checks.Error:
    close = difflib.get_close_matches(str(key), KEYS, n=1)
    hint = f"Did you mean {close[0]!r}?" if close else f"The keys are {', '.join(KEYS)}."
    return checks.Error(f"OAUTH_JWT['BRANDING'] has an unknown key {key!r}.", hint=hint, id=E060_BRANDING)


@registry.register(checks.Tags.templates)
def check_branding(app_configs=None, **kwargs):
    value = user_settings().get("BRANDING", {})
    if not isinstance(value, dict):
        return []  # checks.settings: E060
    errors = [_unknown_key(key) for key in value if key not in KEYS]
    if "SITE_NAME" in value and not is_site_name(value["SITE_NAME"]):
        errors.append(
            checks.Error(
                "OAUTH_JWT['BRANDING']['SITE_NAME'] must be a non-empty string.",
                hint="Leave it out to show the issuer's host name.",
                id=E063_BRANDING_SITE_NAME,
            )
        )
    if "PRIMARY_COLOR" in value and parse_hex(value["PRIMARY_COLOR"]) is None:
        errors.append(
            checks.Error(
                f"OAUTH_JWT['BRANDING']['PRIMARY_COLOR'] = {value['PRIMARY_COLOR']!r} is not a CSS hex colour.",
                hint="Use #rgb or #rrggbb, for example '#0b6e4f'.",
                id=E061_BRANDING_COLOR,
            )
        )
    for key in URL_KEYS:
        if key in value and not is_page_url(value[key]):
            errors.append(
                checks.Error(
                    f"OAUTH_JWT['BRANDING'][{key!r}] = {value[key]!r} is not an http(s) URL.",
                    hint="Use an absolute https:// URL, or a path on this site such as '/static/logo.svg'.",
                    id=E062_BRANDING_URL,
                )
            )
    logo = value.get("LOGO_URL")
    if is_page_url(logo) and logo.startswith("http://"):
        errors.append(
            checks.Warning(
                f"OAUTH_JWT['BRANDING']['LOGO_URL'] = {logo!r} is plain http: the pages' Content-Security-Policy "
                "loads images only from this site and over https, so the logo may not show.",
                hint="Use an https:// URL, or a path on this site such as '/static/logo.svg'.",
                id=W060_BRANDING_HTTP_LOGO,
            )
        )
    return errors
