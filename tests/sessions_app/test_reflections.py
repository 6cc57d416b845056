"""Reflection forms, the services: the method's questions, opening and closing, autosave and
submit, private answers in the log, reminders, the meaning lock, and the results' privacy."""

from datetime import datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from learninglines.models import LogEntry, OutgoingMail
from sessions_app.models import (
    Answer,
    Question,
    Questionnaire,
    Reflection,
    ReflectionReminder,
    SessionAttendance,
)
from sessions_app.selectors.reflections import (
    questionnaire_asked,
    questionnaire_participation,
    questionnaire_results,
)
from sessions_app.services.day import clock_act
from sessions_app.services.reflections import (
    AnswerData,
    QuestionData,
    question_create,
    question_delete,
    question_update,
    questionnaire_close,
    questionnaire_open,
    questionnaire_save_template,
    reflection_autosave,
    reflection_remind,
    reflection_submit,
)
from sessions_app.services.sessions import session_create
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def _form(plenary) -> Questionnaire:
    return Questionnaire.objects.get(session=plenary.session)


def _opened(plenary) -> Questionnaire:
    return questionnaire_open(questionnaire=_form(plenary))


def _questions(questionnaire) -> dict[str, Question]:
    """The method's questions by a short name, in order."""
    names = ["learned", "brought_took", "try", "talk", "useful"]
    return dict(zip(names, questionnaire.questions.order_by("position"), strict=True))


def _full_answers(questionnaire, *, useful=4, learned="Lezen werkt met tweetallen") -> dict:
    q = _questions(questionnaire)
    return {
        q["learned"].pk: AnswerData(text=learned),
        q["try"].pk: AnswerData(text="Stillezen met een timer"),
        q["useful"].pk: AnswerData(value=useful),
    }


# --- the method's questions ---


def test_a_new_session_gets_the_methods_questions_in_the_schools_language(plenary):
    questionnaire = _form(plenary)
    rows = list(
        questionnaire.questions.order_by("position").values_list(
            "kind", "text", "required", "privacy"
        )
    )
    assert rows == [
        ("open", "Wat heb je geleerd over een andere leerlijn?", True, "named"),
        ("brought_took", "Wat heb je gebracht, en wat heb je gehaald?", False, "named"),
        ("open", "Wat ga je uitproberen in je klas?", False, "private"),
        ("open", "Met wie wil je verder praten?", False, "named"),
        ("scale", "Hoe bruikbaar was deze bijeenkomst?", True, "anonymous"),
    ]
    assert questionnaire.title == "Reflectie: Plenaire bijeenkomst"
    assert questionnaire.state() == Questionnaire.State.NOT_OPEN


def test_the_schools_template_is_the_next_forms_start(plenary, steering):
    questionnaire = _form(plenary)
    question_create(
        questionnaire=questionnaire,
        data=QuestionData(kind="single", text="Welke vorm?", choices=["Duo", "Viertal"]),
    )
    questionnaire_save_template(questionnaire=questionnaire, by=steering.user)
    later = session_create(
        school=plenary.school,
        title="Tweede",
        date=plenary.session.date,
        start_time=plenary.session.start_time,
        end_time=plenary.session.end_time,
    )
    texts = list(later.questionnaire.questions.values_list("text", flat=True))
    assert len(texts) == 6
    assert texts[-1] == "Welke vorm?"
    assert later.questionnaire.questions.get(text="Welke vorm?").choices == ["Duo", "Viertal"]


