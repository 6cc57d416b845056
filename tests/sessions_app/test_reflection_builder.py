"""The reflection-form builder as the steering group and the coach use it: make a form, change
its questions (and meet the meaning lock), reorder, open and close, keep it as the school's
template, print it blank, see who has not answered yet and remind them; the cron command."""

from datetime import datetime, time, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from learninglines.models import OutgoingMail
from learninglines.services.meetings import meeting_create
from sessions_app.models import (
    Question,
    Questionnaire,
    QuestionnaireTemplate,
    ReflectionReminder,
)
from sessions_app.services.reflections import (
    AnswerData,
    questionnaire_open,
    reflection_autosave,
    reflection_submit,
)
from tests.dutch import long_date
from tests.sessions_app.plenary import Plenary

DAYS = ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"]

pytestmark = pytest.mark.django_db

METHOD_QUESTIONS = [
    "Wat heb je geleerd over een andere leerlijn?",
    "Wat heb je gebracht, en wat heb je gehaald?",
    "Wat ga je uitproberen in je klas?",
    "Met wie wil je verder praten?",
    "Hoe bruikbaar was deze bijeenkomst?",
]
MEETING_QUESTIONS = [
    "Wat heeft deze bijeenkomst je opgeleverd?",
    "Wat is de volgende stap van de leerlijn?",
    "Wat ga je uitproberen in je klas?",
    "Hoe bruikbaar was deze bijeenkomst?",
]


def _form(plenary: Plenary) -> Questionnaire:
    return Questionnaire.objects.get(session=plenary.session)


def _url(questionnaire: Questionnaire, name: str, **kwargs) -> str:
    return reverse(
        f"sessions_app:{name}",
        kwargs={"school_slug": questionnaire.school.slug, "pk": questionnaire.pk, **kwargs},
    )


def _texts(questionnaire: Questionnaire) -> list[str]:
    return list(questionnaire.questions.order_by("position").values_list("text", flat=True))


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def _submit(questionnaire: Questionnaire, member, *, learned="Tweetallen werken") -> None:
    first, useful = (
        questionnaire.questions.get(position=1),
        questionnaire.questions.get(position=5),
    )
    reflection_submit(
        questionnaire=questionnaire,
        member=member,
        answers={first.pk: AnswerData(text=learned), useful.pk: AnswerData(value=4)},
    )


def _draft(questionnaire: Questionnaire, member, text="Half af") -> None:
    first = questionnaire.questions.get(position=1)
    reflection_autosave(
        questionnaire=questionnaire, member=member, answers={first.pk: AnswerData(text=text)}
    )


QUESTION = {
    "kind": "single",
    "text": "Welke werkvorm nam je mee?",
    "help_text": "Kies er één",
    "required": "on",
    "privacy": "anonymous",
    "choices": "Duo\n\nViertal\n  Carrousel  \n",
    "scale_low": "",
    "scale_high": "",
}


# --- the session's form ---


def test_a_session_with_a_form_leads_to_its_builder(client, steering, plenary):
    client.force_login(steering.user)
    response = client.get(plenary.url("session-reflection"))
    assert response.status_code == 302
    assert response["Location"] == _url(_form(plenary), "reflection-detail")


def test_a_session_from_before_the_feature_can_make_its_form(client, steering, plenary):
    _form(plenary).delete()
    client.force_login(steering.user)
    page = client.get(plenary.url("session-reflection"))
    assert page.status_code == 200
    assert "Maak het reflectieformulier" in page.content.decode()

    response = client.post(plenary.url("session-reflection"), follow=True)
    questionnaire = _form(plenary)
    assert response.redirect_chain == [(_url(questionnaire, "reflection-detail"), 302)]
    assert _texts(questionnaire) == METHOD_QUESTIONS
    assert questionnaire.created_by == steering.user
    assert _messages(response) == [
        "Het reflectieformulier is gemaakt met de richtvragen. Pas ze hier aan."
    ]


def test_the_session_page_links_to_its_reflection_form(client, steering, plenary):
    client.force_login(steering.user)
    html = client.get(plenary.session.get_absolute_url()).content.decode()
    assert f'href="{plenary.url("session-reflection")}">Reflectieformulier</a>' in html


