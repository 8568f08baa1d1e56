"""The denylist's read side: "revoked", "not revoked" or "don't know".

The hub (``oauth_jwt.server.denylist_writer``) writes one entry per revoked token (``jti``) and per revoked
signing key (``kid``) into the ``DENYLIST_CACHE`` cache, each until the tokens it names
would have expired. An empty cache proves nothing: it may have been flushed, evicted or
restarted. So the hub seeds it from its database (``RevokedToken`` rows) between two
markers, in this order: a *seal* holding a fresh generation id, every entry, then the
*generation* holding the same id. A flush at any moment removes the seal, so the two
markers agree only while every entry of that seeding is still there. One ``get_many``
reads the token's entries and both markers together:

- an entry for the token or its key: revoked;
- no entry, and seal == generation: not revoked;
- anything else (markers missing or different, the cache unreachable): don't know.

What to do on "don't know" is the caller's decision: the hub seeds again from its
database (``denylist_writer.is_revoked``); a resource server refuses with 503 or asks
introspection (``authentication``).
"""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass

from django.core.cache import caches

from ..conf import jwt_settings

logger = logging.getLogger(__name__)

PREFIX = "oauth_jwt:deny:"
SEAL = PREFIX + "seal"
GENERATION = PREFIX + "generation"


class Answer(enum.Enum):
    REVOKED = "revoked"
    NOT_REVOKED = "not revoked"
    UNKNOWN = "unknown"


class Cause(enum.Enum):
    """Why the denylist does not know."""

    UNSEEDED = "unseeded"  # the markers are missing: flushed, restarted, never seeded, another KEY_PREFIX
    UNREACHABLE = "unreachable"  # the cache raised: down, refused, timed out


@dataclass(frozen=True)
class Lookup:
    answer: Answer
    cause: Cause | None = None


def cache():
    return caches[jwt_settings.DENYLIST_CACHE]


def jti_key(jti: str) -> str:
    return f"{PREFIX}jti:{jti}"


def kid_key(kid: str) -> str:
    return f"{PREFIX}kid:{kid}"


def sealed(found: dict) -> bool:
    """True when the markers read in ``found`` agree: every entry of that seeding is there."""
    generation = found.get(GENERATION)
    return generation is not None and generation == found.get(SEAL)


def lookup(jti: str, kid: str) -> Lookup:
    """One cache round trip: is the token named by ``jti`` (signed by ``kid``) revoked?"""
    keys = [jti_key(jti), kid_key(kid), SEAL, GENERATION]
    try:
        found = cache().get_many(keys)
    except Exception as exc:  # each cache backend raises its own connection errors
        logger.error(
            "denylist cache unreachable: %s",
            type(exc).__name__,
            extra={"event": "denylist.unreachable", "cache": jwt_settings.DENYLIST_CACHE},
        )
        return Lookup(Answer.UNKNOWN, Cause.UNREACHABLE)
    if keys[0] in found or keys[1] in found:
        return Lookup(Answer.REVOKED)
    if sealed(found):
        return Lookup(Answer.NOT_REVOKED)
    logger.warning(
        "denylist not seeded (flushed, restarted or evicted; or another KEY_PREFIX/VERSION than the hub's)",
        extra={"event": "denylist.unseeded", "cache": jwt_settings.DENYLIST_CACHE},
    )
    return Lookup(Answer.UNKNOWN, Cause.UNSEEDED)
