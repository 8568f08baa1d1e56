"""Every oauth_jwt system-check id, in one place. An id never changes meaning and is
never reused; docs/settings.md lists them all."""

from __future__ import annotations

# OAUTH_JWT itself: each key's type and value, unknown keys (see checks.settings).
E110_SETTING_VALUE = "oauth_jwt.E110"
E111_SETTING_IMPORT = "oauth_jwt.E111"
E112_SETTINGS_NOT_A_DICT = "oauth_jwt.E112"
E113_CHECK_FAILED = "oauth_jwt.E113"
E114_CLAIMS_PROVIDER = "oauth_jwt.E114"
W110_UNKNOWN_SETTING = "oauth_jwt.W110"
# Both halves (see checks.settings).
E001_ISSUER = "oauth_jwt.E001"
E007_ALGORITHM = "oauth_jwt.E007"
E008_AUDIENCE = "oauth_jwt.E008"
E009_DENYLIST_CACHE = "oauth_jwt.E009"
E010_REVOCATION_MODE = "oauth_jwt.E010"
E012_DPOP_REPLAY_CACHE = "oauth_jwt.E012"
# The hub: DOT wired to oauth_jwt (see checks.server).
E002_ACCESS_GENERATOR = "oauth_jwt.E002"
E003_REFRESH_GENERATOR = "oauth_jwt.E003"
E004_VALIDATOR = "oauth_jwt.E004"
E005_ISSUER_MISMATCH = "oauth_jwt.E005"
E006_DEFAULT_AUDIENCE = "oauth_jwt.E006"
E011_ROTATION = "oauth_jwt.E011"
E040_DEVICE_CODE_LOADER = "oauth_jwt.E040"
E070_HS256_CLIENTS = "oauth_jwt.E070"  # a database check
# Resource servers (see checks.resource).
E020_REMOTE_KEYS = "oauth_jwt.E020"
E021_REMOTE_URL = "oauth_jwt.E021"
E022_INTROSPECTION = "oauth_jwt.E022"
E023_USER_RESOLVER = "oauth_jwt.E023"
W020_PLAIN_HTTP = "oauth_jwt.W020"
E090_ISSUER_TRAILING_SLASH = "oauth_jwt.E090"
E091_DENYLIST_PROCESS_LOCAL = "oauth_jwt.E091"
E092_RETRY_AFTER = "oauth_jwt.E092"
W090_DENYLIST_DEFAULT_CACHE = "oauth_jwt.W090"
W091_HUB_URL_ORIGIN = "oauth_jwt.W091"
W092_AUDIENCE_IS_ISSUER = "oauth_jwt.W092"
# Upgrades from plain DOT: OAUTH_JWT['OPAQUE_TOKEN_FALLBACK'] (its type is checked by
# checks.settings under E080; W080/W081 are database checks in checks.fallback).
E080_FALLBACK_TYPE = "oauth_jwt.E080"
W080_FALLBACK_UNUSED = "oauth_jwt.W080"
W081_OPAQUE_REFUSED = "oauth_jwt.W081"
# Security posture under ``check --deploy`` (see checks.deploy).
W030_HTTP_ISSUER = "oauth_jwt.W030"
W031_KEY_SECRET_DERIVED = "oauth_jwt.W031"
W032_KEY_SECRET_WEAK = "oauth_jwt.W032"
W033_PLACEHOLDER_SECRET_KEY = "oauth_jwt.W033"
W034_RSA_KEY_SIZE = "oauth_jwt.W034"
W035_HTTP_REDIRECT_URI = "oauth_jwt.W035"
W037_PROCESS_LOCAL_CACHE = "oauth_jwt.W037"
W038_LOGS_UNREDACTED = "oauth_jwt.W038"
W045_CLIENT_ID_LIKE_SUBJECT = "oauth_jwt.W045"
W046_OPEN_CIMD = "oauth_jwt.W046"

# Client registration, RFC 7591/7592 and client ID metadata documents (see checks.registration).
E120_REGISTRATION_MODE = "oauth_jwt.E120"
E121_REGISTRATION_SCOPES = "oauth_jwt.E121"
E122_REGISTRATION_TOKENS = "oauth_jwt.E122"
W120_DOT_DCR_SETTING = "oauth_jwt.W120"
W121_OPEN_REGISTRATION = "oauth_jwt.W121"
W122_CIMD_FETCHER = "oauth_jwt.W122"

# The pages' branding, OAUTH_JWT['BRANDING'] (see checks.branding).
E060_BRANDING = "oauth_jwt.E060"
E061_BRANDING_COLOR = "oauth_jwt.E061"
E062_BRANDING_URL = "oauth_jwt.E062"
E063_BRANDING_SITE_NAME = "oauth_jwt.E063"
W060_BRANDING_HTTP_LOGO = "oauth_jwt.W060"

# The project around the hub (see checks.host): what every hub needs from its
# settings, each message naming the line to add.
E050_HASHER_MISSING = "oauth_jwt.E050"
E051_HASHER_FIRST = "oauth_jwt.E051"
E052_BODY_LIMIT = "oauth_jwt.E052"
E053_LOCKOUT = "oauth_jwt.E053"
E054_LOCKOUT_PAGE = "oauth_jwt.E054"
E055_CSRF_PAGE = "oauth_jwt.E055"
E056_DEVICE_URI = "oauth_jwt.E056"
E057_BEARER_PATHS = "oauth_jwt.E057"
W050_LOCKOUT_PARAMETERS = "oauth_jwt.W050"
W051_LOCKOUT_FOREVER = "oauth_jwt.W051"
W052_UNTRANSLATED_LANGUAGES = "oauth_jwt.W052"

# A key whose refused value has its own, older id; every other key reports E110.
SETTING_IDS = {
    "SIGNING_ALGORITHM": E007_ALGORITHM,
    "REVOCATION_CHECK": E010_REVOCATION_MODE,
    "USER_RESOLVER": E023_USER_RESOLVER,
    "RETRY_AFTER_SECONDS": E092_RETRY_AFTER,
    "CLAIMS_HOOK": E111_SETTING_IMPORT,
    "CLAIMS_PROVIDER": E114_CLAIMS_PROVIDER,
    "BRANDING": E060_BRANDING,
    "BEARER_PATHS": E057_BEARER_PATHS,
    "OPAQUE_TOKEN_FALLBACK": E080_FALLBACK_TYPE,
    "REGISTRATION": E120_REGISTRATION_MODE,
}
