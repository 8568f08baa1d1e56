from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _


class OAuthJWTConfig(AppConfig):
    name = "oauth_jwt"
    verbose_name = _("OAuth JWT")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the checks)
        from .redaction import install

        if apps.is_installed("oauth2_provider"):  # the hub half: DOT's signals
            from .server import receivers  # noqa: F401  (connects the signal receivers)
        install()  # no credential from oauthlib's or DOT's DEBUG logs
