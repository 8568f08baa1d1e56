"""Sign-out in the admin: a client's post-logout redirect and back-channel logout URIs
on its page (https or loopback only), and the record of back-channel logouts: failed
ones listed, filterable, sent again on request; never added or edited by hand."""

from __future__ import annotations

import pytest

from oauth_jwt.models import ClientProfile, LogoutDelivery
from tests.admin.conftest import action
from tests.admin.test_clients import ADD, CHANGELIST, client_form
from tests.conftest import Application
from tests.logout_receiver import Receiver

pytestmark = pytest.mark.django_db
DELIVERIES = "/admin/oauth_jwt/logoutdelivery/"


def web_client_form(**overrides) -> dict:
    return client_form(
        client_id="portal",
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris="https://portal.example/callback",
        **overrides,
    )


def test_sign_out_settings_are_edited_on_the_client_page(admin_client):
    data = web_client_form(
        post_logout_redirect_uris="https://portal.example/bye",
        backchannel_logout_uri="https://portal.example/backchannel",
        backchannel_logout_session_required="on",
    )
    assert admin_client.post(ADD, data).status_code == 200  # the secret page
    profile = ClientProfile.objects.get(client_id="portal")
    assert profile.backchannel_logout_uri == "https://portal.example/backchannel"
    assert profile.backchannel_logout_session_required is True
    app = Application.objects.get(client_id="portal")
    assert app.post_logout_redirect_uris == "https://portal.example/bye"
    page = admin_client.get(f"{CHANGELIST}{app.pk}/change/").content.decode()
    assert "Sign-out" in page and "https://portal.example/backchannel" in page


@pytest.mark.parametrize("uri", ["http://127.0.0.1:8001/bc", "http://localhost/bc", "https://rp.example/bc?x=1"])
def test_a_back_channel_uri_on_https_or_loopback_is_taken(admin_client, uri):
    assert admin_client.post(ADD, web_client_form(backchannel_logout_uri=uri)).status_code == 200
    assert ClientProfile.objects.get(client_id="portal").backchannel_logout_uri == uri


@pytest.mark.parametrize(
    "uri", ["http://rp.example/bc", "https://rp.example/bc#frag", "ftp://rp.example/bc", "rp.example bc"]
)
def test_a_back_channel_uri_off_https_is_refused(admin_client, uri):
    response = admin_client.post(ADD, web_client_form(backchannel_logout_uri=uri))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["backchannel_logout_uri"]
    assert not Application.objects.filter(client_id="portal").exists()


def test_a_post_logout_redirect_uri_off_https_is_refused(admin_client):
    response = admin_client.post(ADD, web_client_form(post_logout_redirect_uris="http://rp.example/bye"))
    assert response.context["adminform"].form.errors["post_logout_redirect_uris"]


def delivery(**fields) -> LogoutDelivery:
    values = {"client_id": "portal", "uri": "https://portal.example/bc", "subject": "1", "reason": "signed_out"}
    return LogoutDelivery.objects.create(**{**values, **fields})


def test_failed_logouts_are_listed_and_filtered(admin_client):
    from django.utils import timezone

    failed = delivery(attempts=8, last_error="HTTP 500", gave_up_at=timezone.now())
    delivered = delivery(attempts=1, delivered_at=timezone.now())
    page = admin_client.get(DELIVERIES)
    assert page.status_code == 200
    html = page.content.decode()
    assert "HTTP 500" in html and "failed" in html and "delivered" in html
    shown = admin_client.get(DELIVERIES, {"status": "failed"}).context["cl"].result_list
    assert list(shown) == [failed]
    shown = admin_client.get(DELIVERIES, {"status": "delivered"}).context["cl"].result_list
    assert list(shown) == [delivered]
    detail = admin_client.get(f"{DELIVERIES}{failed.pk}/change/")
    assert detail.status_code == 200 and 'name="_save"' not in detail.content.decode()
    assert admin_client.get(f"{DELIVERIES}add/").status_code == 403


def test_a_failed_logout_can_be_sent_again(admin_client):
    from django.utils import timezone

    receiver = Receiver().start()
    try:
        failed = delivery(uri=receiver.url(), attempts=8, last_error="HTTP 500", gave_up_at=timezone.now())
        response = action(admin_client, DELIVERIES, "send_again", [failed.pk], follow=True)
        assert "1 of 1 logout token delivered" in response.content.decode()
        failed.refresh_from_db()
        assert failed.delivered_at is not None and failed.attempts == 1 and failed.gave_up_at is None
        assert len(receiver.received) == 1
    finally:
        receiver.stop()


def test_the_dashboard_counts_failed_logouts(admin_client):
    from django.utils import timezone

    delivery(gave_up_at=timezone.now())
    delivery()
    html = admin_client.get("/admin/").content.decode()
    assert '<td class="oauth-jwt-failed-logouts">1</td>' in html
    assert f"{DELIVERIES}?status=failed" in html
