"""Signal receivers: every way an access-token row dies puts its JWT on the denylist.

DOT revokes an access token by deleting its row (the revocation endpoint, the admin,
refresh rotation and family revocation, a person disconnecting an app, RP logout), so
one ``pre_delete`` receiver covers them all. Connected only where DOT is installed.
"""

from django.apps import apps
from django.db.models.signals import pre_delete

from . import revocation


def _on_access_token_delete(sender, instance, **kwargs) -> None:
    if instance.token_checksum:
        revocation.revoke_issued(instance.token_checksum)


if apps.is_installed("oauth2_provider"):
    from oauth2_provider.models import get_access_token_model

    pre_delete.connect(_on_access_token_delete, sender=get_access_token_model(), dispatch_uid="oauth_jwt_revoke")
