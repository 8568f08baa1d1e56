"""New client secrets: generated, hashed here, and kept out of error pages.

The secret is hashed before the row is saved, so DOT's ``ClientSecretField`` never has
to guess whether the plaintext is a hash (its guess raises an exception naming the
plaintext). The plaintext travels as a ``OneTimeSecret``, whose ``repr`` is masked:
Django's DEBUG error page and error reports print locals with ``repr``, and
``sensitive_variables`` does nothing while ``DEBUG`` is on.
"""

from __future__ import annotations

from django.contrib.auth.hashers import BasePasswordHasher, get_hasher
from django.core.exceptions import ImproperlyConfigured
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.settings import oauth2_settings

from ..hashers import HASHER_PATH

MASK = "'********************'"


class OneTimeSecret(str):
    """A plaintext secret on its way to the page that shows it once."""

    def __repr__(self) -> str:
        return MASK


def client_secret_hasher() -> BasePasswordHasher:
    """DOT's ``CLIENT_SECRET_HASHER``, or an error naming the settings line to add."""
    try:
        return get_hasher(oauth2_settings.CLIENT_SECRET_HASHER)
    except ValueError:
        raise ImproperlyConfigured(
            f"OAUTH2_PROVIDER['CLIENT_SECRET_HASHER'] = {oauth2_settings.CLIENT_SECRET_HASHER!r} is not in "
            "PASSWORD_HASHERS (manage.py check: oauth_jwt.E050). Add to your settings: "
            f'PASSWORD_HASHERS = [*global_settings.PASSWORD_HASHERS, "{HASHER_PATH}"]'
        ) from None


def issue_secret(client) -> OneTimeSecret:
    """Give ``client`` (not yet saved) a new generated secret; return its plaintext."""
    hasher = client_secret_hasher()
    secret = OneTimeSecret(generate_client_secret())
    client.client_secret = hasher.encode(secret, hasher.salt())
    client.hash_client_secret = True
    return secret
