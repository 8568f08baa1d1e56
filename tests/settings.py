"""authhub's settings, made fast for tests (a cheap password hasher); the database and
cache still come from the environment, so the suite runs on SQLite and PostgreSQL."""

from authhub.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", "oauth_jwt.server.hashers.ClientSecretHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
