"""What the hub keeps of a JWT it issued, inside DOT's own ``AccessToken`` row.

DOT's row already holds who (``user``, ``application``), what (``scope``,
``resource``), when (``created``, ``expires``) and the SHA-256 of the token
(``token_checksum``). The JWT adds three facts the row cannot derive: its ``jti``, the
signing key, and ``auth_time``. They go into DOT's ``token`` column as one short text,
the token *record*, written by the row's own INSERT (``docs/token-records.md``)::

    "<jti> <signing key pk, 10 digits>"                  client tokens
    "<jti> <signing key pk, 10 digits> <auth_time>"      tokens of a person

With ``COMPLIANT_BCP_RFC9700_TOKEN_STORAGE`` off (DOT's default: tokens kept at rest)
the JWT follows as the last part, so that DOT's refresh grace period can hand the same
JWT out again (``JWTOAuth2Validator.save_bearer_token``). Either way the checksum is the
SHA-256 of the JWT: the column holds a ``StoredRecord``, text that DOT's checksum field
treats as blank, so no save ever hashes the record in the JWT's place. The ``jti`` is
128 random bits (RFC 7519 §4.1.7), 22 characters of base64url, so the record's ``jti``
and key are at fixed places: the admin and key revocation find rows through two
expression indexes on the column (migration 0006), never by scanning it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import BooleanField, ExpressionWrapper, F, Func, Index, Q, TextField, Value

JTI_LENGTH = 22
KEY_WIDTH = 10
# The expression indexes that migration 0006 creates on DOT's access-token table, and
# the 1-based slice of the record each is built on: "<jti> " and " <key pk>".
JTI_INDEX = "oauth_jwt_record_jti"
KEY_INDEX = "oauth_jwt_record_key"
INDEXES = {JTI_INDEX: (1, JTI_LENGTH + 1), KEY_INDEX: (JTI_LENGTH + 1, KEY_WIDTH + 1)}


class StoredRecord(str):
    """A record as it sits in the ``token`` column, just written or loaded. DOT's
    ``TokenChecksumField`` hashes the column unless it is blank (its RFC 9700 path, which
    keeps the checksum); to that field this text is blank, on every save and every one
    of its calls (Django 6 calls it twice per INSERT)."""

    def __bool__(self) -> bool:
        return False


@dataclass(frozen=True)
class TokenRecord:
    jti: str
    key_pk: int
    auth_time: int | None = None
    jwt: str | None = None

    def encode(self) -> StoredRecord:
        parts = [self.jti, f"{self.key_pk:0{KEY_WIDTH}d}"]
        if self.auth_time is not None:
            parts.append(str(self.auth_time))
        if self.jwt is not None:
            parts.append(self.jwt)
        return StoredRecord(" ".join(parts))


def decode(text: str | None) -> TokenRecord | None:
    """The record in an ``AccessToken.token`` column; ``None`` for rows without one
    (issued before records existed, or by plain DOT)."""
    parts = ("" if text is None else str(text)).split(" ")
    jwt = parts.pop() if len(parts) > 2 and parts[-1].count(".") == 2 else None
    if len(parts) not in (2, 3) or not parts[0] or not all(part.isdigit() for part in parts[1:]):
        return None
    return TokenRecord(parts[0], int(parts[1]), int(parts[2]) if len(parts) == 3 else None, jwt)


def of(access_token) -> TokenRecord | None:
    """The record of a DOT ``AccessToken`` row."""
    return decode(getattr(access_token, "token", None))


def indexed(name: str) -> Func:
    """The expression index ``name`` is built on. The slice is literal SQL, not bound
    parameters: SQLite uses an expression index only for the identical expression."""
    start, length = INDEXES[name]
    return Func(F("token"), template=f"substr(%(expressions)s, {start}, {length})", output_field=TextField())


def index(name: str) -> Index:
    return Index(indexed(name), name=name)


def with_jti_alias(queryset):
    """``queryset`` with the ``jti`` index's expression, for ``jti_is``."""
    return queryset.alias(_record_jti=indexed(JTI_INDEX))


def jti_is(jti: str) -> Q:
    """The condition "the record names ``jti``", on a queryset from ``with_jti_alias``."""
    return Q(_record_jti=f"{jti} ")


def with_jti(queryset, jti: str):
    """The rows of ``queryset`` whose record names ``jti``."""
    return with_jti_alias(queryset).filter(jti_is(jti))


def signed_by(queryset, key_pk: int):
    """The rows of ``queryset`` whose record names signing key ``key_pk``."""
    value = f" {int(key_pk):0{KEY_WIDTH}d}"
    return queryset.alias(_record_key=indexed(KEY_INDEX)).filter(_record_key=value)


def _key_values(key_pks) -> list[str]:
    return [f" {int(pk):0{KEY_WIDTH}d}" for pk in key_pks]


def revoked_keys() -> list[int]:
    """The primary keys of the revoked signing keys (a handful: one query, no token row)."""
    from ..models import SigningKey

    return list(SigningKey.objects.filter(state=SigningKey.State.REVOKED).values_list("pk", flat=True))


def not_signed_by(queryset, key_pks):
    """The rows of ``queryset`` whose record names none of ``key_pks``."""
    values = _key_values(key_pks)
    if not values:
        return queryset
    return queryset.alias(_record_key=indexed(KEY_INDEX)).exclude(_record_key__in=values)


def with_key_revoked(queryset):
    """``queryset`` with ``_key_revoked``: whether a revoked key signed the row's token.
    A revoked key's tokens keep their rows (``signing_keys.revoke`` does no per-row
    work); this is how a list tells them apart from live ones."""
    values = _key_values(revoked_keys())
    flag = ExpressionWrapper(Q(_record_key__in=values), output_field=BooleanField()) if values else Value(False)
    return queryset.alias(_record_key=indexed(KEY_INDEX)).annotate(_key_revoked=flag)
