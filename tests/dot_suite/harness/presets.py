"""The OAUTH2_PROVIDER dicts DOT's tests name as ``presets.*``."""

from copy import deepcopy

from django.conf import settings

DEFAULT_SCOPES_RW = {"DEFAULT_SCOPES": ["read", "write"]}
DEFAULT_SCOPES_RO = {"DEFAULT_SCOPES": ["read"]}

OIDC_SETTINGS_RW = {
    "OIDC_ENABLED": True,
    "OIDC_ISS_ENDPOINT": "http://localhost/o",
    "OIDC_USERINFO_ENDPOINT": "http://localhost/o/userinfo/",
    "OIDC_RSA_PRIVATE_KEY": settings.OIDC_RSA_PRIVATE_KEY,
    "OIDC_RSA_PRIVATE_KEYS_INACTIVE": settings.OIDC_RSA_PRIVATE_KEYS_INACTIVE,
    "SCOPES": {"read": "Reading scope", "write": "Writing scope", "openid": "OpenID connect"},
    "DEFAULT_SCOPES": ["read", "write"],
    "PKCE_REQUIRED": False,
    "REFRESH_TOKEN_EXPIRE_SECONDS": 3600,
}


def _oidc(**changes):
    values = deepcopy(OIDC_SETTINGS_RW)
    values.update(changes)
    return values


OIDC_SETTINGS_RO = _oidc(DEFAULT_SCOPES=["read"])
OIDC_SETTINGS_EMAIL_SCOPE = _oidc(SCOPES={**OIDC_SETTINGS_RW["SCOPES"], "email": "return email address"})
OIDC_SETTINGS_HS256_ONLY = {k: v for k, v in OIDC_SETTINGS_RW.items() if k != "OIDC_RSA_PRIVATE_KEY"}
OIDC_SETTINGS_RP_LOGOUT = _oidc(OIDC_RP_INITIATED_LOGOUT_ENABLED=True, OIDC_RP_INITIATED_LOGOUT_ALWAYS_PROMPT=False)
OIDC_SETTINGS_RP_LOGOUT_STRICT_REDIRECT_URI = {
    **OIDC_SETTINGS_RP_LOGOUT,
    "OIDC_RP_INITIATED_LOGOUT_STRICT_REDIRECT_URIS": True,
}
OIDC_SETTINGS_RP_LOGOUT_DENY_EXPIRED = {
    **OIDC_SETTINGS_RP_LOGOUT,
    "OIDC_RP_INITIATED_LOGOUT_ACCEPT_EXPIRED_TOKENS": False,
}
OIDC_SETTINGS_RP_LOGOUT_KEEP_TOKENS = {**OIDC_SETTINGS_RP_LOGOUT, "OIDC_RP_INITIATED_LOGOUT_DELETE_TOKENS": False}
OIDC_SETTINGS_RP_REGISTRATION = _oidc(
    OIDC_RP_INITIATED_REGISTRATION_ENABLED=True, OIDC_RP_INITIATED_REGISTRATION_URL="/accounts/signup/"
)

REST_FRAMEWORK_SCOPES = {
    "SCOPES": {
        "read": "Read scope",
        "write": "Write scope",
        "scope1": "Scope 1",
        "scope2": "Scope 2",
        "resource1": "Resource 1",
    },
}
INTROSPECTION_SETTINGS = {
    "SCOPES": {
        "read": "Read scope",
        "write": "Write scope",
        "introspection": "Introspection scope",
        "dolphin": "eek eek eek scope",
    },
    "RESOURCE_SERVER_INTROSPECTION_URL": "http://example.org/introspection",
    "READ_SCOPE": "read",
    "WRITE_SCOPE": "write",
}
ALLOWED_SCHEMES_DEFAULT = {"ALLOWED_SCHEMES": ["https"]}
ALLOWED_SCHEMES_HTTP = {"ALLOWED_SCHEMES": ["https", "http"]}
DCR_SETTINGS = {
    "SCOPES": {"read": "Read scope", "write": "Write scope"},
    "READ_SCOPE": "read",
    "WRITE_SCOPE": "write",
    "DCR_ENABLED": True,
    "DCR_REGISTRATION_PERMISSION_CLASSES": ("oauth2_provider.dcr.IsAuthenticatedDCRPermission",),
    "DCR_REGISTRATION_SCOPE": "oauth2_provider:registration",
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https", "http"],
}
