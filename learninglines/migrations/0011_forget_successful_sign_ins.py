"""Forget the record of successful sign-ins the lock-out kept until now.

django-axes wrote a row for every sign-in (address, IP address, browser, time), kept for good,
outside "My data" and erasure and readable by staff. The app no longer records them
(`AXES_DISABLE_ACCESS_LOG`); this removes those kept so far. Failed attempts, which the
lock-out needs, stay. Going back restores nothing: the rows are gone.
"""

from django.db import migrations


def forget(apps, schema_editor):
    apps.get_model("axes", "AccessLog").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("learninglines", "0010_privacy_retention"),
        ("axes", "0010_accessattemptexpiration"),
    ]

    operations = [migrations.RunPython(forget, migrations.RunPython.noop)]
