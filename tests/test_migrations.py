"""Migration 0004: live JWTs move their record into DOT's row, revoked ones stay."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from oauth_jwt import records

BEFORE = [("oauth_jwt", "0003_redeemedcode_client_resources")]
AFTER = [("oauth_jwt", "0004_token_records_in_dot_rows")]


def migrate(targets):
    """Migrate oauth_jwt to ``targets``; the models as of there, DOT's included (this
    app's migrations do not depend on DOT's: resource servers run without it)."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    dot = [node for node in executor.loader.graph.leaf_nodes() if node[0] == "oauth2_provider"]
    return executor.loader.project_state(targets + dot).apps


@pytest.fixture
def at_0003(transactional_db):
    apps = migrate(BEFORE)
    yield apps
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def test_live_records_move_into_dot_rows_and_revoked_ones_stay(at_0003):
    apps = at_0003
    Application = apps.get_model("oauth2_provider", "Application")
    AccessToken = apps.get_model("oauth2_provider", "AccessToken")
    IssuedToken = apps.get_model("oauth_jwt", "IssuedToken")
    key = apps.get_model("oauth_jwt", "SigningKey").objects.create(
        kid="k1", algorithm="ES256", state="retired", public_jwk={}, encrypted_private_key="x"
    )
    app = Application.objects.create(client_id="c1", client_type="confidential", authorization_grant_type="x")
    now = timezone.now()
    later = now + timedelta(minutes=10)
    for checksum in ("a" * 64, "b" * 64):
        AccessToken.objects.create(token="", token_checksum=checksum, application=app, expires=later, scope="read")
    common = {"kid": "k1", "client_id": "c1", "subject": "c1", "issued_at": now, "expires_at": later}
    IssuedToken.objects.create(jti="live-client", token_checksum="a" * 64, **common)
    IssuedToken.objects.create(jti="live-person", token_checksum="b" * 64, auth_time=now, **common)
    IssuedToken.objects.create(jti="revoked", token_checksum="c" * 64, revoked_at=now, **common)

    apps = migrate(AFTER)

    tokens = dict(apps.get_model("oauth2_provider", "AccessToken").objects.values_list("token_checksum", "token"))
    assert records.decode(tokens["a" * 64]) == records.TokenRecord("live-client", key.pk)
    assert records.decode(tokens["b" * 64]) == records.TokenRecord("live-person", key.pk, int(now.timestamp()))
    revoked = apps.get_model("oauth_jwt", "RevokedToken").objects.get()
    assert (revoked.jti, revoked.token_checksum, revoked.kid) == ("revoked", "c" * 64, "k1")
