from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OAuthJWTConfig(AppConfig):
    name = "oauth_jwt"
    verbose_name = _("OAuth JWT")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import checks, receivers  # noqa: F401  (registers checks and signal receivers)
        from .redaction import install

        install()  # no credential from oauthlib's or DOT's DEBUG logs
