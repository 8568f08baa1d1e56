"""The resource half: checks an access token anywhere, without DOT or the hub's tables.

Imports only the core (``oauth_jwt.conf``, ``.exceptions``, ``.checksums``), PyJWT,
cryptography and Django (and DRF in ``rest_framework``); never ``oauth2_provider`` or
``oauth_jwt.server`` (``tests/test_layout.py`` holds it to that).
"""
