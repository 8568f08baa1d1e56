"""The admin console: oauth_jwt's own models here; DOT's models through DOT's
``*_ADMIN_CLASS`` settings, pointing at the subclasses in ``clients`` and ``dot``.

DOT's admin module is imported first, so that its registration (which imports those
subclasses by name) runs whichever app the admin autodiscovers first.
"""

from django.apps import apps
from django.contrib import admin

from ..models import Consent, IssuedToken, SigningKey
from .keys import SigningKeyAdmin
from .tokens import IssuedTokenAdmin

if apps.is_installed("oauth2_provider"):
    import oauth2_provider.admin  # noqa: F401

    from .consents import ConsentAdmin

    admin.site.register(Consent, ConsentAdmin)

admin.site.register(IssuedToken, IssuedTokenAdmin)
admin.site.register(SigningKey, SigningKeyAdmin)