def test_a_line_meetings_form_asks_about_the_lines_own_work_not_the_template(plenary, steering):
    """The school's template is made of plenary forms; a line meeting starts from its own."""
    from datetime import time

    from learninglines.services.meetings import meeting_create
    from sessions_app.services.reflections import questionnaire_create_for_meeting

    questionnaire_save_template(questionnaire=_form(plenary), by=steering.user)
    meeting = meeting_create(
        line=plenary.lines[0],
        date=plenary.session.date,
        start_time=time(15),
        end_time=time(16),
        topic="Stillezen",
    )
    questionnaire = questionnaire_create_for_meeting(meeting=meeting)
    rows = list(
        questionnaire.questions.order_by("position").values_list(
            "kind", "text", "required", "privacy"
        )
    )
    assert rows == [
        ("open", "Wat heeft deze bijeenkomst je opgeleverd?", True, "named"),
        ("open", "Wat is de volgende stap van de leerlijn?", False, "named"),
        ("open", "Wat ga je uitproberen in je klas?", False, "private"),
        ("scale", "Hoe bruikbaar was deze bijeenkomst?", True, "anonymous"),
    ]
    assert questionnaire.title == "Reflectie: Stillezen"
    with pytest.raises(ValidationError) as refused:
        questionnaire_save_template(questionnaire=questionnaire, by=steering.user)
    assert refused.value.code == "not_session"


def test_a_form_opened_on_or_after_its_day_closes_a_week_later(plenary):
    now = timezone.make_aware(datetime.combine(plenary.session.date, time(16, 20)))
    questionnaire = questionnaire_open(questionnaire=_form(plenary), now=now)
    assert questionnaire.closes_at - questionnaire.opens_at == timedelta(days=7)


# --- asked ---


def test_everyone_in_a_line_not_absent_is_asked(plenary):
    absent = plenary.members[3]
    SessionAttendance.objects.create(session=plenary.session, member=absent, absent=True)
    asked = {item.member.pk for item in questionnaire_asked(questionnaire=_form(plenary))}
    assert asked == {member.pk for member in plenary.members} - {absent.pk}


def test_an_absent_member_cannot_answer(plenary):
    absent = plenary.members[3]
    SessionAttendance.objects.create(session=plenary.session, member=absent, absent=True)
    questionnaire = _opened(plenary)
    with pytest.raises(ValidationError):
        reflection_submit(
            questionnaire=questionnaire, member=absent, answers=_full_answers(questionnaire)
        )
    assert Reflection.objects.count() == 0


# --- open and close ---


def test_the_clock_opens_the_form_at_the_reflection(plenary, steering):
    questionnaire = _form(plenary)
    positions = list(plenary.session.assignments.order_by("position"))
    assert positions[-1].table_round is None
    for _step in range(len(positions) - 2):
        clock_act(session=plenary.session, action="next", by=steering.user)
    questionnaire.refresh_from_db()
    assert questionnaire.state() == Questionnaire.State.NOT_OPEN
    now = timezone.make_aware(datetime.combine(plenary.session.date, time(16, 20)))
    clock_act(session=plenary.session, action="next", by=steering.user, now=now)
    questionnaire.refresh_from_db()
    assert questionnaire.opens_at == now
    assert questionnaire.closes_at == now + timedelta(days=7)


def test_the_clock_before_the_sessions_day_leaves_the_form_closed(plenary, steering):
    """Trying out the projector ahead of time must not open (and soon close) the real form."""
    questionnaire = _form(plenary)
    assert plenary.session.date > timezone.localdate()
    for _step in range(plenary.session.assignments.count() - 1):
        clock_act(session=plenary.session, action="next", by=steering.user)
    questionnaire.refresh_from_db()
    assert questionnaire.state() == Questionnaire.State.NOT_OPEN
    assert questionnaire.opens_at is None
    assert questionnaire.closes_at is None


def test_after_closing_nobody_changes_an_answer(plenary):
    questionnaire = _opened(plenary)
    member = plenary.members[0]
    reflection_submit(
        questionnaire=questionnaire, member=member, answers=_full_answers(questionnaire)
    )
    questionnaire_close(questionnaire=questionnaire)
    questionnaire.refresh_from_db()
    with pytest.raises(ValidationError, match="gesloten"):
        reflection_submit(
            questionnaire=questionnaire,
            member=member,
            answers=_full_answers(questionnaire, learned="Anders"),
        )
    q = _questions(questionnaire)
    assert Answer.objects.get(question=q["learned"]).text == "Lezen werkt met tweetallen"


