"""Opening and closing a reflection form: a closed form never opens or changes again, a form
given an opening time also gets its closing time, and no page names a deadline that is not set.

Messages are read in English (the language cookie, or `translation.override("en")`).
"""

import importlib
from datetime import datetime, time, timedelta
from io import StringIO

import pytest
import time_machine
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from learninglines.models import OutgoingMail
from learninglines.services.meetings import meeting_create
from sessions_app.models import Question, Questionnaire, Reflection
from sessions_app.services.reflections import (
    AnswerData,
    questionnaire_close,
    questionnaire_create_for_meeting,
    questionnaire_open,
    questionnaire_update,
    reflection_autosave,
    reflection_remind_all_open,
    reflection_submit,
)
from tests.sessions_app.plenary import Plenary

pytestmark = pytest.mark.django_db

CLOSED = "This reflection form has closed: it stays as it was."
AT_ONCE = (
    "With these times the form would close at once, and a closed form cannot open again. "
    "Choose a closing time that has not passed, or use “Close now”."
)
ANSWERED = (
    "People have already answered this form: it cannot go back to not open. "
    "Keep an opening time that has passed."
)
LOCAL_INPUT = "%Y-%m-%dT%H:%M"


def _form(plenary: Plenary) -> Questionnaire:
    return Questionnaire.objects.get(session=plenary.session)


def _url(questionnaire: Questionnaire, name: str, **kwargs) -> str:
    return reverse(
        f"sessions_app:{name}",
        kwargs={"school_slug": questionnaire.school.slug, "pk": questionnaire.pk, **kwargs},
    )


def _answer_url(questionnaire: Questionnaire) -> str:
    return _url(questionnaire, "reflection-answer")


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def _english(client, settings, user):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _local(moment: datetime) -> datetime:
    """A local time to the minute, as a datetime-local input sends it."""
    return timezone.localtime(moment).replace(second=0, microsecond=0)


