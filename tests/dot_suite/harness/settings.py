"""Django settings for DOT's own test suite, run with oauth_jwt's hooks (bin/dot-suite).

DOT's tests build their OAUTH2_PROVIDER per test (the ``oauth2_settings`` fixture
replaces it wholesale), so the hooks are not set here: ``tests.plugin`` makes them DOT's
defaults for the whole run.
"""

from django.conf import global_settings

from .keys import INACTIVE_PEM, PRIVATE_PEM

DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
USE_TZ = True
TIME_ZONE = "UTC"
USE_I18N = True
LANGUAGE_CODE = "en-us"
SITE_ID = 1
SECRET_KEY = "dot-suite-only-not-a-secret-0123456789abcdef"
ALLOWED_HOSTS = ["testserver", "localhost", "example.com"]
STATIC_URL = "/static/"
ROOT_URLCONF = "tests.urls"
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.contrib.auth.context_processors.auth",
                "django.template.context_processors.request",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

MIDDLEWARE = [
    "django.middleware.common.CommonMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.sites",
    "django.contrib.staticfiles",
    "django.contrib.admin",
    "django.contrib.messages",
    "oauth2_provider",
    "oauth_jwt",
    "tests",
]

# DOT's suite hashes many secrets; a fast hasher first keeps it quick. DOT's own
# tests name "fast_pbkdf2" as a CLIENT_SECRET_HASHER.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    *global_settings.PASSWORD_HASHERS,
    "tests.hashers.FastPBKDF2PasswordHasher",
]

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

OIDC_RSA_PRIVATE_KEY = PRIVATE_PEM
OIDC_RSA_PRIVATE_KEYS_INACTIVE = [INACTIVE_PEM]

OAUTH_JWT = {
    "ISSUER": "http://localhost/o",
    "DEFAULT_AUDIENCE": "http://localhost/api/",
    "KEY_ENCRYPTION_SECRET": "dot-suite-only-key-encryption-secret-0123456789",
}

CLEAR_EXPIRED_TOKENS_BATCH_SIZE = 1
CLEAR_EXPIRED_TOKENS_BATCH_INTERVAL = 0

# oauth_jwt's checks of the hooks read OAUTH2_PROVIDER, which DOT's tests replace per test;
# here the hooks are DOT's defaults (tests.plugin) and each test names its own issuer.
# DOT's test project serves no sign-in page of its own and its tests sign in through the
# test client, which django-axes would refuse: the lockout, body-limit and page checks
# (E052-E055) are for hubs that serve oauth_jwt's pages.
SILENCED_SYSTEM_CHECKS = [
    "oauth_jwt.E002", "oauth_jwt.E003", "oauth_jwt.E004", "oauth_jwt.E005", "oauth_jwt.E040", "oauth_jwt.E056",
    "oauth_jwt.E052", "oauth_jwt.E053", "oauth_jwt.E054", "oauth_jwt.E055",
]  # fmt: skip
