"""The admin console: oauth_jwt's own models here; DOT's models through DOT's
``*_ADMIN_CLASS`` settings, pointing at the subclasses in ``clients`` and ``dot``.
Consents, revoked tokens and back-channel logouts belong with DOT's tables, so only
where DOT is installed.

The admin index shows the hub at a glance (``admin/oauth_jwt/index.html``) unless the
project chose its own index template; that one can add ``{% oauth_jwt_dashboard %}``
(``{% load oauth_jwt_admin %}``).

DOT's admin module is imported first, so that its registration (which imports those
subclasses by name) runs whichever app the admin autodiscovers first.
"""

from django.apps import apps
from django.contrib import admin

from ...models import Consent, LogoutDelivery, RevokedToken, SigningKey
from .keys import SigningKeyAdmin

if apps.is_installed("oauth2_provider"):
    import oauth2_provider.admin  # noqa: F401

    from .consents import ConsentAdmin
    from .logouts import LogoutDeliveryAdmin
    from .tokens import RevokedTokenAdmin

    admin.site.register(Consent, ConsentAdmin)
    admin.site.register(RevokedToken, RevokedTokenAdmin)
    admin.site.register(LogoutDelivery, LogoutDeliveryAdmin)

admin.site.register(SigningKey, SigningKeyAdmin)
if admin.site.index_template is None:
    admin.site.index_template = "admin/oauth_jwt/index.html"
if admin.site.login_template is None:  # Django's own has no <h1> (axe: page-has-heading-one)
    admin.site.login_template = "admin/oauth_jwt/login.html"