def test_a_form_that_is_not_open_takes_no_answers(plenary):
    questionnaire = _form(plenary)
    with pytest.raises(ValidationError, match="nog niet open"):
        reflection_autosave(
            questionnaire=questionnaire,
            member=plenary.members[0],
            answers=_full_answers(questionnaire),
        )


# --- autosave and submit ---


def test_autosave_then_submit_stores_one_answer_set(plenary):
    questionnaire = _opened(plenary)
    member = plenary.members[0]
    q = _questions(questionnaire)
    draft = {q["learned"].pk: AnswerData(text="Half")}
    reflection, saved = reflection_autosave(
        questionnaire=questionnaire, member=member, answers=draft
    )
    assert saved is True
    assert reflection.submitted_at is None
    assert Answer.objects.get(reflection=reflection).text == "Half"
    reflection_submit(
        questionnaire=questionnaire, member=member, answers=_full_answers(questionnaire)
    )
    assert Reflection.objects.filter(member=member).count() == 1
    stored = dict(
        Answer.objects.filter(reflection__member=member).values_list("question_id", "text")
    )
    assert stored == {
        q["learned"].pk: "Lezen werkt met tweetallen",
        q["try"].pk: "Stillezen met een timer",
        q["useful"].pk: "",
    }
    assert Answer.objects.get(question=q["useful"]).value == 4


def test_an_autosave_after_submit_changes_nothing(plenary):
    questionnaire = _opened(plenary)
    member = plenary.members[0]
    q = _questions(questionnaire)
    reflection_submit(
        questionnaire=questionnaire, member=member, answers=_full_answers(questionnaire)
    )
    _reflection, saved = reflection_autosave(
        questionnaire=questionnaire,
        member=member,
        answers={q["learned"].pk: AnswerData(text="A late keystroke")},
    )
    assert saved is False
    assert Answer.objects.get(question=q["learned"]).text == "Lezen werkt met tweetallen"


def test_submit_needs_the_required_answers_and_saves_nothing_without(plenary):
    questionnaire = _opened(plenary)
    q = _questions(questionnaire)
    with pytest.raises(ValidationError) as error:
        reflection_submit(
            questionnaire=questionnaire,
            member=plenary.members[0],
            answers={q["try"].pk: AnswerData(text="Iets")},
        )
    assert set(error.value.message_dict) == {f"q{q['learned'].pk}", f"q{q['useful'].pk}"}
    assert Reflection.objects.count() == 0


def test_an_answer_outside_the_scale_is_refused(plenary):
    questionnaire = _opened(plenary)
    q = _questions(questionnaire)
    with pytest.raises(ValidationError):
        reflection_autosave(
            questionnaire=questionnaire,
            member=plenary.members[0],
            answers={q["useful"].pk: AnswerData(value=9)},
        )


def test_private_answers_land_in_the_authors_log_once(plenary):
    questionnaire = _opened(plenary)
    member = plenary.members[0]
    for text in ("Eerste versie", "Tweede versie"):
        answers = _full_answers(questionnaire)
        answers[_questions(questionnaire)["try"].pk] = AnswerData(text=text)
        reflection_submit(questionnaire=questionnaire, member=member, answers=answers)
    entry = LogEntry.objects.get(author=member)
    assert entry.sharing == LogEntry.Sharing.PRIVATE
    assert entry.date == plenary.session.date
    assert entry.note == (
        "Reflectie: Plenaire bijeenkomst\n\nWat ga je uitproberen in je klas?\nTweede versie"
    )


def test_a_private_scale_answer_lands_in_the_log_as_a_value_of_five_with_its_label(plenary):
    questionnaire = _form(plenary)
    useful = _questions(questionnaire)["useful"]
    question_update(
        question=useful,
        data=QuestionData(
            kind="scale",
            text=useful.text,
            required=True,
            privacy="private",
            scale_low="niet bruikbaar",
            scale_high="heel bruikbaar",
        ),
    )
    questionnaire = questionnaire_open(questionnaire=questionnaire)
    member = plenary.members[0]
    for value, written in ((2, "2 van 5"), (5, "5 van 5 (heel bruikbaar)")):
        reflection_submit(
            questionnaire=questionnaire,
            member=member,
            answers=_full_answers(questionnaire, useful=value),
        )
        note = LogEntry.objects.get(author=member).note
        assert note.endswith(f"Hoe bruikbaar was deze bijeenkomst?\n{written}")