# --- the list of the year's forms, and a form for a line meeting ---


def _meeting(plenary: Plenary, topic="Tweetallen lezen"):
    return meeting_create(
        line=plenary.lines[0],
        date=plenary.session.date - timedelta(days=3),
        start_time=time(15, 0),
        end_time=time(16, 0),
        topic=topic,
    )


def test_the_list_shows_each_form_with_its_state_and_response(client, steering, plenary):
    questionnaire = questionnaire_open(questionnaire=_form(plenary))
    _submit(questionnaire, plenary.members[1])
    _submit(questionnaire, plenary.members[2])
    _draft(questionnaire, plenary.members[3])
    client.force_login(steering.user)
    response = client.get(reverse("sessions_app:reflection-list", args=[plenary.school.slug]))
    html = response.content.decode()
    assert response.status_code == 200
    assert [
        (row.questionnaire, row.asked, row.submitted, row.rate) for row in response.context["rows"]
    ] == [(questionnaire, 13, 2, 15)]
    assert "15 % ingestuurd: 2 van 13" in html
    assert "Reflectie: Plenaire bijeenkomst" in html
    closes = timezone.localtime(questionnaire.closes_at)
    assert f"tot {closes:%-d} " in html


def test_the_list_says_what_to_do_when_there_is_no_form(client, steering, plenary):
    _form(plenary).delete()
    client.force_login(steering.user)
    html = client.get(
        reverse("sessions_app:reflection-list", args=[plenary.school.slug])
    ).content.decode()
    assert "Nog geen reflectieformulier in dit schooljaar." in html
    assert "Elke leerlijnbijeenkomst van dit jaar heeft een formulier" in html


def test_a_line_meeting_gets_a_form_from_the_list(client, steering, plenary):
    meeting = _meeting(plenary)
    client.force_login(steering.user)
    listing = client.get(reverse("sessions_app:reflection-list", args=[plenary.school.slug]))
    assert list(listing.context["meetings"]) == [meeting]
    url = reverse("sessions_app:meeting-reflection-create", args=[plenary.school.slug, meeting.pk])
    assert f'action="{url}"' in listing.content.decode()
    # The accessible name starts with the visible words (voice control), then the meeting.
    assert (
        f'Formulier maken<span class="visually-hidden">: {meeting.line.name}, '
        f"{meeting.topic}</span>" in listing.content.decode()
    )

    response = client.post(url)
    questionnaire = Questionnaire.objects.get(meeting=meeting)
    assert response["Location"] == _url(questionnaire, "reflection-detail")
    assert questionnaire.open_at_reflection is False
    assert _texts(questionnaire) == MEETING_QUESTIONS
    detail = client.get(_url(questionnaire, "reflection-detail")).content.decode()
    assert "Bewaren als sjabloon van de school" not in detail
    refused = client.post(_url(questionnaire, "reflection-template"), follow=True)
    assert _messages(refused) == [
        "Alleen het formulier van een plenaire bijeenkomst kan het sjabloon van de school worden."
    ]
    assert not QuestionnaireTemplate.objects.exists()
    listing = client.get(reverse("sessions_app:reflection-list", args=[plenary.school.slug]))
    assert list(listing.context["meetings"]) == []
    # Newest first: the session, then the meeting three days before it.
    assert [row.asked for row in listing.context["rows"]] == [13, 5]


def test_a_second_form_for_a_meeting_is_refused_with_the_reason(client, steering, plenary):
    meeting = _meeting(plenary)
    url = reverse("sessions_app:meeting-reflection-create", args=[plenary.school.slug, meeting.pk])
    client.force_login(steering.user)
    client.post(url)
    response = client.post(url, follow=True)
    assert Questionnaire.objects.filter(meeting=meeting).count() == 1
    assert _messages(response)[-1] == "Deze bijeenkomst heeft al een reflectieformulier."


