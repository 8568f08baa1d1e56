"""The console at scale (issue 19): what a page costs must not grow with the tables.

Each test counts SQL statements, or looks at the SQL itself, with rows added between two
loads of the same page; none of them times anything. On PostgreSQL the jti search is
also checked with EXPLAIN. The figures at a million rows are in docs/benchmarks.md
(``bench/scale.py``)."""

from __future__ import annotations

import re
import secrets
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from oauth2_provider.models import get_access_token_model, get_application_model

from oauth_jwt.models import RevokedToken
from oauth_jwt.server import counting, signing_keys, token_records
from oauth_jwt.server.admin import clients as client_admin
from oauth_jwt.server.token_records import TokenRecord

pytestmark = pytest.mark.django_db

TOKENS = "/admin/oauth2_provider/accesstoken/"
REVOKED = "/admin/oauth_jwt/revokedtoken/"
CLIENTS = "/admin/oauth2_provider/application/"
AccessToken = get_access_token_model()
Application = get_application_model()
ON_POSTGRESQL = connection.vendor == "postgresql"


def add_tokens(app, n: int, user=None, live: bool = True) -> list:
    """``n`` rows as the token endpoint leaves them (a record, a checksum), in one INSERT."""
    key = signing_keys.signing_key().pk
    expires = timezone.now() + timedelta(hours=1 if live else -1)
    rows = []
    for _ in range(n):
        row = AccessToken(application=app, user=user, scope="read", expires=expires)
        row.token = TokenRecord(secrets.token_urlsafe(16), key).encode()
        row._raw_token = secrets.token_urlsafe(32)
        rows.append(row)
    return AccessToken.objects.bulk_create(rows)


def add_clients(n: int) -> list:
    return Application.objects.bulk_create(
        Application(
            client_id=f"bulk-{i}-{secrets.token_hex(4)}",
            name=f"Bulk app {i}",
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
        )
        for i in range(n)
    )