# --- the meaning lock ---


def test_once_answered_only_the_wording_may_change(plenary):
    questionnaire = _opened(plenary)
    reflection_submit(
        questionnaire=questionnaire,
        member=plenary.members[0],
        answers=_full_answers(questionnaire),
    )
    useful = _questions(questionnaire)["useful"]
    data = QuestionData(
        kind="scale",
        text="Hoe bruikbaar vond je deze middag?",
        required=True,
        privacy="anonymous",
        scale_low="niet",
        scale_high="zeer",
    )
    question_update(question=useful, data=data)
    useful.refresh_from_db()
    assert useful.text == "Hoe bruikbaar vond je deze middag?"
    with pytest.raises(ValidationError, match="al antwoord gegeven"):
        question_update(question=useful, data=QuestionData(**{**vars(data), "privacy": "named"}))
    with pytest.raises(ValidationError, match="al antwoord gegeven"):
        question_update(question=useful, data=QuestionData(**{**vars(data), "kind": "open"}))
    with pytest.raises(ValidationError, match="al antwoord gegeven"):
        question_delete(question=useful)
    useful.refresh_from_db()
    assert (useful.kind, useful.privacy) == ("scale", "anonymous")


# --- reminders ---


def test_reminders_go_to_those_who_have_not_submitted_never_twice_a_day(plenary, steering):
    questionnaire = _opened(plenary)
    done = plenary.members[0]
    reflection_submit(
        questionnaire=questionnaire, member=done, answers=_full_answers(questionnaire)
    )
    now = timezone.now()
    count = reflection_remind(questionnaire=questionnaire, by=steering.user, now=now)
    assert count == len(plenary.members) - 1
    mails = OutgoingMail.objects.filter(subject__startswith="Herinnering")
    assert sorted(mails.values_list("to", flat=True)) == sorted(
        member.user.email for member in plenary.members[1:]
    )
    body = mails.first().body
    assert (
        "Je hebt het reflectieformulier “Reflectie: Plenaire bijeenkomst” nog niet ingevuld. "
        "Het kost ongeveer twee minuten:" in " ".join(body.split())
    )
    assert body.count("ook op je telefoon") == 1
    assert reflection_remind(questionnaire=questionnaire, now=now + timedelta(hours=23)) == 0
    assert reflection_remind(questionnaire=questionnaire, now=now + timedelta(hours=25)) == (
        len(plenary.members) - 1
    )
    assert ReflectionReminder.objects.count() == 2 * (len(plenary.members) - 1)


# --- results ---


def _answer_all(plenary, questionnaire, values):
    for member, value in zip(plenary.members, values, strict=False):
        reflection_submit(
            questionnaire=questionnaire,
            member=member,
            answers=_full_answers(questionnaire, useful=value, learned=f"Van {member.first_name}"),
        )


def test_results_count_and_keep_anonymous_bars_below_three_hidden(plenary):
    questionnaire = _opened(plenary)
    _answer_all(plenary, questionnaire, [5, 5, 5, 4, 2])
    results = questionnaire_results(questionnaire=questionnaire)
    assert (results.asked, results.submitted, results.rate) == (13, 5, 38)
    useful = results.questions[4]
    assert [(bar.label, bar.count) for bar in useful.bars] == [
        ("1", 0),
        ("2", None),
        ("3", 0),
        ("4", None),
        ("5", 3),
    ]
    assert useful.average == 4.2


