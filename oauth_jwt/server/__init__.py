"""The hub half: the authorization server built on django-oauth-toolkit (DOT).

The validator and its policies, token minting, signing keys, revocation's write side,
consents, pages, views, admin. It may import the resource half (the hub checks its own
tokens too); the resource half never imports it.
"""
