"""Live JWTs are recorded in DOT's AccessToken row; only revoked ones keep a row here.

Forward: every live ``IssuedToken`` writes its record (jti, signing key, auth_time) into
the blank ``token`` column of DOT's row with the same checksum, then only revoked rows
stay, as ``RevokedToken``. Backward: the revoked rows become ``IssuedToken`` again; the
live tokens' records stay in DOT's rows (they expire within one token lifetime).
"""

import django.utils.timezone
from django.db import migrations, models


def _access_token_model(apps):
    from oauth2_provider.settings import oauth2_settings

    app_label, model_name = oauth2_settings.ACCESS_TOKEN_MODEL.split(".")
    return apps.get_model(app_label, model_name)


def records_into_dot_rows(apps, schema_editor):
    IssuedToken = apps.get_model("oauth_jwt", "IssuedToken")
    SigningKey = apps.get_model("oauth_jwt", "SigningKey")
    live = IssuedToken.objects.filter(revoked_at__isnull=True)
    if live.exists():
        # No dependency on DOT's migrations: resource servers install this app without
        # DOT, and a database with issued tokens has DOT's tables already.
        AccessToken = _access_token_model(apps)
        key_pks = dict(SigningKey.objects.values_list("kid", "pk"))
        for jti, token_checksum, kid, auth_time in live.values_list("jti", "token_checksum", "kid", "auth_time"):
            if kid not in key_pks:
                continue
            parts = [jti, str(key_pks[kid])]
            if auth_time is not None:
                parts.append(str(int(auth_time.timestamp())))
            # update(), not save(): DOT's checksum field would recompute from the column.
            AccessToken.objects.filter(token_checksum=token_checksum, token="").update(token=" ".join(parts))
    live.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("oauth_jwt", "0003_redeemedcode_client_resources"),
    ]

    operations = [
        migrations.RunPython(records_into_dot_rows, migrations.RunPython.noop),
        migrations.RemoveIndex(model_name="issuedtoken", name="oauth_jwt_revoked_live"),
        migrations.RenameModel(old_name="IssuedToken", new_name="RevokedToken"),
        migrations.AlterModelOptions(
            name="revokedtoken",
            options={"verbose_name": "revoked access token", "verbose_name_plural": "revoked access tokens"},
        ),
        migrations.AlterField(
            model_name="revokedtoken",
            name="kid",
            field=models.CharField(blank=True, max_length=64, verbose_name="key id"),
        ),
        migrations.AlterField(
            model_name="revokedtoken",
            name="revoked_at",
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name="revoked"),
        ),
    ]
