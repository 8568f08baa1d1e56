"""Signal receivers, connected by ``connect()`` from ``AppConfig.ready()``, only where
DOT is installed.

- Every way an access-token row dies puts its JWT on the denylist and keeps a
  ``RevokedToken`` record: DOT revokes an access token by deleting its row (the
  revocation endpoint, the admin, refresh rotation and family revocation, a person
  disconnecting an app, RP logout), so one ``pre_delete`` receiver covers them all.
- A row loaded from the database holds its JWT's record as a
  ``token_records.StoredRecord``, as a row just issued does, so saving it again keeps
  its checksum (``token_records``).
- A deleted client takes its consents and profile with it (they name it by client_id).
- A person's account deactivated or given a new password hash ends their codes, access
  and refresh tokens at once (``consents.revoke_tokens``), and the clients they are
  connected to are told by back-channel logout (``backchannel``). Any change of the
  stored hash counts, as it does for Django's sessions; a bulk ``QuerySet.update()``
  sends no signal, and is caught when a refresh token is presented instead (``people``).
- A person signing out (any Django sign-out) ends their session's ``sid``: the clients
  signed in during it are told by back-channel logout.
- A sign-in records its time in the session (``authtime``): ``max_age`` and the
  ``auth_time`` of the tokens it leads to.
"""

from __future__ import annotations

import logging

from django.apps import apps
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db.models.signals import post_delete, post_init, post_save, pre_delete, pre_save

from ..models import ClientProfile, ClientRegistration, Consent
from . import authtime, request_memo, revocation, token_records


def _on_access_token_delete(sender, instance, **kwargs) -> None:
    revocation.revoke_access_token(instance)


def _load_record(sender, instance, **kwargs) -> None:
    """A deferred ``token`` column is left unread."""
    text = instance.__dict__.get("token")
    if type(text) is str and token_records.decode(text) is not None:
        instance.token = token_records.StoredRecord(text)


logger = logging.getLogger(__name__)
# The account fields whose change ends a person's tokens.
_CREDENTIAL_FIELDS = ("password", "is_active")


def _note_credentials_change(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    """Before a person's row is saved: whether it loses its password or its activity."""
    watched = [f.attname for f in sender._meta.concrete_fields if f.attname in _CREDENTIAL_FIELDS]
    if raw or instance._state.adding or not watched:
        return
    if update_fields is not None and not set(watched) & set(update_fields):
        return
    before = sender._default_manager.filter(pk=instance.pk).values(*watched).first()
    if before is None:
        return
    if before.get("is_active", False) and not instance.is_active:
        instance._oauth_jwt_revoke = "deactivated"
    elif "password" in before and before["password"] != instance.password:
        instance._oauth_jwt_revoke = "password_changed"


def _revoke_on_credentials_change(sender, instance, raw=False, **kwargs) -> None:
    from .backchannel import account_changed
    from .consents import revoke_tokens

    reason = instance.__dict__.pop("_oauth_jwt_revoke", None)
    if reason is None:
        return
    account_changed(instance, reason)
    revoke_tokens(instance)
    logger.info(
        "tokens of an account revoked",
        extra={"event": "account.tokens_revoked", "reason": reason, "subject": str(instance.pk)},
    )


def _on_logged_out(sender, request=None, user=None, **kwargs) -> None:
    from .backchannel import session_ended
    from .sessions import current_sid

    sid = current_sid(request) if request is not None else None
    if user is not None and sid:
        session_ended(user, sid)


def _on_application_delete(sender, instance, **kwargs) -> None:
    Consent.objects.filter(client_id=instance.client_id).delete()
    ClientProfile.objects.filter(client_id=instance.client_id).delete()
    ClientRegistration.objects.filter(client_id=instance.client_id).delete()


def connect() -> None:
    """Connect the receivers (``AppConfig.ready()``); a project without DOT has none."""
    if not apps.is_installed("oauth2_provider"):
        return
    from oauth2_provider.models import get_access_token_model, get_application_model

    access_token = get_access_token_model()
    pre_delete.connect(_on_access_token_delete, sender=access_token, dispatch_uid="oauth_jwt_revoke")
    post_init.connect(_load_record, sender=access_token, dispatch_uid="oauth_jwt_load_record")
    post_delete.connect(_on_application_delete, sender=get_application_model(), dispatch_uid="oauth_jwt_forget")
    user = settings.AUTH_USER_MODEL
    pre_save.connect(_note_credentials_change, sender=user, dispatch_uid="oauth_jwt_credentials")
    post_save.connect(_revoke_on_credentials_change, sender=user, dispatch_uid="oauth_jwt_revoke_user")
    user_logged_in.connect(authtime.record, dispatch_uid="oauth_jwt_auth_time")
    user_logged_out.connect(_on_logged_out, dispatch_uid="oauth_jwt_session_ended")
    request_memo.connect()
