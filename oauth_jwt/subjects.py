"""Client ids and people's ``sub`` never meet (RFC 9068 §5).

A client-credentials token's ``sub`` is its client id, a person's token's ``sub`` is
the person's primary key. A client whose id is, or could one day be, the ``sub`` of a
person would get tokens that read as that person to a resource server that looks at
``sub`` alone. Such a client id is refused: at client authentication (the client is
unknown, ``invalid_client``), in the admin's client form, and named by ``check
--deploy`` (W045). The token format stays as it is.

With an integer or UUID primary key (Django's default is an integer) "could be" is a
question of spelling, answered without a query: ``"42"`` could be a person's, ``"app-42"``
cannot. With any other kind of primary key only the people who exist can be checked.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models


def could_be_a_persons_sub(client_id: str) -> bool:
    User = get_user_model()
    field = User._meta.pk
    if isinstance(field, (models.IntegerField, models.UUIDField)):
        try:
            return str(field.to_python(client_id)) == client_id
        except (ValidationError, TypeError, ValueError, OverflowError):
            return False
    return User._default_manager.filter(pk=client_id).exists()
