"""Migration 0004: live JWTs move their record into DOT's row, revoked ones stay;
0006: the records get their indexes."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from oauth2_provider.models import get_access_token_model

from oauth_jwt.server import token_records

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
    assert token_records.decode(tokens["a" * 64]) == token_records.TokenRecord("live-client", key.pk)
    assert token_records.decode(tokens["b" * 64]) == token_records.TokenRecord(
        "live-person", key.pk, int(now.timestamp())
    )
    revoked = apps.get_model("oauth_jwt", "RevokedToken").objects.get()
    assert (revoked.jti, revoked.token_checksum, revoked.kid) == ("revoked", "c" * 64, "k1")


WITHOUT_INDEXES = [("oauth_jwt", "0005_staged_signing_keys")]
WITH_INDEXES = [("oauth_jwt", "0006_token_record_indexes")]


def record_indexes(table: str) -> set[str]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return {name for name in constraints if name in (token_records.JTI_INDEX, token_records.KEY_INDEX)}


@pytest.fixture
def before_indexes(transactional_db):
    apps = migrate(WITHOUT_INDEXES)
    yield apps
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def test_0006_indexes_the_records_and_gives_them_the_fixed_width_key(before_indexes):
    AccessToken = before_indexes.get_model("oauth2_provider", "AccessToken")
    table = AccessToken._meta.db_table
    assert record_indexes(table) == set()
    later = timezone.now() + timedelta(minutes=10)
    jti = "A" * token_records.JTI_LENGTH
    AccessToken.objects.create(token=f"{jti} 7 1700000000", expires=later, scope="read")
    AccessToken.objects.create(token="an-opaque-dot-token", expires=later, scope="read")

    apps = migrate(WITH_INDEXES)

    assert record_indexes(table) == {token_records.JTI_INDEX, token_records.KEY_INDEX}
    record = f"{jti} 0000000007 1700000000"
    tokens = set(apps.get_model("oauth2_provider", "AccessToken").objects.values_list("token", flat=True))
    assert tokens == {record, "an-opaque-dot-token"}
    live = get_access_token_model().objects.all()
    assert [row.token for row in token_records.signed_by(live, 7)] == [record]
    assert [row.token for row in token_records.with_jti(live, jti)] == [record]

    migrate(WITHOUT_INDEXES)
    assert record_indexes(table) == set()
