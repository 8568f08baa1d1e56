"""The admin at scale: seed PostgreSQL with COPY, then time the console's pages and actions.

    DATABASE_URL=postgres://... python -m bench.scale seed --tokens 1000000
    DATABASE_URL=postgres://... python -m bench.scale measure [--explain]
    DATABASE_URL=postgres://... python -m bench.scale purge

``seed`` migrates and fills an empty database once (``--tokens`` access-token rows, half
live and half expired, half of the live ones signed by a second key that ``measure``
revokes; a tenth as many ``RevokedToken`` rows; refresh tokens for a tenth of the
tokens; users and clients in proportion; one person with many connected apps). It
refuses a database that already holds tokens: seed once, measure many times. The default
size is small enough for CI (seconds), where ``measure --check`` then asserts only that
the pages answer and the tables have the seeded shape.

``measure`` signs in a superuser through Django's test client and prints, per page or
action, the server time (best of ``--rounds``), the number of SQL statements and whether
one of them counted a whole table. ``--explain`` prints PostgreSQL's plan of the
statements of the slowest of them. Times on a shared machine are noisy: compare ratios
and plans, not absolute figures.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import secrets
import sys
import time
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from oauth2_provider.models import AccessToken, Application, RefreshToken  # noqa: E402

from oauth_jwt.models import RevokedToken, SigningKey  # noqa: E402
from oauth_jwt.server import signing_keys  # noqa: E402
from oauth_jwt.server.token_records import KEY_WIDTH  # noqa: E402

CHUNK = 50_000
ADMIN = "bench-admin"
FAN = "bench-fan"  # the person with many connected apps
UNBOUNDED_COUNT = re.compile(r"SELECT COUNT\(\*\) AS \"__count\" FROM \"(?!.*LIMIT)", re.S)


def _copy(table: str, columns: list[str], rows) -> int:
    """COPY ``rows`` (tuples of text, ``None`` for NULL) into ``table`` in chunks."""
    n = 0
    with connection.cursor() as cur:
        raw = cur.cursor
        with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            buf = io.StringIO()
            for row in rows:
                buf.write("\t".join("\\N" if v is None else str(v) for v in row))
                buf.write("\n")
                n += 1
                if n % CHUNK == 0:
                    copy.write(buf.getvalue())
                    buf = io.StringIO()
            copy.write(buf.getvalue())
    return n


def _ts(when: datetime) -> str:
    return when.isoformat()


def _record(key_pk: int, auth_time: int | None) -> str:
    jti = secrets.token_urlsafe(16)
    key = f"{key_pk:0{KEY_WIDTH}d}"
    return f"{jti} {key}" if auth_time is None else f"{jti} {key} {auth_time}"


def seed(args) -> dict:
    if connection.vendor != "postgresql":
        sys.exit("bench.scale seeds PostgreSQL only (COPY): set DATABASE_URL")
    call_command("migrate", verbosity=0)
    if AccessToken.objects.exists():
        sys.exit("the database already holds tokens: seed once, then measure")
    started = time.monotonic()
    tokens, now = args.tokens, datetime.now(dt_timezone.utc)
    users = max(100, tokens // 10)
    clients = max(10, tokens // 100)
    salt = secrets.token_hex(8)
    User = get_user_model()
    User.objects.create_superuser(ADMIN, "admin@example.com", "bench-password")
    _copy(
        User._meta.db_table,
        [
            "password",
            "is_superuser",
            "username",
            "first_name",
            "last_name",
            "email",
            "is_staff",
            "is_active",
            "date_joined",
        ],
        (("!", "f", f"user{i}", "", "", f"user{i}@example.com", "f", "t", _ts(now)) for i in range(users)),
    )
    fan = User.objects.create_user(FAN)
    first_user = User.objects.filter(username="user0").values_list("pk", flat=True).get()
    _copy(
        Application._meta.db_table,
        [
            "client_id",
            "redirect_uris",
            "client_type",
            "authorization_grant_type",
            "client_secret",
            "name",
            "skip_authorization",
            "created",
            "updated",
            "algorithm",
            "post_logout_redirect_uris",
            "hash_client_secret",
            "allowed_origins",
            "registration_source",
        ],
        (
            (
                f"client-{i}",
                "https://app.example/cb",
                "confidential",
                "authorization-code",
                "",
                f"App {i}",
                "f",
                _ts(now),
                _ts(now),
                "",
                "",
                "f",
                "",
                "admin",
            )
            for i in range(clients)
        ),
    )
    first_app = Application.objects.order_by("pk").values_list("pk", flat=True).first()
    live_key = signing_keys.create_key()
    doomed = signing_keys.create_key()  # signs half the live tokens; measure revokes it
    signing_keys.create_key()  # the key signing now; the other two are retired
    doomed.refresh_from_db()
    live_key.refresh_from_db()
    fan_apps = min(args.fan_apps, clients)

    def access_rows():
        for i in range(tokens):
            live = i % 2 == 0
            created = now - timedelta(days=30) + timedelta(seconds=i * (30 * 86400 / tokens))
            expires = now + timedelta(hours=1) if live else now - timedelta(hours=1)
            if i < fan_apps:  # one token for each of the fan's apps
                user, app = fan.pk, first_app + i
            else:
                user, app = first_user + i % users, first_app + i % clients
            key = doomed.pk if live and i % 4 == 0 else live_key.pk
            yield (
                _record(key, int(created.timestamp())),
                _ts(expires),
                "read",
                app,
                user,
                _ts(created),
                _ts(created),
                f"{salt}{i:048x}",
                "[]",
            )

    _copy(
        AccessToken._meta.db_table,
        ["token", "expires", "scope", "application_id", "user_id", "created", "updated", "token_checksum", "resource"],
        access_rows(),
    )
    with connection.cursor() as cur:
        cur.execute(f"SELECT min(id) FROM {AccessToken._meta.db_table}")
        first_token = cur.fetchone()[0]
    refresh = tokens // 10
    _copy(
        RefreshToken._meta.db_table,
        ["token", "access_token_id", "application_id", "user_id", "created", "updated", "token_checksum", "resource"],
        (
            (
                "",
                first_token + i * 10,
                first_app + (i * 10) % clients if i * 10 >= fan_apps else first_app + i * 10,
                (first_user + (i * 10) % users) if i * 10 >= fan_apps else fan.pk,
                _ts(now),
                _ts(now),
                f"{salt}r{i:047x}",
                "[]",
            )
            for i in range(refresh)
        ),
    )
    revoked = tokens // 10
    _copy(
        RevokedToken._meta.db_table,
        [
            "jti",
            "token_checksum",
            "kid",
            "subject",
            "client_id",
            "audience",
            "scope",
            "issued_at",
            "expires_at",
            "revoked_at",
        ],
        (
            (
                secrets.token_urlsafe(16),
                f"{salt}v{i:047x}",
                live_key.kid,
                str(first_user + i % users),
                f"client-{i % clients}",
                '["https://api.example"]',
                "read",
                _ts(now - timedelta(minutes=5)),
                _ts(now + timedelta(hours=1) if i % 2 else now - timedelta(hours=1)),
                _ts(now),
            )
            for i in range(revoked)
        ),
    )
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    return {
        "users": users,
        "clients": clients,
        "access_tokens": tokens,
        "refresh_tokens": refresh,
        "revoked_tokens": revoked,
        "doomed_kid": doomed.kid,
        "seconds": round(time.monotonic() - started, 1),
    }


def _pages(check: bool) -> list[tuple[str, str, dict | None]]:
    jti = AccessToken.objects.order_by("-pk").values_list("token", flat=True).first().split(" ")[0]
    doomed = SigningKey.objects.filter(state__in=["retired", "revoked"]).order_by("created_at").last()
    total = AccessToken.objects.order_by().values("pk").last()
    last_page = max(1, min(5000, (total["pk"] if total else 1) // 200))
    fan = get_user_model().objects.get(username=FAN)
    pages = [
        ("admin index (dashboard)", "/admin/", None),
        ("access-token list", "/admin/oauth2_provider/accesstoken/", None),
        ("access-token list, active", "/admin/oauth2_provider/accesstoken/?status=active", None),
        ("access-token search by jti", f"/admin/oauth2_provider/accesstoken/?q={jti}", None),
        ("access-token search by client id", "/admin/oauth2_provider/accesstoken/?q=client-7", None),
        (f"access-token list, page {last_page}", f"/admin/oauth2_provider/accesstoken/?p={last_page}", None),
        ("access-token detail", f"/admin/oauth2_provider/accesstoken/{total['pk']}/change/", None),
        ("clients list (live-token counts)", "/admin/oauth2_provider/application/", None),
        ("clients search", "/admin/oauth2_provider/application/?q=client-7", None),
        ("refresh-token list", "/admin/oauth2_provider/refreshtoken/", None),
        ("revoked-token list", "/admin/oauth_jwt/revokedtoken/", None),
        ("revoked-token search by jti", f"/admin/oauth_jwt/revokedtoken/?q={jti}", None),
        ("signing keys", "/admin/oauth_jwt/signingkey/", None),
        ("user's tokens (filter)", f"/admin/oauth2_provider/accesstoken/?user__id__exact={fan.pk}", None),
    ]
    if doomed is not None and not check:
        post = {"action": "revoke", "_selected_action": [doomed.pk]}
        pages.append(("revoke key: confirmation", "/admin/oauth_jwt/signingkey/", post))
        pages.append(("revoke key: done", "/admin/oauth_jwt/signingkey/", {**post, "post": "yes"}))
    return pages


def _unrevoke() -> None:
    """Put the seeded second key back as it was, so the revocation can be measured again."""
    SigningKey.objects.filter(state="revoked").update(state="retired", revoked_at=None)
    signing_keys.invalidate_cache()


def check_shape() -> None:
    """What ``seed`` makes: half the access tokens live, a quarter of the live ones
    signed by the second key, refresh and revoked tokens a tenth, the fan's apps."""
    from django.utils import timezone

    from oauth_jwt.server import token_records

    total = AccessToken.objects.count()
    live = AccessToken.objects.filter(expires__gt=timezone.now())
    doomed = SigningKey.objects.exclude(state="active").order_by("created_at").last()
    problems = [
        f"{name}: {got} != {want}"
        for name, got, want in (
            ("live tokens", live.count(), (total + 1) // 2),
            ("signed by the second key", token_records.signed_by(live, doomed.pk).count(), (total + 3) // 4),
            ("refresh tokens", RefreshToken.objects.count(), total // 10),
            ("revoked tokens", RevokedToken.objects.count(), total // 10),
        )
        if got != want
    ]
    if problems:
        sys.exit("the seeded tables do not have their shape: " + "; ".join(problems))


def measure(args) -> dict:
    if args.check:
        check_shape()
    client = Client()
    client.force_login(get_user_model().objects.get(username=ADMIN))
    client.get("/admin/")  # warm up: templates, imports, the key snapshot
    rows = []
    for label, url, post in _pages(args.check):
        best, queries, whole = None, 0, False
        for _ in range(1 if post else args.rounds):
            if post and post.get("post") == "yes":
                _unrevoke()
            with CaptureQueriesContext(connection) as ctx:
                start = time.perf_counter()
                response = client.post(url, post) if post else client.get(url)
                elapsed = time.perf_counter() - start
            if response.status_code not in (200, 302):
                sys.exit(f"{label}: HTTP {response.status_code}")
            best = elapsed if best is None else min(best, elapsed)
            queries = len(ctx.captured_queries)
            whole = whole or any(UNBOUNDED_COUNT.search(q["sql"]) for q in ctx.captured_queries)
            slowest = max(ctx.captured_queries, key=lambda q: float(q["time"]))
        rows.append({"page": label, "ms": round(best * 1000), "queries": queries, "counts_table": whole})
        if args.explain and not post and float(slowest["time"]) > 0.02:
            with connection.cursor() as cur:
                cur.execute("EXPLAIN (ANALYZE, BUFFERS OFF) " + slowest["sql"])
                plan = "\n".join(r[0] for r in cur.fetchall())
            rows[-1]["slowest_sql"] = slowest["sql"][:300]
            rows[-1]["plan"] = plan
    if any(r["page"] == "revoke key: done" for r in rows):
        _unrevoke()
    return {"access_tokens": _estimate(AccessToken), "pages": rows}


def _estimate(model) -> int:
    with connection.cursor() as cur:
        cur.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = %s", [model._meta.db_table])
        return cur.fetchone()[0]


def purge(args) -> dict:
    start = time.perf_counter()
    out = io.StringIO()
    call_command("purgetokens", stdout=out)
    return {"seconds": round(time.perf_counter() - start, 1), "output": out.getvalue().splitlines()[-3:]}


def table(result: dict) -> str:
    lines = ["| page or action | ms | SQL statements | counts a whole table |", "|---|---:|---:|---|"]
    for row in result["pages"]:
        lines.append(f"| {row['page']} | {row['ms']} | {row['queries']} | {'yes' if row['counts_table'] else 'no'} |")
    for row in result["pages"]:
        if "plan" in row:
            lines += ["", f"{row['page']}: {row['slowest_sql']}", row["plan"]]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="action", required=True)
    s = sub.add_parser("seed")
    s.add_argument("--tokens", type=int, default=20_000)
    s.add_argument("--fan-apps", type=int, default=1_000)
    m = sub.add_parser("measure")
    m.add_argument("--rounds", type=int, default=3)
    m.add_argument("--explain", action="store_true")
    m.add_argument("--check", action="store_true", help="CI: every page answers, no table is counted whole")
    m.add_argument("--json", action="store_true")
    sub.add_parser("purge")
    args = parser.parse_args()
    result = {"seed": seed, "measure": measure, "purge": purge}[args.action](args)
    if args.action == "measure" and not args.json:
        print(table(result))
        if args.check and any(r["counts_table"] for r in result["pages"]):
            sys.exit("a page counted a whole table")
    else:
        print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
