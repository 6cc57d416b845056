"""A "took from" line is kept only with what was taken from it (the answer service now stores
it so). Answers saved before with a line and no text lose the line, except in school years
whose texts retention has already blanked: there an empty text no longer tells."""

from django.db import migrations


def drop_lines_without_text(apps, schema_editor):
    Answer = apps.get_model("sessions_app", "Answer")
    Answer.objects.filter(
        took="",
        took_from__isnull=False,
        reflection__questionnaire__year__retained_at__isnull=True,
    ).update(took_from=None)


class Migration(migrations.Migration):
    dependencies = [
        ("sessions_app", "0009_exchange_told_moments_passed"),
        ("learninglines", "0012_member_first_seen"),
    ]

    operations = [migrations.RunPython(drop_lines_without_text, migrations.RunPython.noop)]
