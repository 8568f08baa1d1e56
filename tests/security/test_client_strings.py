"""What a client supplies for people to see (its name, homepage, logo) is inert on every
page and in the admin, whichever path stored it: text is escaped, and only ``https`` URLs
(or ``http`` on loopback) are linked or loaded. The pages' Content-Security-Policy would
block a ``javascript:`` link; the pages must not rely on it (Django test client;
tests/browser/test_client_strings.py checks the consent page's DOM in Chromium)."""

from __future__ import annotations

import re

import pytest

from oauth_jwt.links import safe_link
from oauth_jwt.models import ClientProfile, Consent
from tests.admin.test_clients import ADD, CHANGELIST, client_form
from tests.conftest import REDIRECT_URI, Application, authorize_query, form_post

pytestmark = pytest.mark.django_db

HOSTILE_URLS = [
    "javascript:alert(document.domain)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "ftp://files.example/",
    "http://web.example/",
    "https://user:pass@web.example/",
    "//web.example/",
    "/relative",
    "https:///no-host",
    "https://web.example/\n",
    "https://[bad/",
]
SHOWN_URLS = ["https://web.example/", "https://web.example/app?x=1", "http://127.0.0.1:8080/", "http://localhost/"]
HOSTILE_NAME = '<script>alert("name")</script><img src=x onerror=alert(1)>'


def urls_in(html: str) -> list[str]:
    return re.findall(r'(?:href|src)="([^"]*)"', html)


def assert_inert(html: str) -> None:
    for url in urls_in(html):
        assert not re.match(r"\s*(javascript|data|vbscript):", url, re.I), url
        assert "web.example" not in url or url.startswith("https://web.example/"), url
    assert HOSTILE_NAME not in html and "<img src=x" not in html


@pytest.fixture
def hostile(web_client, device_client):
    """Profiles stored as a migration, a shell or a future registration might store them."""
    for c in (web_client, device_client):
        Application.objects.filter(pk=c.app.pk).update(name=HOSTILE_NAME)
        ClientProfile.objects.create(
            client_id=c.client_id, homepage="javascript:alert(document.domain)", logo_uri="data:image/svg+xml,<svg/>"
        )


@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_only_https_or_loopback_http_is_a_link(url):
    assert safe_link(url) == ""


@pytest.mark.parametrize("url", SHOWN_URLS)
def test_https_and_loopback_http_are_kept(url):
    assert safe_link(url) == url


def test_the_consent_page(client, user, web_client, hostile):
    client.force_login(user)
    page = client.get("/o/authorize/", authorize_query(web_client))
    assert page.status_code == 200
    html = page.content.decode()
    assert_inert(html)
    assert "javascript:" not in html and "data:image" not in html
    assert "&lt;script&gt;alert(&quot;name&quot;)&lt;/script&gt;" in html


def test_the_device_confirmation_page(client, user, device_client, hostile):
    grant = form_post(client, "/o/device-authorization/", {"client_id": device_client.client_id, "scope": "read"})
    client.force_login(user)
    entered = client.post("/o/device/", {"user_code": grant.json()["user_code"]})
    html = client.get(entered["Location"]).content.decode()
    assert "on a device wants to use your account" in html
    assert_inert(html)
    assert "javascript:" not in html and "data:image" not in html


def test_the_connected_apps_page(client, user, web_client, hostile):
    Consent.objects.create(user=user, client_id=web_client.client_id, scopes=["read"])
    client.force_login(user)
    html = client.get("/accounts/apps/").content.decode()
    assert "&lt;script&gt;" in html
    assert_inert(html)
    assert "javascript:" not in html and "data:image" not in html


def test_a_good_homepage_and_logo_are_still_shown(client, user, web_client):
    ClientProfile.objects.create(
        client_id=web_client.client_id, homepage="https://web.example/", logo_uri="https://web.example/logo.png"
    )
    Consent.objects.create(user=user, client_id=web_client.client_id, scopes=["read"])
    client.force_login(user)
    for html in (
        client.get("/o/authorize/", authorize_query(web_client, prompt="consent")),
        client.get("/accounts/apps/"),
    ):
        assert 'href="https://web.example/"' in html.content.decode()
        assert 'src="https://web.example/logo.png"' in html.content.decode()


def test_the_admin_shows_a_stored_hostile_profile_inertly(admin_client, web_client, hostile):
    html = admin_client.get(f"{CHANGELIST}{web_client.app.pk}/change/").content.decode()
    assert_inert(html)
    assert "&lt;script&gt;" in html
    assert admin_client.get(CHANGELIST).status_code == 200
    assert_inert(admin_client.get(CHANGELIST).content.decode())


@pytest.mark.parametrize("field", ["homepage", "logo_uri"])
@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "data:text/html,x", "ftp://files.example/", "http://web.example/", "vbscript:x"]
)
def test_the_admin_form_refuses_what_the_pages_would_not_link(admin_client, field, url):
    form = client_form(authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE, redirect_uris=REDIRECT_URI)
    response = admin_client.post(ADD, {**form, field: url})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors[field]
    assert not Application.objects.filter(client_id="billing").exists()


@pytest.mark.parametrize("url", ["https://web.example/", "http://127.0.0.1:8080/"])
def test_the_admin_form_accepts_https_and_loopback(admin_client, url):
    form = client_form(authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE, redirect_uris=REDIRECT_URI)
    assert admin_client.post(ADD, {**form, "homepage": url, "logo_uri": url}).status_code == 200  # the secret page
    assert ClientProfile.objects.get(client_id="billing").homepage == url


def test_every_template_link_to_client_data_goes_through_safe_link():
    """A new page cannot forget: in the shipped templates, every ``href``/``src`` built
    from a variable is a ``{% url %}``, the site's own branding, or ``|safe_link``."""
    from pathlib import Path

    import oauth_jwt

    root = Path(oauth_jwt.__file__).parent / "templates"
    found = []
    for path in root.rglob("*.html"):
        for attr in re.findall(r'(?:href|src)="([^"]*\{\{[^"]*)"', path.read_text()):
            if not re.fullmatch(r"\{\{ [\w.]+\|safe_link \}\}|\{\{ brand\.\w+ \}\}|\{% url [^%]+%\}.*", attr):
                found.append(f"{path.relative_to(root)}: {attr}")
    assert not found, found
