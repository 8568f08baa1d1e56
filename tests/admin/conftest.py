"""Fixtures for the admin console tests: staff with and without permissions, and a
way to introspect a token as a confidential client would."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from tests.conftest import PASSWORD, basic_auth, form_post


@pytest.fixture
def admin_client(staff_user):
    """A browser of its own, so flows run on ``client`` do not sign the staff user out."""
    from django.test import Client

    browser = Client()
    browser.force_login(staff_user)
    return browser


@pytest.fixture
def bare_staff(django_user_model):
    """Staff, but without a single model permission."""
    return django_user_model.objects.create_user("clerk", "clerk@example.com", PASSWORD, is_staff=True)


@pytest.fixture
def grant():
    """Give a user model permissions by codename, e.g. ``grant(u, "view_accesstoken")``."""

    def give(user, *codenames: str):
        user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
        return type(user).objects.get(pk=user.pk)  # a fresh object: no permission cache

    return give


@pytest.fixture
def introspect(db):
    """POST /o/introspect/ authenticated as ``as_client``; returns the JSON answer."""
    from django.test import Client

    def call(token: str, as_client) -> dict:
        response = form_post(Client(), "/o/introspect/", {"token": token}, **basic_auth(as_client))
        assert response.status_code == 200, response.content
        return response.json()

    return call


def action(client, url: str, name: str, pks, follow: bool = False, **extra):
    """Run an admin changelist action on ``pks``."""
    data = {"action": name, "_selected_action": [str(pk) for pk in pks], **extra}
    return client.post(url, data, follow=follow)


def assert_not_logged(caplog, *credentials: str) -> None:
    """Neither the messages nor any structured field of a record holds a credential."""
    for record in caplog.records:
        dumped = record.getMessage() + repr(vars(record))
        for credential in credentials:
            assert credential not in dumped, record.getMessage()
