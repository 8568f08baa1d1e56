"""Django-side helpers of the benchmark, run as ``python -m bench.seed ACTION`` with
``DJANGO_SETTINGS_MODULE`` set to ``bench.settings`` (oauth_jwt) or
``bench.plain_dot.settings`` (plain DOT). Every action prints one JSON document."""

from __future__ import annotations

import argparse
import json
import secrets
import time
from datetime import timedelta

import django

django.setup()

from django.apps import apps  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from oauth2_provider.models import AccessToken, Application, RefreshToken  # noqa: E402
from oauth2_provider.settings import oauth2_settings  # noqa: E402

JWT = apps.is_installed("oauth_jwt")


def setup(args) -> dict:
    """A user and the clients; secrets are generated here and handed to the driver."""
    user, _ = get_user_model().objects.get_or_create(username="bench")
    clients = {}
    for client_id, hashed in (("bench-hashed", True), ("bench-plain", False)):
        secret = secrets.token_urlsafe(32)
        Application.objects.filter(client_id=client_id).delete()
        Application.objects.create(
            client_id=client_id,
            name=client_id,
            user=user,
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
            client_secret=secret,
            hash_client_secret=hashed,
        )
        clients[client_id] = secret
    if JWT and args.algorithm:
        from oauth_jwt.server import signing_keys

        signing_keys.create_key(args.algorithm)
    stored = Application.objects.get(client_id="bench-hashed").client_secret
    return {"clients": clients, "hasher": stored.split("$", 1)[0]}


def rotate(args) -> dict:
    from oauth_jwt.server import signing_keys

    return {"kid": signing_keys.rotate(args.algorithm).kid}


def _access_token(app, user, raw: str, expires):
    token = AccessToken(user=user, application=app, scope="read", expires=expires)
    if oauth2_settings.COMPLIANT_BCP_RFC9700_TOKEN_STORAGE:
        token.token = ""
        token._raw_token = raw
    else:
        token.token = raw
    if JWT:  # the record oauth_jwt keeps in DOT's row (oauth_jwt.records)
        from oauth_jwt.server import signing_keys
        from oauth_jwt.server.token_records import TokenRecord

        token.token = TokenRecord(secrets.token_urlsafe(16), signing_keys.signing_key().pk, int(time.time())).encode()
        token._raw_token = raw  # the checksum is the token's in both storage modes
    return token


def refresh_tokens(args) -> dict:
    """``count`` refresh tokens, each with its access token, as the code flow leaves them."""
    user = get_user_model().objects.get(username="bench")
    app = Application.objects.get(client_id=args.client)
    expires = timezone.now() + timedelta(seconds=600)
    raws = [secrets.token_urlsafe(24) for _ in range(args.count)]
    with transaction.atomic():
        access = AccessToken.objects.bulk_create(
            [_access_token(app, user, secrets.token_urlsafe(24), expires) for _ in raws]
        )
        refresh = []
        for raw, at in zip(raws, access, strict=True):
            rt = RefreshToken(user=user, application=app, access_token=at)
            if oauth2_settings.COMPLIANT_BCP_RFC9700_TOKEN_STORAGE:
                rt.token = ""
                rt._raw_token = raw
            else:
                rt.token = raw
            refresh.append(rt)
        RefreshToken.objects.bulk_create(refresh)
    with open(args.out, "w") as fh:
        fh.write("\n".join(raws) + "\n")
    return {"refresh_tokens": len(raws)}


def mint(args) -> dict:
    """``count`` access tokens for ``client`` signed by the hub's key, with no row behind
    them: each one reaches ``/api/me`` for the first time (``bench/ab.py``, fresh tokens)."""
    import jwt

    from oauth_jwt.conf import jwt_settings
    from oauth_jwt.resource import signatures
    from oauth_jwt.server import signing_keys

    key = signing_keys.signing_key()
    now = int(time.time())
    claims = {"iss": jwt_settings.ISSUER, "sub": args.client, "aud": jwt_settings.DEFAULT_AUDIENCE}
    claims.update(client_id=args.client, scope="read", iat=now, exp=now + args.lifetime)
    with open(args.out, "w") as fh:
        for _ in range(args.count):
            token = jwt.encode(
                {**claims, "jti": secrets.token_urlsafe(16)},
                key.key,
                algorithm=key.algorithm,
                headers={"typ": "at+jwt", "kid": key.kid},
            )
            fh.write(signatures.canonical(token, key.algorithm) + "\n")
    return {"tokens": args.count}


def _token_tables():
    models = [AccessToken]
    if JWT:
        from oauth_jwt.models import RevokedToken

        models.append(RevokedToken)
    return models


def _hex64(g: str, salt: int) -> str:
    if connection.vendor == "postgresql":
        parts = [f"lpad(to_hex(({g})::bigint * {m} + {salt}), 16, '0')" for m in (1, 7919, 104729, 1299709)]
        return " || ".join(parts)
    return f"printf('%016x%016x%016x%016x', {g}, {g} * 7919 + {salt}, {g} * 104729, {g} * 1299709 + {salt})"


