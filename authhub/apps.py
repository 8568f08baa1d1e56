from django.apps import AppConfig


class AuthhubConfig(AppConfig):
    name = "authhub"
    verbose_name = "AuthHub"
