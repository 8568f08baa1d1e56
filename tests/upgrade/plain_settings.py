"""Plain DOT as shipped (``bench.plain_dot.settings``), hashing with PBKDF2 at a thousand
iterations instead of Django's million.

The walk is about the algorithm of the secrets DOT stored (``pbkdf2_sha256``, which the
upgraded project verifies at the iterations each hash names), not about its cost: a
third of the walk's CPU time went into those million iterations."""

from bench.plain_dot.settings import *  # noqa: F403

PASSWORD_HASHERS = ["tests.hashers.QuickPBKDF2PasswordHasher"]
