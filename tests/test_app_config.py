"""``AppConfig.ready()`` stays tiny: it connects the receivers, once however often it
runs, and changes nothing process-wide; importing ``receivers`` connects nothing."""

from __future__ import annotations

import importlib
import logging

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete, post_init, post_save, pre_delete, pre_save
from oauth2_provider.models import get_access_token_model, get_application_model

from oauth_jwt.server import receivers

RECEIVERS = [
    (pre_delete, get_access_token_model(), "oauth_jwt_revoke"),
    (post_init, get_access_token_model(), "oauth_jwt_load_record"),
    (post_delete, get_application_model(), "oauth_jwt_forget"),
    (pre_save, get_user_model(), "oauth_jwt_credentials"),
    (post_save, get_user_model(), "oauth_jwt_revoke_user"),
]


def disconnect_all() -> list[bool]:
    """Disconnect oauth_jwt's receivers; whether each was connected."""
    return [signal.disconnect(sender=sender, dispatch_uid=uid) for signal, sender, uid in RECEIVERS]


@pytest.fixture
def reconnect():
    yield
    receivers.connect()


def test_ready_connects_each_receiver_once(reconnect):
    apps.get_app_config("oauth_jwt").ready()
    apps.get_app_config("oauth_jwt").ready()
    assert disconnect_all() == [True] * len(RECEIVERS)
    assert disconnect_all() == [False] * len(RECEIVERS)


def test_importing_the_receivers_connects_nothing(reconnect):
    disconnect_all()
    importlib.reload(receivers)
    assert disconnect_all() == [False] * len(RECEIVERS)


def test_ready_leaves_the_log_record_factory_alone():
    """Credential redaction is a filter in the project's LOGGING (``redaction``)."""
    apps.get_app_config("oauth_jwt").ready()
    assert logging.getLogRecordFactory() is logging.LogRecord