def _at(day, hour, minute=0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _submit(questionnaire: Questionnaire, member, learned="Tweetallen werken") -> None:
    first, useful = (
        questionnaire.questions.get(position=1),
        questionnaire.questions.get(position=5),
    )
    reflection_submit(
        questionnaire=questionnaire,
        member=member,
        answers={first.pk: AnswerData(text=learned), useful.pk: AnswerData(value=4)},
    )


def _required(questionnaire: Questionnaire) -> dict:
    first, useful = (
        questionnaire.questions.get(position=1),
        questionnaire.questions.get(position=5),
    )
    return {f"q{first.pk}": "Lezen werkt met tweetallen", f"q{useful.pk}": "4"}


def _closed(plenary: Plenary) -> Questionnaire:
    """The session's form, opened, answered by the teacher, and closed."""
    questionnaire = questionnaire_open(questionnaire=_form(plenary))
    _submit(questionnaire, plenary.members[1])
    return questionnaire_close(questionnaire=questionnaire)


def _times(questionnaire: Questionnaire) -> tuple:
    questionnaire.refresh_from_db()
    return questionnaire.title, questionnaire.opens_at, questionnaire.closes_at


def _said(error) -> list[str]:
    return [str(message) for message in error.value.messages]


# --- 1. a closed form stays closed ---


def test_open_now_refuses_a_closed_form(client, settings, steering, plenary):
    questionnaire = _closed(plenary)
    before = _times(questionnaire)
    _english(client, settings, steering.user)
    response = client.post(_url(questionnaire, "reflection-open"), follow=True)
    assert response.redirect_chain == [(_url(questionnaire, "reflection-detail"), 302)]
    assert _messages(response) == [CLOSED]
    assert _times(questionnaire) == before
    assert questionnaire.state() == Questionnaire.State.CLOSED


def test_the_service_does_not_reopen_a_closed_form(plenary):
    questionnaire = _closed(plenary)
    before = _times(questionnaire)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        questionnaire_open(questionnaire=questionnaire)
    assert _said(refused) == [CLOSED]
    assert _times(questionnaire) == before


def test_the_settings_page_of_a_closed_form_leads_back_with_the_reason(
    client, settings, steering, plenary
):
    questionnaire = _closed(plenary)
    _english(client, settings, steering.user)
    response = client.get(_url(questionnaire, "reflection-update"), follow=True)
    assert response.redirect_chain == [(_url(questionnaire, "reflection-detail"), 302)]
    assert _messages(response) == [CLOSED]
    assert 'name="closes_at"' not in response.content.decode()


def test_saving_the_settings_of_a_closed_form_with_a_later_close_does_not_reopen_it(
    client, settings, steering, plenary
):
    questionnaire = _closed(plenary)
    before = _times(questionnaire)
    later = _local(timezone.now() + timedelta(days=3))
    _english(client, settings, steering.user)
    response = client.post(
        _url(questionnaire, "reflection-update"),
        {
            "title": "Heropend",
            "intro": "",
            "opens_at": timezone.localtime(questionnaire.opens_at).strftime(LOCAL_INPUT),
            "closes_at": later.strftime(LOCAL_INPUT),
        },
        follow=True,
    )
    assert response.redirect_chain == [(_url(questionnaire, "reflection-detail"), 302)]
    assert _messages(response) == [CLOSED]
    assert _times(questionnaire) == before
    assert questionnaire.state() == Questionnaire.State.CLOSED

    # so the teacher's answers stay as they were
    teacher = plenary.members[1]
    stored = sorted(Reflection.objects.get(member=teacher).answers.values_list("text", "value"))
    _english(client, settings, teacher.user)
    response = client.post(
        _answer_url(questionnaire),
        {"action": "submit", **_required(questionnaire)},
        follow=True,
    )
    assert _messages(response) == ["This reflection form has closed: answers can no longer change."]
    assert stored == [("", 4), ("Tweetallen werken", None)]
    assert (
        sorted(Reflection.objects.get(member=teacher).answers.values_list("text", "value"))
        == stored
    )


def test_the_service_refuses_new_settings_for_a_closed_form(plenary):
    questionnaire = _closed(plenary)
    before = _times(questionnaire)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        questionnaire_update(
            questionnaire=Questionnaire.objects.get(pk=questionnaire.pk),
            title="Heropend",
            intro="",
            opens_at=questionnaire.opens_at,
            closes_at=timezone.now() + timedelta(days=3),
            open_at_reflection=False,
        )
    assert _said(refused) == [CLOSED]
    assert _times(questionnaire) == before


def test_the_question_pages_of_a_closed_form_lead_back_with_the_reason(
    client, settings, steering, plenary
):
    questionnaire = _closed(plenary)
    first = questionnaire.questions.get(position=1)
    _english(client, settings, steering.user)
    for url in (
        _url(questionnaire, "question-create"),
        _url(questionnaire, "question-update", question_pk=first.pk),
    ):
        response = client.get(url, follow=True)
        assert response.redirect_chain == [(_url(questionnaire, "reflection-detail"), 302)]
        assert _messages(response) == [CLOSED]
    response = client.post(
        _url(questionnaire, "question-create"),
        {"kind": "open", "text": "Wat viel op?", "privacy": "named"},
        follow=True,
    )
    assert _messages(response) == [CLOSED]
    assert questionnaire.questions.count() == 5


def test_a_form_with_a_draft_cannot_go_back_to_not_open(client, settings, steering, plenary):
    questionnaire = questionnaire_open(questionnaire=_form(plenary))
    first = questionnaire.questions.get(position=1)
    reflection_autosave(
        questionnaire=questionnaire,
        member=plenary.members[2],
        answers={first.pk: AnswerData(text="Half af")},
    )
    before = _times(questionnaire)
    tomorrow = _local(timezone.now() + timedelta(days=1))
    _english(client, settings, steering.user)
    response = client.post(
        _url(questionnaire, "reflection-update"),
        {
            "title": questionnaire.title,
            "intro": "",
            "opens_at": tomorrow.strftime(LOCAL_INPUT),
            "closes_at": timezone.localtime(questionnaire.closes_at).strftime(LOCAL_INPUT),
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"opens_at": [ANSWERED]}
    assert _times(questionnaire) == before
    assert questionnaire.state() == Questionnaire.State.OPEN


def test_a_form_with_a_submit_cannot_lose_its_opening_time(plenary):
    questionnaire = questionnaire_open(questionnaire=_form(plenary))
    _submit(questionnaire, plenary.members[1])
    before = _times(questionnaire)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        questionnaire_update(
            questionnaire=questionnaire,
            title=questionnaire.title,
            intro="",
            opens_at=None,
            closes_at=questionnaire.closes_at,
            open_at_reflection=True,
        )
    assert refused.value.message_dict == {"opens_at": [ANSWERED]}
    assert _times(questionnaire) == before


def test_an_open_form_without_answers_may_still_move_its_opening(plenary):
    questionnaire = questionnaire_open(questionnaire=_form(plenary))
    opens = _at(plenary.session.date, 15, 30)
    closes = _at(plenary.session.date + timedelta(days=2), 17)
    questionnaire_update(
        questionnaire=questionnaire,
        title=questionnaire.title,
        intro="",
        opens_at=opens,
        closes_at=closes,
        open_at_reflection=False,
    )
    assert _times(questionnaire)[1:] == (opens, closes)
    assert questionnaire.state() == Questionnaire.State.NOT_OPEN


def test_settings_that_would_close_the_form_at_once_are_refused(plenary):
    questionnaire = _form(plenary)
    # an opening time whose week is over, without a closing time, would close it at once
    later = _at(plenary.session.date + timedelta(days=15), 10)
    with (
        time_machine.travel(later, tick=False),
        translation.override("en"),
        pytest.raises(ValidationError) as refused,
    ):
        questionnaire_update(
            questionnaire=questionnaire,
            title=questionnaire.title,
            intro="",
            opens_at=_at(plenary.session.date + timedelta(days=8), 9),
            closes_at=None,
            open_at_reflection=False,
        )
    assert refused.value.message_dict == {"closes_at": [AT_ONCE]}
    assert _times(questionnaire)[1:] == (None, None)
    # so would a closing time that has passed
    questionnaire = questionnaire_open(questionnaire=questionnaire)
    before = _times(questionnaire)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        questionnaire_update(
            questionnaire=questionnaire,
            title=questionnaire.title,
            intro="",
            opens_at=questionnaire.opens_at - timedelta(days=1),
            closes_at=timezone.now() - timedelta(minutes=5),
            open_at_reflection=False,
        )
    assert refused.value.message_dict == {"closes_at": [AT_ONCE]}
    assert _times(questionnaire) == before
    assert questionnaire.state() == Questionnaire.State.OPEN


# --- 2. an opening time brings its closing time ---


def test_an_opening_time_on_the_day_closes_a_week_later(plenary):
    questionnaire = _form(plenary)
    opens = _at(plenary.session.date, 10)
    questionnaire_update(
        questionnaire=questionnaire,
        title=questionnaire.title,
        intro="",
        opens_at=opens,
        closes_at=None,
        open_at_reflection=False,
    )
    assert _times(questionnaire)[1:] == (opens, _at(plenary.session.date + timedelta(days=7), 10))


def test_an_opening_time_before_the_day_closes_at_2359_a_week_after_the_day(
    client, settings, steering, plenary
):
    """What the audit did: today 10:00 (or earlier), no closing time; the session is later."""
    questionnaire = _form(plenary)
    day = plenary.session.date
    assert day > timezone.localdate()
    opens = _local(timezone.now() - timedelta(hours=1))
    _english(client, settings, steering.user)
    response = client.post(
        _url(questionnaire, "reflection-update"),
        {"title": questionnaire.title, "intro": "", "opens_at": opens.strftime(LOCAL_INPUT)},
        follow=True,
    )
    assert _messages(response) == ["The settings of the reflection form are saved."]
    closes = _at(day + timedelta(days=7), 23, 59)
    assert _times(questionnaire)[1:] == (opens, closes)
    assert questionnaire.state() == Questionnaire.State.OPEN
    assert questionnaire.state(closes) == Questionnaire.State.CLOSED
    page = " ".join(response.content.decode().split())
    assert f"until {closes.day} {closes:%B %Y}, 23:59" in page

    # the teacher reads the real deadline, in the message and on the page
    closes_words = f"{closes:%A} {closes.day} {closes:%B}, 23:59"
    teacher = _english(client, settings, plenary.members[1].user)
    response = teacher.post(
        _answer_url(questionnaire), {"action": "submit", **_required(questionnaire)}, follow=True
    )
    assert _messages(response) == [
        f"Thank you: your answers are in. You can change them until {closes_words}."
    ]
    page = " ".join(response.content.decode().split())
    assert f"you can still change your answers until {closes_words}." in page


def test_a_meetings_opening_time_gets_its_closing_time_too(plenary):
    meeting = meeting_create(
        line=plenary.lines[0],
        date=plenary.session.date - timedelta(days=3),
        start_time=time(15, 0),
        end_time=time(16, 0),
        topic="Tweetallen lezen",
    )
    questionnaire = questionnaire_create_for_meeting(meeting=meeting)
    opens = _at(meeting.date, 16, 15)
    questionnaire_update(
        questionnaire=questionnaire,
        title=questionnaire.title,
        intro="",
        opens_at=opens,
        closes_at=None,
        open_at_reflection=False,
    )
    assert _times(questionnaire)[1:] == (opens, opens + timedelta(days=7))


def test_the_cron_reminds_for_a_form_opened_at_a_set_time(plenary):
    questionnaire = _form(plenary)
    questionnaire_update(
        questionnaire=questionnaire,
        title=questionnaire.title,
        intro="",
        opens_at=timezone.now() - timedelta(hours=1),
        closes_at=None,
        open_at_reflection=False,
    )
    _submit(questionnaire, plenary.members[1])
    OutgoingMail.objects.all().delete()
    out = StringIO()
    call_command("send_reflection_reminders", stdout=out)
    assert out.getvalue() == "Queued 12 reflection reminder(s).\n"
    assert OutgoingMail.objects.count() == 12


def test_the_projector_sets_a_closing_time_as_well(plenary):
    """The clock's path opens through `questionnaire_open`: it never leaves the close empty."""
    from sessions_app.services.reflections import questionnaire_follow_clock

    questionnaire = _form(plenary)
    assignments = list(plenary.session.assignments.order_by("position"))
    now = _at(plenary.session.date, 16, 20)
    opened = questionnaire_follow_clock(
        session=plenary.session,
        assignments=assignments,
        position=assignments[-1].position,
        now=now,
    )
    assert opened is True
    assert _times(questionnaire)[1:] == (now, now + timedelta(days=7))
    assert reflection_remind_all_open(now=now + timedelta(hours=1)) == 13


# --- no deadline is named that is not set ---


def _open_without_close(plenary: Plenary) -> Questionnaire:
    """A form opened at a set time and saved before closing times were always stored."""
    questionnaire = _form(plenary)
    Questionnaire.objects.filter(pk=questionnaire.pk).update(
        opens_at=timezone.now() - timedelta(hours=1), closes_at=None
    )
    questionnaire.refresh_from_db()
    return questionnaire


def test_submitting_names_no_deadline_when_none_is_set(client, settings, plenary):
    questionnaire = _open_without_close(plenary)
    _english(client, settings, plenary.members[1].user)
    response = client.post(
        _answer_url(questionnaire), {"action": "submit", **_required(questionnaire)}, follow=True
    )
    assert _messages(response) == [
        "Thank you: your answers are in. You can change them until the form closes."
    ]
    page = " ".join(response.content.decode().split())
    assert "you can still change your answers until the form closes." in page
    assert "your answers until ." not in page


def test_the_builder_names_no_closing_time_when_none_is_set(client, settings, steering, plenary):
    questionnaire = _open_without_close(plenary)
    _english(client, settings, steering.user)
    page = " ".join(client.get(_url(questionnaire, "reflection-detail")).content.decode().split())
    assert '<span class="badge reflection-state reflection-state-open">open</span> </p>' in page
    assert "until </span>" not in page


# --- the data migration ---


def test_the_migration_gives_forms_with_an_opening_time_their_closing_time(plenary):
    migration = importlib.import_module(
        "sessions_app.migrations.0008_questionnaire_closes_after_set_opening"
    )
    day = plenary.session.date
    session_form = _form(plenary)
    meeting = meeting_create(
        line=plenary.lines[0],
        date=day - timedelta(days=3),
        start_time=time(15, 0),
        end_time=time(16, 0),
        topic="Tweetallen lezen",
    )
    meeting_form = questionnaire_create_for_meeting(meeting=meeting)
    early = _at(day - timedelta(days=1), 10)
    on_the_day = _at(meeting.date, 16, 15)
    Questionnaire.objects.filter(pk=session_form.pk).update(opens_at=early, closes_at=None)
    Questionnaire.objects.filter(pk=meeting_form.pk).update(opens_at=on_the_day, closes_at=None)
    other_meeting = meeting_create(
        line=plenary.lines[1],
        date=day - timedelta(days=2),
        start_time=time(15, 0),
        end_time=time(16, 0),
        topic="Rekenen",
    )
    untouched = questionnaire_create_for_meeting(meeting=other_meeting)

    migration.set_closing_times(apps, None)

    assert _times(session_form)[1:] == (early, _at(day + timedelta(days=7), 23, 59))
    assert _times(meeting_form)[1:] == (on_the_day, on_the_day + timedelta(days=7))
    assert _times(untouched)[1:] == (None, None)
    assert Question.objects.filter(questionnaire=untouched).count() == 4