def fill(args) -> dict:
    """Bring the access-token table to ``rows`` rows by copying the newest real row
    inside the database, with fresh unique values."""
    have = AccessToken.objects.count()
    missing = args.rows - have
    if missing > 0:
        salt = secrets.randbelow(1 << 30)
        _copy_rows(AccessToken, have, args.rows, salt)
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("ANALYZE")
    return {"rows": AccessToken.objects.count()}


def _copy_rows(model, start: int, end: int, salt: int) -> None:
    template = model.objects.order_by("-pk").values().first()
    table = connection.ops.quote_name(model._meta.db_table)
    columns, exprs = [], []
    for f in model._meta.concrete_fields:
        if f.primary_key:
            continue
        col = f.column
        columns.append(connection.ops.quote_name(col))
        if col == "token_checksum":
            exprs.append(_hex64("g", salt))
        elif col == "token":
            # As long as the template's (DOT's opaque token, or oauth_jwt's record).
            length = len(template[f.attname])
            exprs.append(f"substr({_hex64('g', salt + 1)}, 1, {length})" if length else "''")
        elif f.unique and f.null:
            exprs.append("NULL")
        else:
            exprs.append(f"t.{connection.ops.quote_name(col)}")
    pk = connection.ops.quote_name(model._meta.pk.column)
    select = f"SELECT {', '.join(exprs)} FROM {{series}}, {table} t WHERE t.{pk} = %s"
    if connection.vendor == "postgresql":
        sql = f"INSERT INTO {table} ({', '.join(columns)}) " + select.format(
            series=f"generate_series({start + 1}, {end}) AS s(g)"
        )
    else:
        sql = (
            f"WITH RECURSIVE s(g) AS (SELECT {start + 1} UNION ALL SELECT g + 1 FROM s WHERE g < {end}) "
            f"INSERT INTO {table} ({', '.join(columns)}) " + select.format(series="s")
        )
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(sql, [template[model._meta.pk.attname]])


def sizes(args) -> dict:
    """Database bytes of the access-token tables (with their indexes), and their rows."""
    rows = AccessToken.objects.count()
    total = 0
    with connection.cursor() as cur:
        # Compact first, on both projects alike: what is measured is what the rows and
        # their indexes take, not how the synthetic fill happened to split index pages.
        if connection.vendor == "postgresql":
            for model in _token_tables():
                cur.execute(f"VACUUM FULL {connection.ops.quote_name(model._meta.db_table)}")
        else:
            cur.execute("VACUUM")
        for model in _token_tables():
            table = model._meta.db_table
            if connection.vendor == "postgresql":
                cur.execute("SELECT pg_total_relation_size(%s)", [table])
                total += cur.fetchone()[0]
            else:
                try:
                    cur.execute(
                        "SELECT SUM(pgsize) FROM dbstat WHERE name = %s OR name IN "
                        "(SELECT name FROM sqlite_master WHERE tbl_name = %s AND type = 'index')",
                        [table, table],
                    )
                except Exception:  # dbstat is an optional SQLite build feature
                    return {"rows": rows, "bytes": None}
                total += cur.fetchone()[0] or 0
    return {"rows": rows, "bytes": total}


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="action", required=True)
    p = sub.add_parser("setup")
    p.add_argument("--algorithm", default="")
    p = sub.add_parser("rotate")
    p.add_argument("--algorithm", required=True)
    p = sub.add_parser("refresh")
    p.add_argument("--client", required=True)
    p.add_argument("--count", type=int, required=True)
    p.add_argument("--out", required=True)
    p = sub.add_parser("mint")
    p.add_argument("--client", required=True)
    p.add_argument("--count", type=int, required=True)
    p.add_argument("--lifetime", type=int, default=4 * 3600)
    p.add_argument("--out", required=True)
    p = sub.add_parser("fill")
    p.add_argument("--rows", type=int, required=True)
    p = sub.add_parser("sizes")
    p = sub.add_parser("micro")
    p.add_argument("--iterations", type=int, default=1000)
    p = sub.add_parser("fallback")
    p.add_argument("--iterations", type=int, default=1000)
    p = sub.add_parser("dpop")
    p.add_argument("--iterations", type=int, default=1000)
    args = parser.parse_args()
    if args.action == "micro":
        from bench.micro import run as micro

        result = micro(args.iterations)
    elif args.action == "fallback":
        from bench.fallback import run as fallback

        result = fallback(args.iterations)
    elif args.action == "dpop":
        from bench.dpop import run as dpop

        result = dpop(args.iterations)
    else:
        result = {
            "setup": setup,
            "rotate": rotate,
            "refresh": refresh_tokens,
            "mint": mint,
            "fill": fill,
            "sizes": sizes,
        }[args.action](args)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
