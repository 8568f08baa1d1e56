"""The password grant is not offered, so it is not a password oracle: a
``grant_type=password`` request gets the same answer whether the password is right or
wrong, and the password is never checked (RFC 9700 §2.4; issue 11)."""

from __future__ import annotations

from unittest import mock

import pytest
from axes.models import AccessAttempt
from oauth2_provider.models import get_application_model

from ..conftest import PASSWORD, make_client, token_request

pytestmark = pytest.mark.django_db
Application = get_application_model()


@pytest.fixture
def password_client(db):
    """A client registered for the password grant: the hub still refuses the grant."""
    return make_client(Application.GRANT_PASSWORD, Application.CLIENT_PUBLIC, name="Legacy app")


@pytest.mark.parametrize("registered_for_password", [False, True])
def test_right_and_wrong_passwords_get_the_same_answer_unchecked(
    client, user, public_client, password_client, registered_for_password
):
    c = password_client if registered_for_password else public_client
    with mock.patch("django.contrib.auth.backends.ModelBackend.authenticate", return_value=None) as authenticate:
        right = token_request(client, c, grant_type="password", username=user.username, password=PASSWORD)
        wrong = token_request(client, c, grant_type="password", username=user.username, password="wrong")
    assert right.status_code == wrong.status_code == 400
    assert right.json() == wrong.json()
    assert right.json()["error"] in ("unsupported_grant_type", "unauthorized_client")
    authenticate.assert_not_called()
    # Nor counted as failed sign-ins: these requests cannot lock the person out.
    assert not AccessAttempt.objects.exists()


def test_the_password_grant_fails_the_same_for_confidential_clients(client, user, service_client):
    right = token_request(client, service_client, grant_type="password", username=user.username, password=PASSWORD)
    wrong = token_request(client, service_client, grant_type="password", username=user.username, password="x")
    assert right.status_code == wrong.status_code == 400
    assert right.json() == wrong.json()
    assert "access_token" not in right.json()
