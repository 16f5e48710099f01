"""Seal the second factor's secrets already stored in clear (``accounts.mfa_secrets``)."""

from django.db import migrations


def seal_all(apps, schema_editor):
    from goodgov.accounts.mfa_secrets import resealed

    Authenticator = apps.get_model("mfa", "Authenticator")
    for authenticator in Authenticator.objects.all().iterator():
        data = resealed(authenticator.data or {})
        if data is not None:
            Authenticator.objects.filter(pk=authenticator.pk).update(data=data)


def open_all(apps, schema_editor):
    from goodgov.accounts.mfa_secrets import KEYS, LISTS, open_

    Authenticator = apps.get_model("mfa", "Authenticator")
    for authenticator in Authenticator.objects.all().iterator():
        data = dict(authenticator.data or {})
        for key in KEYS:
            if isinstance(data.get(key), str):
                data[key] = open_(data[key])
        for key in LISTS:
            if isinstance(data.get(key), list):
                data[key] = [open_(v) if isinstance(v, str) else v for v in data[key]]
        Authenticator.objects.filter(pk=authenticator.pk).update(data=data)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_alter_user_national_id_encrypted"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(seal_all, open_all)]
