"""Signal receivers, connected only where DOT is installed.

- Every way an access-token row dies puts its JWT on the denylist: DOT revokes an access
  token by deleting its row (the revocation endpoint, the admin, refresh rotation and
  family revocation, a person disconnecting an app, RP logout), so one ``pre_delete``
  receiver covers them all.
- A deleted client takes its consents and profile with it (they name it by client_id).
"""

from django.apps import apps
from django.db.models.signals import post_delete, pre_delete

from . import revocation
from .models import ClientProfile, Consent


def _on_access_token_delete(sender, instance, **kwargs) -> None:
    if instance.token_checksum:
        revocation.revoke_issued(instance.token_checksum)


def _on_application_delete(sender, instance, **kwargs) -> None:
    Consent.objects.filter(client_id=instance.client_id).delete()
    ClientProfile.objects.filter(client_id=instance.client_id).delete()


if apps.is_installed("oauth2_provider"):
    from oauth2_provider.models import get_access_token_model, get_application_model

    pre_delete.connect(_on_access_token_delete, sender=get_access_token_model(), dispatch_uid="oauth_jwt_revoke")
    post_delete.connect(_on_application_delete, sender=get_application_model(), dispatch_uid="oauth_jwt_forget")
