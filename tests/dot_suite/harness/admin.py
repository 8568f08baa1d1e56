"""Admin classes DOT's tests name by dotted path in ``*_ADMIN_CLASS`` settings."""

from oauth2_provider import admin


class CustomApplicationAdmin(admin.ApplicationAdmin):
    pass


class CustomAccessTokenAdmin(admin.AccessTokenAdmin):
    pass


class CustomGrantAdmin(admin.GrantAdmin):
    pass


class CustomIDTokenAdmin(admin.IDTokenAdmin):
    pass


class CustomRefreshTokenAdmin(admin.RefreshTokenAdmin):
    pass
