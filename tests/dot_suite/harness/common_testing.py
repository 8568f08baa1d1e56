"""The test-case classes DOT's tests import from ``tests.common_testing``."""

from django.conf import settings
from django.test import TestCase, TransactionTestCase


def _databases():
    names = [name for name in settings.DATABASES if name != "default"]
    return names or ["default"]


class OAuth2ProviderTestCase(TestCase):
    databases = _databases()


class OAuth2ProviderTransactionTestCase(TransactionTestCase):
    databases = _databases()