def load(client, url: str, **params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return response, [q["sql"] for q in queries.captured_queries]


def unbounded_counts(statements: list[str]) -> list[str]:
    """Every COUNT that is not over a LIMIT-ed subquery: a count that reads a table whole."""
    return [sql for sql in statements if re.search(r"COUNT\(", sql, re.I) and "LIMIT" not in sql.upper()]


@pytest.mark.parametrize("url", [TOKENS, TOKENS + "?status=active", REVOKED, CLIENTS, "/admin/"])
def test_no_page_counts_a_whole_table_and_none_grows_with_it(admin_client, service_client, url):
    add_tokens(service_client.app, 3)
    _, before = load(admin_client, url)
    add_tokens(service_client.app, 40)
    add_tokens(service_client.app, 10, live=False)
    add_clients(5)
    _, after = load(admin_client, url)
    assert unbounded_counts(after) == []
    assert len(after) == len(before)


def test_counts_stop_at_the_cap(admin_client, service_client, monkeypatch):
    """Past ``COUNT_CAP`` rows the count comes from PostgreSQL's planner; elsewhere it is exact."""
    monkeypatch.setattr(counting, "COUNT_CAP", 5)
    add_tokens(service_client.app, 12)
    if ON_POSTGRESQL:
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {AccessToken._meta.db_table}")
    response, statements = load(admin_client, TOKENS)
    count = response.context["cl"].result_count
    if ON_POSTGRESQL:
        assert isinstance(count, counting.Estimated) and count > 5
        assert not any("COUNT(" in sql.upper() for sql in statements)  # the table's reltuples
    else:
        assert count == 12
    assert len(response.context["cl"].result_list) == 12
    assert counting.estimated_count(AccessToken.objects.filter(pk__lt=0)) == 0
    assert counting.estimated_count(AccessToken.objects.none()) == 0


def test_the_jti_search_reads_the_jti_index(admin_client, service_client):
    """DOT's search is ``icontains`` over the client and the person; with a jti it read
    every row. Now each part of the search has an index, and none is a LIKE."""
    wanted = add_tokens(service_client.app, 5)[2]
    jti = token_records.of(wanted).jti
    response, statements = load(admin_client, TOKENS, q=jti)
    assert [token_records.of(row).jti for row in response.context["cl"].result_list] == [jti]
    page = [sql for sql in statements if 'FROM "oauth2_provider_accesstoken"' in sql and "LIMIT" in sql][-1]
    assert "LIKE" not in page.upper() and 'SUBSTR("OAUTH2_PROVIDER_ACCESSTOKEN"."TOKEN", 1, 23)' in page.upper()
    if ON_POSTGRESQL:
        rows = token_records.with_jti_alias(AccessToken.objects.all()).filter(token_records.jti_is(jti))
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            sql, params = rows.query.sql_with_params()
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = "\n".join(line for (line,) in cursor.fetchall())
        assert token_records.JTI_INDEX in plan


def test_a_client_id_or_username_search_is_exact(admin_client, service_client, user):
    mine = add_tokens(service_client.app, 2)
    add_tokens(add_clients(1)[0], 2)
    theirs = add_tokens(None, 1, user=user)
    found = load(admin_client, TOKENS, q=service_client.client_id)[0].context["cl"].result_list
    assert {row.pk for row in found} == {row.pk for row in mine}
    assert [row.pk for row in load(admin_client, TOKENS, q=user.username)[0].context["cl"].result_list] == [
        theirs[0].pk
    ]
    assert list(load(admin_client, TOKENS, q=service_client.client_id[:4])[0].context["cl"].result_list) == []


def test_the_sidebar_lists_only_the_client_chosen(admin_client, service_client):
    others = add_clients(3)
    add_tokens(service_client.app, 1)
    html = load(admin_client, TOKENS)[0].content.decode()
    assert all(app.name not in html for app in others)
    chosen = load(admin_client, TOKENS, application__id__exact=others[0].pk)[0].content.decode()
    assert others[0].name in chosen and others[1].name not in chosen
    assert load(admin_client, TOKENS, application__id__exact="nope")[0].status_code == 200


def test_the_revoked_list_filters_list_only_what_was_chosen(admin_client, user):
    now = timezone.now()
    RevokedToken.objects.bulk_create(
        RevokedToken(
            jti=secrets.token_urlsafe(16),
            token_checksum=secrets.token_hex(32),
            kid="k",
            subject=str(user.pk),
            client_id=f"gone-{i}",
            audience=["https://api.example"],
            scope="read",
            issued_at=now,
            expires_at=now + timedelta(hours=1),
            revoked_at=now,
        )
        for i in range(3)
    )
    html = load(admin_client, REVOKED)[0].content.decode()
    assert "?client_id=gone-1" not in html and f"?user={user.pk}" not in html
    chosen = load(admin_client, REVOKED, client_id="gone-1")[0]
    assert "?client_id=gone-1" in chosen.content.decode() and len(chosen.context["cl"].result_list) == 1


def test_the_clients_list_counts_live_tokens_up_to_a_cap(admin_client, service_client, monkeypatch):
    monkeypatch.setattr(client_admin, "ACTIVE_TOKENS_CAP", 3)
    small = add_clients(1)[0]
    add_tokens(service_client.app, 5)
    add_tokens(small, 2)
    add_tokens(small, 4, live=False)
    html = load(admin_client, CLIENTS)[0].content.decode()
    assert f"?application__id__exact={service_client.app.pk}&amp;status=active" in html
    assert re.search(r'class="field-active_tokens"><a [^>]*>3\+</a>', html)
    assert re.search(rf'application__id__exact={small.pk}&amp;status=active">2</a>', html)


def test_a_deep_page_past_the_estimate_is_not_an_error(admin_client, service_client):
    add_tokens(service_client.app, 3)
    response = admin_client.get(TOKENS, {"p": 9999})
    assert response.status_code in (200, 302)


def test_a_deep_page_reads_its_keys_first(admin_client, service_client, monkeypatch):
    from django.contrib import admin

    from oauth_jwt.server.admin import paging

    monkeypatch.setattr(paging, "KEYS_FIRST_FROM", 2)
    monkeypatch.setattr(admin.site._registry[AccessToken], "list_per_page", 2)
    rows = add_tokens(service_client.app, 5)
    response, statements = load(admin_client, TOKENS, p=2)
    assert [row.pk for row in response.context["cl"].result_list] == [rows[2].pk, rows[1].pk]
    deep = [sql for sql in statements if "OFFSET" in sql.upper()]
    # Django 5 names the column "pk"; 4.2 does not.
    assert len(deep) == 1 and re.match(r'SELECT "oauth2_provider_accesstoken"\."id"( AS "pk")? FROM', deep[0])
