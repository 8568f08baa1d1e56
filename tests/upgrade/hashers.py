"""The plain DOT project's hasher in the upgrade walk (see ``plain_settings``)."""

from __future__ import annotations

from django.contrib.auth.hashers import PBKDF2PasswordHasher


class QuickPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    """Django's ``pbkdf2_sha256``, at fewer iterations."""

    iterations = 1000
