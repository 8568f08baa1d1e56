"""What every hub needs from its project's settings: each missing piece is an error
naming the line to add (oauth_jwt.checks.host), called directly, through
``manage.py check``, and registered."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core import checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from oauth_jwt.checks import host as host_checks
from oauth_jwt.checks import ids as ids_
from oauth_jwt.checks.settings import check_settings


def ids(messages):
    return {m.id for m in messages}


@pytest.fixture
def provider(settings):
    from oauth2_provider.settings import oauth2_settings

    def change(**values):
        settings.OAUTH2_PROVIDER = {**settings.OAUTH2_PROVIDER, **values}
        oauth2_settings.reload()

    yield change
    oauth2_settings.reload()


def assert_error(check_id: str, line: str, check=host_checks.check_hub_project) -> None:
    messages = [m for m in check() if m.id == check_id]
    assert messages and all(m.level == checks.ERROR for m in messages)
    assert any(line in m.hint for m in messages), [m.hint for m in messages]
    with pytest.raises(SystemCheckError, match=check_id.replace(".", r"\.")):
        call_command("check")


def test_authhub_passes_and_the_checks_are_registered():
    assert host_checks.check_hub_project() == [] and check_settings() == []
    registered = checks.registry.registry.get_checks()
    assert host_checks.check_hub_project in registered and check_settings in registered


def test_e050_the_client_secret_hasher_must_be_listed(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    assert_error(ids_.E050_HASHER_MISSING, '"oauth_jwt.server.hashers.ClientSecretHasher"]')


def test_e051_the_client_secret_hasher_is_never_first(settings):
    settings.PASSWORD_HASHERS = [
        "oauth_jwt.server.hashers.ClientSecretHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    assert ids_.E051_HASHER_FIRST in ids(host_checks.check_hub_project())


@pytest.mark.parametrize("limit", [None, 2621440, 64 * 1024 + 1])
def test_e052_the_body_limit(settings, limit):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = limit
    assert_error(ids_.E052_BODY_LIMIT, "DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024")


def test_e053_the_sign_in_lockout_backend(settings):
    settings.AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
    assert_error(ids_.E053_LOCKOUT, '["axes.backends.AxesStandaloneBackend", ')


def test_e053_the_sign_in_lockout_middleware(settings):
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if "axes" not in m]
    assert_error(ids_.E053_LOCKOUT, '"axes.middleware.AxesMiddleware"]')


def test_e053_the_sign_in_lockout_app(settings):
    settings.INSTALLED_APPS = [a for a in settings.INSTALLED_APPS if a != "axes"]
    assert ids_.E053_LOCKOUT in ids(host_checks.check_hub_project())


def test_e054_the_lockout_page(settings):
    settings.AXES_LOCKOUT_CALLABLE = None  # what django-axes sets when the project does not
    assert_error(ids_.E054_LOCKOUT_PAGE, 'AXES_LOCKOUT_CALLABLE = "oauth_jwt.server.views.accounts.lockout"')


def test_e055_the_csrf_failure_page(settings):
    settings.CSRF_FAILURE_VIEW = "django.views.csrf.csrf_failure"
    assert_error(ids_.E055_CSRF_PAGE, 'CSRF_FAILURE_VIEW = "oauth_jwt.server.views.errors.csrf_failure"')


def test_e056_the_device_verification_uri(provider):
    provider(OAUTH_DEVICE_VERIFICATION_URI=None)
    assert_error(ids_.E056_DEVICE_URI, "provider_settings(OIDC_ISS_ENDPOINT=ISSUER)")


@pytest.mark.parametrize("paths", ["/api/", ["api/"], [3]])
def test_e057_bearer_paths(oauth_jwt_settings, paths):
    oauth_jwt_settings(BEARER_PATHS=paths)
    assert_error(ids_.E057_BEARER_PATHS, "['/api/']", check=check_settings)


def test_a_resource_server_needs_none_of_the_hub_settings(settings):
    settings.INSTALLED_APPS = [a for a in settings.INSTALLED_APPS if a not in ("oauth2_provider", "axes")]
    settings.CSRF_FAILURE_VIEW = "django.views.csrf.csrf_failure"
    assert host_checks.check_hub_project() == []


def test_provider_settings_derive_the_device_uri_from_the_issuer():
    from oauth_jwt.server.provider_settings import provider_settings

    values = provider_settings(OIDC_ISS_ENDPOINT="https://auth.example.com/")
    assert values["OAUTH_DEVICE_VERIFICATION_URI"] == "https://auth.example.com/o/device/"
    assert "OAUTH_DEVICE_VERIFICATION_URI" not in provider_settings()
    explicit = provider_settings(
        OIDC_ISS_ENDPOINT="https://a.example", OAUTH_DEVICE_VERIFICATION_URI="https://b.example/d"
    )
    assert explicit["OAUTH_DEVICE_VERIFICATION_URI"] == "https://b.example/d"


def test_provider_settings_pass_dot_deploy_checks(provider):
    """DOT's E003 fired when provider_settings() allowed http with the scheme gate on."""
    from oauth2_provider.checks import validate_bcp_configuration

    from oauth_jwt.server.provider_settings import provider_settings

    provider(**provider_settings(OIDC_ISS_ENDPOINT="https://auth.example.com"))
    messages = validate_bcp_configuration(None)
    assert not [m for m in messages if m.level >= checks.ERROR]
    assert {m.id for m in messages} == {"oauth2_provider.W008"}


