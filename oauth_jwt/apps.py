from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OAuthJWTConfig(AppConfig):
    name = "oauth_jwt"
    verbose_name = _("OAuth JWT")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Registers the checks and connects the signal receivers.
        from . import branding_checks, checks, fallback_checks, host_checks, receivers, security_checks  # noqa: F401
        from .redaction import install

        install()  # no credential from oauthlib's or DOT's DEBUG logs
