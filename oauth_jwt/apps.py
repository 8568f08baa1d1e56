from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _


class OAuthJWTConfig(AppConfig):
    name = "oauth_jwt"
    verbose_name = _("OAuth JWT")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the checks)
        from .resource import receivers as resource_receivers

        resource_receivers.connect()

        if apps.is_installed("oauth2_provider"):
            # The hub half: DOT's signals, and what the resource half borrows from the
            # hub when both run in this process (its keys, its revocation answer).
            from .resource import local_hub
            from .server import receivers
            from .server.local_hub import HUB

            receivers.connect()
            local_hub.register(HUB)
