"""System checks: misconfiguration is caught by ``manage.py check``, not the first request.

One registry (``registry.register``, which keeps any check from crashing ``check``),
ids as constants in ``ids``, and one module per concern: ``settings`` (every OAUTH_JWT
key, both halves), ``branding`` (the pages' ``BRANDING``), ``server`` (the hub on DOT),
``host`` (the hub's project settings), ``registration`` (clients that register
themselves), ``resource`` (resource servers), ``fallback`` (opaque tokens from before an
upgrade from DOT) and ``deploy`` (security posture under ``check --deploy``).
"""

from . import branding, deploy, fallback, host, registration, resource, server, settings  # noqa: F401  (importing registers the checks)
