"""Branding by settings: OAUTH_JWT["BRANDING"] on the pages, the generated stylesheet,
and its checks (each called directly, through `manage.py check`, and registered)."""

from __future__ import annotations

import pytest
from django.core import checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from oauth_jwt.checks import branding as branding_checks
from oauth_jwt.checks import ids as oj_checks
from oauth_jwt.checks.settings import check_settings
from oauth_jwt.colors import contrast, parse_hex

pytestmark = pytest.mark.django_db

PLAIN_TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]


@pytest.fixture
def brand(oauth_jwt_settings):
    """``brand(**BRANDING)``: set the pages' branding for one test."""

    def set_branding(value=None, **keys):
        oauth_jwt_settings(BRANDING=keys if value is None else value)

    return set_branding


@pytest.fixture
def plain_hub(settings, oauth_jwt_settings):
    """Another project's hub: no BRANDING, none of authhub's template overrides."""
    settings.TEMPLATES = PLAIN_TEMPLATES
    oauth_jwt_settings.without("BRANDING")
    oauth_jwt_settings(ISSUER="https://accounts.shop.example")


class TestPages:
    def test_a_hub_without_branding_names_its_own_host(self, client, plain_hub):
        html = client.get("/accounts/login/").content.decode()
        assert "<title>Sign in · accounts.shop.example</title>" in html
        assert '<a class="brand" href="/accounts/apps/">accounts.shop.example</a>' in html
        assert "authhub" not in html.lower()
        assert "branding.css" not in html  # no colour, no extra stylesheet

    @pytest.mark.parametrize("path", ["/accounts/login/", "/accounts/apps/", "/o/authorize/?client_id=nobody"])
    def test_no_page_of_another_hub_mentions_authhub(self, client, user, plain_hub, path):
        client.force_login(user)
        assert "authhub" not in client.get(path).content.decode().lower()

    def test_name_logo_colour_and_support_link(self, client, brand):
        brand(
            SITE_NAME="Shop accounts",
            LOGO_URL="https://cdn.shop.example/logo.svg",
            PRIMARY_COLOR="#FFCC00",
            SUPPORT_URL="https://shop.example/help",
        )
        html = client.get("/accounts/login/").content.decode()
        assert "<title>Sign in · Shop accounts</title>" in html
        assert '<img class="brand__logo" src="https://cdn.shop.example/logo.svg" alt="">Shop accounts</a>' in html
        assert '<a href="https://shop.example/help">Help with Shop accounts</a>' in html
        assert '<link rel="stylesheet" href="/accounts/branding.css?v=' in html

    def test_authhub_brands_itself_through_the_setting(self, client):
        html = client.get("/accounts/login/").content.decode()
        assert "<title>Sign in · AuthHub</title>" in html
        assert 'src="/static/authhub/logo.svg"' in html

    def test_a_bad_value_never_reaches_the_page(self, client, brand):
        brand(SITE_NAME="", LOGO_URL="javascript:alert(1)", PRIMARY_COLOR="red;}body{", SUPPORT_URL="data:,x")
        html = client.get("/accounts/login/").content.decode()
        assert "javascript:" not in html and "data:," not in html and "red;}" not in html
        assert "<title>Sign in · 127.0.0.1</title>" in html
        assert "branding.css" not in html


class TestStylesheet:
    @pytest.mark.parametrize("primary", ["#0b6e4f", "#ffcc00", "#fff", "#000000", "#6fa8dc"])
    def test_colours_keep_their_contrast(self, client, brand, primary):
        brand(PRIMARY_COLOR=primary)
        response = client.get("/accounts/branding.css")
        assert response.status_code == 200
        assert response["Content-Type"] == "text/css; charset=utf-8"
        assert response["X-Content-Type-Options"] == "nosniff"
        css = response.content.decode()
        values = dict(part.strip().split(": ") for part in css.strip()[len(":root {") : -1].split(";") if part.strip())
        white = (255, 255, 255)
        accent = parse_hex(values["--accent"])
        assert accent == parse_hex(primary)
        assert contrast(parse_hex(values["--accent-fg"]), accent) >= 4.5
        assert contrast(parse_hex(values["--link"]), white) >= 4.5
        assert contrast(parse_hex(values["--focus"]), white) >= 3

    def test_a_readable_colour_is_kept_as_it_is(self, client, brand):
        brand(PRIMARY_COLOR="#0B6E4F")
        css = client.get("/accounts/branding.css").content.decode()
        assert css == ":root { --accent: #0b6e4f; --accent-fg: #ffffff; --link: #0b6e4f; --focus: #0b6e4f; }\n"

    def test_without_a_colour_it_is_empty(self, client, brand):
        brand(SITE_NAME="Shop")
        assert client.get("/accounts/branding.css").content == b""

    def test_it_is_read_only(self, client):
        assert client.post("/accounts/branding.css").status_code == 405


def branding_ids():
    return {m.id for m in [*check_settings(), *branding_checks.check_branding()]}


class TestChecks:
    def test_registered_and_quiet_for_authhub(self):
        assert branding_checks.check_branding in checks.registry.registry.get_checks()
        assert branding_checks.check_branding() == []

    @pytest.mark.parametrize(
        "value, check_id",
        [
            ("AuthHub", oj_checks.E060_BRANDING),
            ({"SITE_NAME": "Shop", "PRIMARY_COLOUR": "#000"}, oj_checks.E060_BRANDING),
            ({"PRIMARY_COLOR": "green"}, oj_checks.E061_BRANDING_COLOR),
            ({"PRIMARY_COLOR": "#12345"}, oj_checks.E061_BRANDING_COLOR),
            ({"PRIMARY_COLOR": "#0b6e4f;}"}, oj_checks.E061_BRANDING_COLOR),
            ({"LOGO_URL": "javascript:alert(1)"}, oj_checks.E062_BRANDING_URL),
            ({"LOGO_URL": "//cdn.example/logo.svg"}, oj_checks.E062_BRANDING_URL),
            ({"SUPPORT_URL": "mailto:help@shop.example"}, oj_checks.E062_BRANDING_URL),
            ({"SUPPORT_URL": "shop.example/help"}, oj_checks.E062_BRANDING_URL),
            ({"SITE_NAME": "  "}, oj_checks.E063_BRANDING_SITE_NAME),
            ({"SITE_NAME": 7}, oj_checks.E063_BRANDING_SITE_NAME),
        ],
    )
    def test_errors(self, brand, value, check_id):
        brand(value)
        assert branding_ids() == {check_id}
        with pytest.raises(SystemCheckError, match=check_id):
            call_command("check")

    def test_a_misspelt_key_gets_a_suggestion(self, brand):
        brand({"PRIMARY_COLOUR": "#000"})
        (error,) = branding_checks.check_branding()
        assert error.hint == "Did you mean 'PRIMARY_COLOR'?"

    def test_w060_a_plain_http_logo(self, brand):
        brand(LOGO_URL="http://cdn.shop.example/logo.png")
        assert branding_ids() == {oj_checks.W060_BRANDING_HTTP_LOGO}
        call_command("check")  # a warning: the pages still work

    @pytest.mark.parametrize(
        "value",
        [
            {},
            {"SITE_NAME": "Shop", "PRIMARY_COLOR": "#abc", "LOGO_URL": "/static/shop/logo.svg"},
            {"LOGO_URL": "https://cdn.shop.example/logo.png", "SUPPORT_URL": "http://shop.example/help?x=1"},
        ],
    )
    def test_good_values(self, brand, value):
        brand(value)
        assert branding_ids() == set()