def test_a_meeting_with_a_reflection_form_is_not_removed(client, steering, plenary):
    meeting = _meeting(plenary)
    assert meeting.date >= timezone.localdate()  # not passed: only the form keeps it
    client.force_login(steering.user)
    client.post(
        reverse("sessions_app:meeting-reflection-create", args=[plenary.school.slug, meeting.pk])
    )
    response = client.post(
        reverse("learninglines:meeting-delete", args=[plenary.school.slug, meeting.pk]),
        follow=True,
    )
    assert _messages(response)[-1] == (
        "Bij deze bijeenkomst hoort een reflectieformulier: ze blijft."
    )
    assert Questionnaire.objects.filter(meeting=meeting).count() == 1


# --- the builder ---


def test_the_builder_shows_the_questions_in_order_with_who_reads_them(client, steering, plenary):
    questionnaire = _form(plenary)
    client.force_login(steering.user)
    response = client.get(_url(questionnaire, "reflection-detail"))
    html = response.content.decode()
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [row.question.text for row in rows] == METHOD_QUESTIONS
    assert [row.who_reads for row in rows] == [
        "Met naam: de stuurgroep en de coach zien je naam.",
        "Met naam: de stuurgroep en de coach zien je naam.",
        "Privé: alleen jij; een kopie gaat in je logboek.",
        "Met naam: de stuurgroep en de coach zien je naam.",
        "Anoniem: zonder je naam; alleen getoond in groepen van 3 of meer.",
    ]
    positions = [html.index(text) for text in METHOD_QUESTIONS]
    assert positions == sorted(positions)
    assert "Nu openen" in html
    assert "Nu sluiten" not in html
    assert _url(questionnaire, "reflection-participation") in html
    assert _url(questionnaire, "reflection-results") in html
    assert _url(questionnaire, "reflection-print") in html
    assert "Er is al antwoord gegeven" not in html


def test_the_coach_gets_no_link_to_participation(client, coach, plenary):
    questionnaire = _form(plenary)
    client.force_login(coach)
    html = client.get(_url(questionnaire, "reflection-detail")).content.decode()
    assert _url(questionnaire, "reflection-participation") not in html
    assert _url(questionnaire, "reflection-results") in html


def test_an_answered_question_says_only_its_wording_can_change(client, steering, plenary):
    questionnaire = questionnaire_open(questionnaire=_form(plenary))
    _submit(questionnaire, plenary.members[1])
    client.force_login(steering.user)
    response = client.get(_url(questionnaire, "reflection-detail"))
    assert [row.answered for row in response.context["rows"]] == [
        True,
        False,
        False,
        False,
        True,
    ]
    html = response.content.decode()
    assert html.count("Er is al antwoord gegeven: alleen de formulering kan nog veranderen.") == 2
    assert "Nu sluiten" in html
    assert "Nu openen" not in html


def test_a_question_is_added_at_the_end(client, steering, plenary):
    questionnaire = _form(plenary)
    client.force_login(steering.user)
    assert client.get(_url(questionnaire, "question-create")).status_code == 200
    response = client.post(_url(questionnaire, "question-create"), QUESTION)
    added = questionnaire.questions.get(position=6)
    assert response["Location"] == _url(questionnaire, "reflection-detail") + (
        f"#question-{added.pk}"
    )
    assert (
        added.kind,
        added.text,
        added.help_text,
        added.required,
        added.privacy,
        added.choices,
    ) == (
        "single",
        "Welke werkvorm nam je mee?",
        "Kies er één",
        True,
        "anonymous",
        ["Duo", "Viertal", "Carrousel"],
    )


