"""Forms given an opening time without a closing time get one, by the rule opening applies.

Until now the settings page stored an opening time with an empty closing time as it was, so
such a form, once its time came, stayed open for good (and got no reminders, which need a
closing time). From now on `questionnaire_update` sets the closing time as
`questionnaire_closing_time` does; this gives the forms saved before the same one: a week after
the opening time, or, opening before its session's or meeting's day, 23:59 a week after that
day. The rule is copied here (a migration does not import the services, which may change).
Going back leaves the closing times as they are: they are valid either way.
"""

from datetime import datetime, time, timedelta

from django.db import migrations
from django.utils import timezone

OPEN_FOR = timedelta(days=7)


def set_closing_times(apps, schema_editor):
    Questionnaire = apps.get_model("sessions_app", "Questionnaire")
    without = Questionnaire.objects.filter(
        opens_at__isnull=False, closes_at__isnull=True
    ).select_related("session", "meeting")
    for questionnaire in without:
        day = questionnaire.session.date if questionnaire.session_id else questionnaire.meeting.date
        opens_at = questionnaire.opens_at
        if timezone.localdate(opens_at) < day:
            closes_at = timezone.make_aware(datetime.combine(day + OPEN_FOR, time(23, 59)))
        else:
            closes_at = opens_at + OPEN_FOR
        Questionnaire.objects.filter(pk=questionnaire.pk, closes_at__isnull=True).update(
            closes_at=closes_at
        )


class Migration(migrations.Migration):
    dependencies = [
        ("sessions_app", "0007_plan_change_left_label"),
    ]

    operations = [
        migrations.RunPython(set_closing_times, migrations.RunPython.noop),
    ]
