"""HS256 clients are refused: an HS256 ID token is signed with the client's secret,
which the hub keeps only hashed, so the hub signs every ID token with its own keys."""

import pytest
from django.core import checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from oauth_jwt.checks import ids as oj_ids
from oauth_jwt.checks import server as server_checks

from .admin.test_clients import ADD, client_form
from .conftest import Application, make_client

pytestmark = pytest.mark.django_db


def test_the_check_names_each_hs256_client(web_client):
    assert server_checks.check_id_token_algorithms(databases=["default"]) == []
    legacy = make_client(Application.GRANT_AUTHORIZATION_CODE, name="Legacy", algorithm=Application.HS256_ALGORITHM)
    [error] = server_checks.check_id_token_algorithms(databases=["default"])
    assert error.id == oj_ids.E070_HS256_CLIENTS and error.level == checks.ERROR
    assert legacy.client_id in error.msg and web_client.client_id not in error.msg
    call_command("check")  # database checks run with a database named
    with pytest.raises(SystemCheckError, match="oauth_jwt.E070"):
        call_command("check", "--database", "default")


def test_the_check_is_registered():
    assert server_checks.check_id_token_algorithms in checks.registry.registry.get_checks()


def test_the_admin_refuses_hs256_with_the_reason(admin_client):
    response = admin_client.post(ADD, client_form(algorithm=Application.HS256_ALGORITHM))
    assert response.status_code == 200
    assert "hashed" in " ".join(response.context["adminform"].form.errors["algorithm"])
    assert not Application.objects.filter(client_id="billing").exists()
    assert admin_client.post(ADD, client_form()).status_code == 200
    assert Application.objects.filter(client_id="billing", algorithm=Application.NO_ALGORITHM).exists()
