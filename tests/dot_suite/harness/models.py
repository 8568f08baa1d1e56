"""The swapped models DOT's tests name (``tests.Sample*``, ``tests.CustomPk*``). Their
links to ID tokens get their own reverse names, beside DOT's installed models."""

import uuid

from django.db import models
from oauth2_provider.models import (
    AbstractAccessToken,
    AbstractApplication,
    AbstractDeviceGrant,
    AbstractGrant,
    AbstractRefreshToken,
)
from oauth2_provider.settings import oauth2_settings


class SampleApplication(AbstractApplication):
    custom_field = models.CharField(max_length=255, blank=True)


class SampleAccessToken(AbstractAccessToken):
    custom_field = models.CharField(max_length=255, blank=True)
    source_refresh_token = models.OneToOneField(
        "SampleRefreshToken", models.SET_NULL, blank=True, null=True, related_name="refreshed_access_token"
    )
    id_token = models.OneToOneField(
        oauth2_settings.ID_TOKEN_MODEL, models.CASCADE, blank=True, null=True, related_name="sample_access_token"
    )


class SampleRefreshToken(AbstractRefreshToken):
    custom_field = models.CharField(max_length=255, blank=True)
    access_token = models.OneToOneField(
        SampleAccessToken, models.SET_NULL, blank=True, null=True, related_name="refresh_token"
    )


class SampleGrant(AbstractGrant):
    custom_field = models.CharField(max_length=255, blank=True)


class SampleDeviceGrant(AbstractDeviceGrant):
    custom_field = models.CharField(max_length=255, blank=True)


class CustomPkAccessToken(AbstractAccessToken):
    id = None
    custom_pk = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    source_refresh_token = models.OneToOneField(
        "CustomPkRefreshToken", models.SET_NULL, blank=True, null=True, related_name="refreshed_access_token"
    )
    id_token = models.OneToOneField(
        oauth2_settings.ID_TOKEN_MODEL, models.CASCADE, blank=True, null=True, related_name="custom_pk_access_token"
    )


class CustomPkRefreshToken(AbstractRefreshToken):
    id = None
    custom_pk = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    access_token = models.OneToOneField(
        CustomPkAccessToken, models.SET_NULL, blank=True, null=True, related_name="refresh_token"
    )