def test_results_never_show_private_answers_and_name_only_named_ones(plenary):
    questionnaire = _opened(plenary)
    _answer_all(plenary, questionnaire, [5, 5, 4])
    results = questionnaire_results(questionnaire=questionnaire)
    learned, _bt, tried, _talk, _useful = results.questions
    assert tried.is_private
    assert (tried.answered, tried.groups) == (0, [])
    quotes = [(quote.name, quote.text) for group in learned.groups for quote in group.quotes]
    assert sorted(quotes) == sorted(
        (member.full_name, f"Van {member.first_name}") for member in plenary.members[:3]
    )


def test_an_anonymous_question_with_fewer_than_three_answers_is_withheld(plenary):
    questionnaire = _opened(plenary)
    _answer_all(plenary, questionnaire, [5, 4])
    useful = questionnaire_results(questionnaire=questionnaire).questions[4]
    assert useful.withheld is True
    assert useful.bars == []


def test_a_line_filter_keeps_the_threshold_within_the_line(plenary):
    questionnaire = _opened(plenary)
    _answer_all(plenary, questionnaire, [5, 5, 5, 5, 5, 5])
    line = plenary.lines[0]
    results = questionnaire_results(questionnaire=questionnaire, line=line)
    # Members 0 and 3 are in the first line: two answers, below the threshold.
    assert results.submitted == 2
    assert results.questions[4].withheld is True


def test_participation_lists_who_has_not_submitted(plenary):
    questionnaire = _opened(plenary)
    reflection_autosave(
        questionnaire=questionnaire,
        member=plenary.members[1],
        answers={_questions(questionnaire)["learned"].pk: AnswerData(text="Half")},
    )
    reflection_submit(
        questionnaire=questionnaire,
        member=plenary.members[0],
        answers=_full_answers(questionnaire),
    )
    participation = questionnaire_participation(questionnaire=questionnaire)
    status = {row.member.pk: row.status for row in participation.rows}
    assert status[plenary.members[0].pk] == "submitted"
    assert status[plenary.members[1].pk] == "draft"
    assert status[plenary.members[2].pk] == "none"
    assert (participation.asked, participation.submitted, participation.rate) == (13, 1, 8)


def test_a_member_of_another_school_is_not_asked(plenary, their_plenary):
    questionnaire = _opened(plenary)
    outsider = their_plenary.members[0]
    with pytest.raises(ValidationError):
        reflection_autosave(
            questionnaire=questionnaire, member=outsider, answers=_full_answers(questionnaire)
        )
    assert MemberFactory._meta.model.objects.filter(reflections__isnull=False).count() == 0


def test_the_start_page_lists_the_open_forms_that_ask_the_member(plenary):
    """Session and line-meeting forms at once, with the same rule as `questionnaire_asked`."""
    from datetime import time

    from learninglines.services.meetings import meeting_attendance_save, meeting_create
    from sessions_app.selectors.reflections import questionnaire_asked, questionnaires_to_answer
    from sessions_app.services.reflections import questionnaire_create_for_meeting

    session_form = _opened(plenary)
    line = plenary.lines[0]
    meeting = meeting_create(
        line=line, date=plenary.session.date, start_time=time(15), end_time=time(16), topic="T"
    )
    in_line = [m for m in plenary.members if m.line_memberships.filter(line=line).exists()]
    meeting_attendance_save(meeting=meeting, statuses={in_line[1].pk: "absent"})
    meeting_form = questionnaire_open(
        questionnaire=questionnaire_create_for_meeting(meeting=meeting)
    )
    SessionAttendance.objects.create(
        session=plenary.session, member=plenary.members[2], absent=True
    )
    for member in plenary.members:
        listed = {q.pk for q, _submitted in questionnaires_to_answer(member=member)}
        expected = {
            form.pk
            for form in (session_form, meeting_form)
            if member.pk in {item.member.pk for item in questionnaire_asked(questionnaire=form)}
        }
        assert listed == expected
    assert {q.pk for q, _s in questionnaires_to_answer(member=in_line[0])} == {
        session_form.pk,
        meeting_form.pk,
    }
    assert {q.pk for q, _s in questionnaires_to_answer(member=in_line[1])} == {session_form.pk}
