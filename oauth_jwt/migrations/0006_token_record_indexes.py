"""Two expression indexes on DOT's access-token table, over the JWT's record in its
``token`` column (``oauth_jwt.records``): the ``jti`` and the signing key. The records
of live tokens get the key's fixed-width form those indexes read.

The table is DOT's (or the project's swapped model): the indexes are created with the
schema editor, outside the migration state, so that no app's models change. Without DOT
(a resource server) there is nothing to do.
"""

from django.apps import apps as global_apps
from django.db import migrations
from django.db.models import F, Func, Index, TextField

# The record's "<jti> " (22 characters and a space) and " <key pk, 10 digits>".
INDEXES = {"oauth_jwt_record_jti": (1, 23), "oauth_jwt_record_key": (23, 11)}
KEY_WIDTH = 10


def _access_token_model(apps):
    if not global_apps.is_installed("oauth2_provider"):
        return None
    from oauth2_provider.settings import oauth2_settings

    return apps.get_model(oauth2_settings.ACCESS_TOKEN_MODEL)


def _indexes():
    return [
        Index(Func(F("token"), template=f"substr(%(expressions)s, {start}, {length})", output_field=TextField()), name=name)
        for name, (start, length) in INDEXES.items()
    ]


def _fixed_width(record: str) -> str | None:
    parts = record.split(" ")
    if len(parts) not in (2, 3) or not all(part.isdigit() for part in parts[1:]):
        return None
    parts[1] = f"{int(parts[1]):0{KEY_WIDTH}d}"
    fixed = " ".join(parts)
    return fixed if fixed != record else None


def create_indexes(apps, schema_editor):
    AccessToken = _access_token_model(apps)
    if AccessToken is None:
        return
    for index in _indexes():
        schema_editor.add_index(AccessToken, index)
    rows = AccessToken.objects.using(schema_editor.connection.alias).filter(token__contains=" ")
    for pk, record in rows.values_list("pk", "token").iterator():
        fixed = _fixed_width(record)
        if fixed is not None:
            # update(), not save(): DOT's checksum field would recompute from the column.
            rows.filter(pk=pk).update(token=fixed)


def drop_indexes(apps, schema_editor):
    AccessToken = _access_token_model(apps)
    if AccessToken is None:
        return
    for index in _indexes():
        schema_editor.remove_index(AccessToken, index)


def _dot_dependency():
    if not global_apps.is_installed("oauth2_provider"):
        return []
    from oauth2_provider.settings import oauth2_settings

    return [migrations.swappable_dependency(oauth2_settings.ACCESS_TOKEN_MODEL)]


class Migration(migrations.Migration):
    dependencies = [("oauth_jwt", "0005_staged_signing_keys"), *_dot_dependency()]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
