"""A client's homepage and logo in a real browser: a ``javascript:`` or ``data:`` URL
stored on its profile, whichever path stored it, is neither linked nor loaded on the
consent page; an https one is (the DOM is checked, not the HTML text, and the page does
not rely on its Content-Security-Policy to block the link)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from oauth_jwt.models import ClientProfile
from tests.browser.conftest import authorize_url, sign_in
from tests.conftest import Application

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_javascript_homepage_is_not_a_link_and_an_https_one_is(page, live_server, user, spa_client, callback, axe):
    ClientProfile.objects.filter(client_id=spa_client.client_id).update(
        homepage="javascript:alert(document.domain)", logo_uri="data:image/svg+xml,<svg/>"
    )
    Application.objects.filter(pk=spa_client.app.pk).update(name="<b>Photo</b> Printer")
    url, _ = authorize_url(spa_client, callback.redirect_uri)
    page.goto(url)
    sign_in(page)
    assert page.get_by_role("heading", level=1).inner_text() == "<b>Photo</b> Printer wants to use your account"
    hrefs = page.eval_on_selector_all("[href]", "els => els.map(e => e.getAttribute('href'))")
    srcs = page.eval_on_selector_all("[src]", "els => els.map(e => e.getAttribute('src'))")
    assert not [u for u in hrefs + srcs if ":" in u and not u.startswith(("http://", "https://"))], hrefs + srcs
    assert page.locator(".client__homepage").count() == 0
    assert page.locator("img.client__logo").count() == 0
    assert page.locator("b").count() == 0
    axe(page)

    ClientProfile.objects.filter(client_id=spa_client.client_id).update(homepage="https://photos.example/")
    page.reload()
    link = page.locator(".client__homepage a")
    expect(link).to_have_attribute("href", "https://photos.example/")
    expect(link).to_have_attribute("rel", "noopener noreferrer")