def test_authhub_lockout_posture_is_quiet(settings):
    assert host_checks.check_lockout_posture() == []
    settings.AXES_LOCKOUT_PARAMETERS = "myproject.lockout.parameters"  # decided per request: not judged
    assert host_checks.check_lockout_posture() == []
    assert host_checks.check_lockout_posture in checks.registry.registry.get_checks(include_deployment_checks=True)


@pytest.mark.parametrize("parameters", [["username"], ["ip_address"], [["username", "ip_address"], "username"]])
def test_w050_lockout_per_username_and_address(settings, parameters, db):
    settings.AXES_LOCKOUT_PARAMETERS = parameters
    assert ids_.W050_LOCKOUT_PARAMETERS in ids(host_checks.check_lockout_posture())
    out = StringIO()
    call_command("check", "--deploy", "--tag", "security", "--fail-level", "CRITICAL", stdout=out, stderr=out)
    assert "oauth_jwt.W050" in out.getvalue()


def test_w051_lockout_forever(settings, db):
    settings.AXES_COOLOFF_TIME = None
    assert ids(host_checks.check_lockout_posture()) == {ids_.W051_LOCKOUT_FOREVER}
    out = StringIO()
    call_command("check", "--deploy", "--tag", "security", "--fail-level", "CRITICAL", stdout=out, stderr=out)
    assert "oauth_jwt.W051" in out.getvalue()


LOCALE_MIDDLEWARE = "django.middleware.locale.LocaleMiddleware"


def test_w052_languages_the_pages_do_not_speak(settings):
    assert host_checks.check_page_languages() == []  # authhub lists the six
    settings.LANGUAGES = [("en", "English"), ("de", "Deutsch"), ("it", "Italiano"), ("nl", "Nederlands")]
    (warning,) = host_checks.check_page_languages()
    assert warning.id == ids_.W052_UNTRANSLATED_LANGUAGES and warning.level == checks.WARNING
    assert "LANGUAGES lists it, nl," in warning.msg and "(en, de)" in warning.hint
    out = StringIO()
    call_command("check", "--tag", "translation", stdout=out, stderr=out)
    assert "oauth_jwt.W052" in out.getvalue()
    assert host_checks.check_page_languages in checks.registry.registry.get_checks()


def test_w052_not_without_locale_middleware_or_with_a_catalogue(settings, tmp_path):
    from tests.test_translations import write_mo

    settings.LANGUAGES = [("en", "English"), ("it", "Italiano")]
    write_mo(tmp_path / "it" / "LC_MESSAGES" / "django.mo", {"Sign in": "Accedi"})
    settings.LOCALE_PATHS = [str(tmp_path)]
    assert host_checks.check_page_languages() == []
    settings.LOCALE_PATHS = []
    assert host_checks.check_page_languages() != []
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != LOCALE_MIDDLEWARE]
    assert host_checks.check_page_languages() == []
