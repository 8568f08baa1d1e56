"""A second Django project: a resource server that trusts the hub's tokens over HTTP.

It installs ``oauth_jwt`` without django-oauth-toolkit and without any access to the
hub's database; everything it knows about the hub comes from the environment (the
test suite starts it with ``DJANGO_SETTINGS_MODULE=tests.rs_project.settings``).
"""