def test_a_choice_question_needs_two_choices_and_nothing_is_saved(client, steering, plenary):
    questionnaire = _form(plenary)
    client.force_login(steering.user)
    response = client.post(
        _url(questionnaire, "question-create"), {**QUESTION, "choices": "Alleen deze"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"choices": ["Geef minstens twee keuzes."]}
    assert questionnaire.questions.count() == 5


def test_a_scale_keeps_its_labels_and_drops_choices(client, steering, plenary):
    questionnaire = _form(plenary)
    client.force_login(steering.user)
    client.post(
        _url(questionnaire, "question-create"),
        {**QUESTION, "kind": "scale", "scale_low": "saai", "scale_high": "top"},
    )
    added = questionnaire.questions.get(position=6)
    assert (added.kind, added.choices, added.scale_low, added.scale_high) == (
        "scale",
        [],
        "saai",
        "top",
    )


def test_a_question_is_changed(client, steering, plenary):
    questionnaire = _form(plenary)
    question = questionnaire.questions.get(position=4)
    client.force_login(steering.user)
    page = client.get(_url(questionnaire, "question-update", question_pk=question.pk))
    assert page.context["form"].initial["text"] == "Met wie wil je verder praten?"
    response = client.post(
        _url(questionnaire, "question-update", question_pk=question.pk),
        {"kind": "open", "text": "Met wie praat je verder?", "privacy": "private"},
    )
    assert response.status_code == 302
    question.refresh_from_db()
    assert (question.text, question.privacy, question.required) == (
        "Met wie praat je verder?",
        "private",
        False,
    )


def test_once_answered_only_the_wording_changes(client, steering, plenary):
    questionnaire = questionnaire_open(questionnaire=_form(plenary))
    _submit(questionnaire, plenary.members[1])
    question = questionnaire.questions.get(position=1)
    url = _url(questionnaire, "question-update", question_pk=question.pk)
    client.force_login(steering.user)
    page = client.get(url)
    assert "Er is al antwoord gegeven op deze vraag: alleen de formulering kan veranderen" in (
        page.content.decode()
    )

    refused = client.post(
        url,
        {"kind": "open", "text": "Wat leerde je?", "privacy": "anonymous", "required": "on"},
    )
    assert refused.status_code == 200
    assert refused.context["form"].non_field_errors() == [
        "Er is al antwoord gegeven op deze vraag: de soort, de keuzes en wie het antwoord leest "
        "blijven zoals ze waren, zodat de antwoorden hun betekenis houden. Verbeter de "
        "formulering, of voeg een nieuwe vraag toe."
    ]
    question.refresh_from_db()
    assert (question.text, question.privacy) == (METHOD_QUESTIONS[0], "named")

    allowed = client.post(
        url, {"kind": "open", "text": "Wat leerde je?", "privacy": "named", "required": "on"}
    )
    assert allowed.status_code == 302
    question.refresh_from_db()
    assert question.text == "Wat leerde je?"


def test_questions_move_up_and_down(client, steering, plenary):
    questionnaire = _form(plenary)
    last = questionnaire.questions.get(position=5)
    first = questionnaire.questions.get(position=1)
    client.force_login(steering.user)
    response = client.post(
        _url(questionnaire, "question-move", question_pk=last.pk), {"direction": "up"}
    )
    assert response["Location"] == _url(questionnaire, "reflection-detail") + (
        f"#question-{last.pk}"
    )
    client.post(_url(questionnaire, "question-move", question_pk=first.pk), {"direction": "down"})
    assert _texts(questionnaire) == [
        METHOD_QUESTIONS[1],
        METHOD_QUESTIONS[0],
        METHOD_QUESTIONS[2],
        METHOD_QUESTIONS[4],
        METHOD_QUESTIONS[3],
    ]


def test_a_move_without_a_direction_changes_nothing_and_says_why(client, steering, plenary):
    questionnaire = _form(plenary)
    question = questionnaire.questions.get(position=2)
    client.force_login(steering.user)
    response = client.post(
        _url(questionnaire, "question-move", question_pk=question.pk),
        {"direction": "sideways"},
        follow=True,
    )
    assert _messages(response) == ["Verplaats een vraag omhoog of omlaag."]
    assert _texts(questionnaire) == METHOD_QUESTIONS


def test_a_question_is_removed_unless_answered(client, steering, plenary):
    questionnaire = questionnaire_open(questionnaire=_form(plenary))
    _submit(questionnaire, plenary.members[1])
    client.force_login(steering.user)
    talk = questionnaire.questions.get(position=4)
    removed = client.post(_url(questionnaire, "question-delete", question_pk=talk.pk), follow=True)
    assert _messages(removed) == ["“Met wie wil je verder praten?” is verwijderd."]
    learned = questionnaire.questions.get(position=1)
    kept = client.post(_url(questionnaire, "question-delete", question_pk=learned.pk), follow=True)
    assert _messages(kept) == [
        "Er is al antwoord gegeven op deze vraag: ze blijft staan, zodat de antwoorden ook blijven."
    ]
    assert _texts(questionnaire) == [
        METHOD_QUESTIONS[0],
        METHOD_QUESTIONS[1],
        METHOD_QUESTIONS[2],
        METHOD_QUESTIONS[4],
    ]
    assert list(
        questionnaire.questions.order_by("position").values_list("position", flat=True)
    ) == [
        1,
        2,
        3,
        4,
    ]


# --- open, close, template, settings ---


def test_open_now_then_close_now(client, steering, plenary):
    questionnaire = _form(plenary)
    client.force_login(steering.user)
    opened = client.post(_url(questionnaire, "reflection-open"), follow=True)
    questionnaire.refresh_from_db()
    assert questionnaire.state() == Questionnaire.State.OPEN
    closes = timezone.localtime(questionnaire.closes_at)
    # written out as on the form's page, not as 14-12-2026 (which reads as a US date too)
    weekday = DAYS[closes.weekday()]
    assert _messages(opened) == [
        f"Het formulier is open tot {weekday} {long_date(closes)}, {closes:%H:%M}."
    ]
    # opened a week before the session: it stays open until a week after the session's day
    day = plenary.session.date
    assert day > timezone.localdate()
    assert closes == timezone.make_aware(datetime.combine(day + timedelta(days=7), time(23, 59)))

    closed = client.post(_url(questionnaire, "reflection-close"), follow=True)
    questionnaire.refresh_from_db()
    assert questionnaire.state() == Questionnaire.State.CLOSED
    assert _messages(closed) == [
        "Het formulier is gesloten: antwoorden kunnen niet meer veranderen."
    ]
    html = closed.content.decode()
    assert "Dit formulier is gesloten: de vragen blijven zoals ze waren." in html
    assert "Een vraag toevoegen" not in html


def test_a_closed_form_does_not_say_its_wording_can_still_change(client, steering, plenary):
    questionnaire = questionnaire_open(questionnaire=_form(plenary))
    _submit(questionnaire, plenary.members[1])
    client.force_login(steering.user)
    html = client.post(_url(questionnaire, "reflection-close"), follow=True).content.decode()
    assert "Dit formulier is gesloten: de vragen blijven zoals ze waren." in html
    assert "alleen de formulering kan nog veranderen" not in html


def test_opening_says_until_when_in_the_readers_language(client, steering, plenary):
    questionnaire = _form(plenary)
    client.force_login(steering.user)
    client.cookies["exchange_language"] = "en"
    opened = client.post(_url(questionnaire, "reflection-open"), follow=True)
    questionnaire.refresh_from_db()
    closes = timezone.localtime(questionnaire.closes_at)
    assert _messages(opened) == [
        f"The form is open until {closes:%A} {closes.day} {closes:%B %Y, %H:%M}."
    ]


def test_closing_a_form_that_is_not_open_says_why(client, steering, plenary):
    questionnaire = _form(plenary)
    client.force_login(steering.user)
    response = client.post(_url(questionnaire, "reflection-close"), follow=True)
    assert _messages(response) == ["Alleen een open formulier kan dicht."]
    questionnaire.refresh_from_db()
    assert questionnaire.closes_at is None


def test_a_form_without_questions_does_not_open(client, steering, plenary):
    questionnaire = _form(plenary)
    questionnaire.questions.all().delete()
    client.force_login(steering.user)
    response = client.post(_url(questionnaire, "reflection-open"), follow=True)
    assert _messages(response) == ["Voeg eerst een vraag toe."]
    questionnaire.refresh_from_db()
    assert questionnaire.opens_at is None
    assert "Dit formulier heeft nog geen vragen." in response.content.decode()


def test_save_as_the_schools_template(client, coach, plenary):
    questionnaire = _form(plenary)
    questionnaire.questions.get(position=2).delete()
    client.force_login(coach)
    response = client.post(_url(questionnaire, "reflection-template"), follow=True)
    template = QuestionnaireTemplate.objects.get(school=plenary.school)
    assert [item["text"] for item in template.items] == [
        METHOD_QUESTIONS[0],
        METHOD_QUESTIONS[2],
        METHOD_QUESTIONS[3],
        METHOD_QUESTIONS[4],
    ]
    assert template.updated_by == coach
    assert _messages(response) == [
        "Deze vragen zijn nu het begin van de volgende reflectieformulieren van de school."
    ]


def test_settings_take_local_times(client, steering, plenary):
    questionnaire = _form(plenary)
    url = _url(questionnaire, "reflection-update")
    client.force_login(steering.user)
    page = client.get(url)
    assert 'type="datetime-local"' in page.content.decode()
    assert "open_at_reflection" in page.context["form"].fields
    response = client.post(
        url,
        {
            "title": "Terugblik",
            "intro": "Vijf minuten.",
            "opens_at": "2030-03-02T16:30",
            "closes_at": "2030-03-09T17:00",
        },
    )
    assert response.status_code == 302
    questionnaire.refresh_from_db()
    amsterdam = timezone.get_current_timezone()
    assert (
        questionnaire.title,
        questionnaire.intro,
        questionnaire.opens_at,
        questionnaire.closes_at,
        questionnaire.open_at_reflection,
    ) == (
        "Terugblik",
        "Vijf minuten.",
        datetime(2030, 3, 2, 16, 30, tzinfo=amsterdam),
        datetime(2030, 3, 9, 17, 0, tzinfo=amsterdam),
        False,
    )
    again = client.get(url)
    assert 'value="2030-03-02T16:30"' in again.content.decode()


def test_settings_refuse_closing_before_opening(client, steering, plenary):
    questionnaire = _form(plenary)
    client.force_login(steering.user)
    response = client.post(
        _url(questionnaire, "reflection-update"),
        {"title": "Terugblik", "opens_at": "2030-03-02T16:30", "closes_at": "2030-03-02T16:00"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "closes_at": ["Het formulier moet sluiten nadat het opent."]
    }
    questionnaire.refresh_from_db()
    assert questionnaire.opens_at is None


def test_a_meetings_settings_have_no_reflection_clock(client, steering, plenary):
    client.force_login(steering.user)
    meeting = _meeting(plenary)
    client.post(
        reverse("sessions_app:meeting-reflection-create", args=[plenary.school.slug, meeting.pk])
    )
    questionnaire = Questionnaire.objects.get(meeting=meeting)
    page = client.get(_url(questionnaire, "reflection-update"))
    assert "open_at_reflection" not in page.context["form"].fields


# --- print ---


def test_the_blank_form_prints_every_question_with_who_reads_it(client, teacher, plenary):
    questionnaire = _form(plenary)
    Question.objects.create(
        questionnaire=questionnaire,
        position=6,
        kind="multiple",
        text="Welke werkvormen?",
        choices=["Duo", "Viertal"],
    )
    client.force_login(teacher.user)
    response = client.get(_url(questionnaire, "reflection-print"))
    html = response.content.decode()
    assert response.status_code == 200
    positions = [html.index(text) for text in [*METHOD_QUESTIONS, "Welke werkvormen?"]]
    assert positions == sorted(positions)
    assert html.count('class="reflection-print-question"') == 6
    assert html.count("Wie leest het antwoord:") == 6
    assert "Anoniem: zonder je naam; alleen getoond in groepen van 3 of meer." in html
    assert html.count('class="reflection-print-box"') == 5
    assert "niet bruikbaar" in html
    assert "heel bruikbaar" in html
    assert "Kruis alles aan wat past." in html
    assert "Wat ik heb gebracht" in html
    assert "Wat ik heb gehaald" in html
    assert f"{plenary.lines[1].letter}. Rekenen" in html
    assert 'src="/static/js/print.js"' in html
    assert "print-page" in html
    # A teacher goes back to the school, not to the builder they may not open.
    assert f'href="{plenary.school.get_absolute_url()}">Terug</a>' in html


# --- participation and reminders ---


def test_participation_lists_who_has_not_submitted_without_content(client, steering, plenary):
    questionnaire = questionnaire_open(questionnaire=_form(plenary))
    done, drafting = plenary.members[1], plenary.members[2]
    _submit(questionnaire, done, learned="Geheim inzicht over lezen")
    _draft(questionnaire, drafting, text="Een half geheim")
    client.force_login(steering.user)
    response = client.get(_url(questionnaire, "reflection-participation"))
    html = response.content.decode()
    assert response.status_code == 200
    waiting = response.context["waiting"]
    assert len(waiting) == 12
    assert done.pk not in {row.member.pk for row in waiting}
    assert {row.status for row in waiting if row.member == drafting} == {"draft"}
    assert "8 % ingestuurd: 1 van 13" in html
    assert html.count(">concept</td>") == 1
    assert html.count(">niet begonnen</td>") == 11
    assert drafting.full_name in html
    assert done.full_name not in html
    assert "Geheim inzicht" not in html
    assert "Een half geheim" not in html
    assert html.count('class="line-badge line-colour-') == 12
    assert "Een herinnering sturen" in html


def test_the_coach_may_not_see_participation(client, coach, plenary):
    questionnaire = questionnaire_open(questionnaire=_form(plenary))
    client.force_login(coach)
    assert client.get(_url(questionnaire, "reflection-participation")).status_code == 403
    assert client.post(_url(questionnaire, "reflection-remind")).status_code == 403
    assert OutgoingMail.objects.count() == 0


def test_a_reminder_goes_to_each_who_has_not_submitted(client, steering, plenary, settings):
    questionnaire = questionnaire_open(questionnaire=_form(plenary))
    _submit(questionnaire, plenary.members[1])
    OutgoingMail.objects.all().delete()
    client.force_login(steering.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(_url(questionnaire, "reflection-remind"), follow=True)
    assert response.redirect_chain == [(_url(questionnaire, "reflection-participation"), 302)]
    assert _messages(response) == ["12 reminders queued."]
    waiting = {m.user.email for m in plenary.members} - {plenary.members[1].user.email}
    assert {mail.to for mail in OutgoingMail.objects.all()} == waiting
    assert OutgoingMail.objects.count() == 12
    assert ReflectionReminder.objects.filter(sent_by=steering.user).count() == 12
    sent_at = ReflectionReminder.objects.values_list("sent_at", flat=True).distinct()
    assert {row.reminded_at for row in response.context["waiting"]} == set(sent_at)
    assert len(set(sent_at)) == 1

    # A second press the same day queues nothing and says why, not "0 reminders queued."
    again = client.post(_url(questionnaire, "reflection-remind"), follow=True)
    assert _messages(again) == [
        "Everyone who has not submitted got a reminder less than a day ago. "
        "Nobody gets two within a day: try again tomorrow."
    ]
    assert OutgoingMail.objects.count() == 12


def test_no_reminder_before_the_form_opens(client, steering, plenary):
    questionnaire = _form(plenary)
    client.force_login(steering.user)
    page = client.get(_url(questionnaire, "reflection-participation"))
    assert "Een herinnering sturen" not in page.content.decode()
    response = client.post(_url(questionnaire, "reflection-remind"), follow=True)
    assert _messages(response) == ["Herinneringen gaan alleen weg zolang het formulier open is."]
    assert OutgoingMail.objects.count() == 0


# --- the cron command ---


def test_the_command_reminds_for_every_open_form(plenary):
    questionnaire = questionnaire_open(questionnaire=_form(plenary))
    _submit(questionnaire, plenary.members[0])
    OutgoingMail.objects.all().delete()
    out = StringIO()
    call_command("send_reflection_reminders", stdout=out)
    assert out.getvalue() == "Queued 12 reflection reminder(s).\n"
    assert OutgoingMail.objects.count() == 12

    out = StringIO()
    call_command("send_reflection_reminders", stdout=out)
    assert out.getvalue() == "Queued 0 reflection reminder(s).\n"
    assert OutgoingMail.objects.count() == 12


def test_a_scale_without_end_labels_shows_no_empty_labels(client, steering, plenary):
    from sessions_app.services.reflections import QuestionData, question_update

    questionnaire = _form(plenary)
    useful = questionnaire.questions.get(kind="scale")
    client.force_login(steering.user)
    html = client.get(_url(questionnaire, "reflection-detail")).content.decode()
    assert "1 = niet bruikbaar · 5 = heel bruikbaar" in html
    question_update(
        question=useful,
        data=QuestionData(kind="scale", text=useful.text, required=True, privacy="anonymous"),
    )
    html = client.get(_url(questionnaire, "reflection-detail")).content.decode()
    assert "1 =" not in html
