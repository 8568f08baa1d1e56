"""Password hashers for tests about a hash's algorithm, not its cost."""

from __future__ import annotations

from django.contrib.auth.hashers import PBKDF2PasswordHasher


class QuickPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    """Django's ``pbkdf2_sha256`` at a thousand iterations, not a million: its hashes are
    what Django writes (any ``PBKDF2PasswordHasher`` verifies them at the iterations they
    name), in a millisecond."""

    iterations = 1000
