from django.apps import AppConfig


class AuthhubConfig(AppConfig):
    name = "authhub"
    verbose_name = "AuthHub"

    def ready(self) -> None:
        from django.contrib import admin

        # Branding only: the site object's titles, not settings.
        admin.site.site_header = "AuthHub console"
        admin.site.site_title = "AuthHub console"
        admin.site.index_title = "Clients, tokens, keys and consents"
