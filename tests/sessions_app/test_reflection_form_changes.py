"""A reflection form that changes while a teacher has it open, and a question reworded once
answered.

1. The answer page carries the version of the questions it shows (`form_version`). When the
   steering group reorders, removes or rewords a question's choices (allowed while nobody has
   answered it) while a teacher has the page open, the teacher's save stores nothing (no index
   lands on another choice, nothing half-way): the page comes again with the form as it is now,
   a message, and what still fits kept. Drafts, submits and autosaves alike; an unchanged form
   saves as before, and moving a question or making it required changes no version.
2. A question reworded after the first answers (drafts count) says so on the results page and
   in the exports, with when; reworded before the first answer it says nothing.
"""

import re
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from sessions_app.exports import answer_rows, count_rows
from sessions_app.models import Answer, Question, Questionnaire, Reflection
from sessions_app.selectors.reflections import questionnaire_results
from sessions_app.services.reflections import (
    AnswerData,
    FormChanged,
    QuestionData,
    form_version,
    question_create,
    question_move,
    question_update,
    questionnaire_open,
    reflection_autosave,
    reflection_submit,
)
from tests.dutch import long_date
from tests.sessions_app.plenary import Plenary

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
SHAPES = ["Duo", "Viertal", "Alleen"]


def _nl(message: str) -> str:
    """The page's words for `message` (Dutch, or English until the catalogue has them)."""
    with translation.override("nl"):
        return gettext(message)


CHANGED = _nl(
    "The steering group changed this form while you had it open. Check your answers and save again."
)
CHANGED_AUTOSAVE = _nl(
    "Not saved: the steering group changed this form while you had it open. Press a button "
    "below to see the changed form, then check your answers."
)
CHANGED_QUESTION = _nl("This question is new or changed: check your answer.")


def _form(plenary: Plenary) -> tuple[Questionnaire, dict[str, Question]]:
    """The method's five questions and a single choice "Welke vorm?", open."""
    questionnaire = Questionnaire.objects.get(session=plenary.session)
    question_create(
        questionnaire=questionnaire,
        data=QuestionData(kind="single", text="Welke vorm?", choices=list(SHAPES)),
    )
    questionnaire = questionnaire_open(questionnaire=questionnaire)
    names = ["learned", "brought_took", "try", "talk", "useful", "shape"]
    return questionnaire, dict(
        zip(names, questionnaire.questions.order_by("position"), strict=True)
    )


def _url(questionnaire, name="reflection-answer", **kwargs) -> str:
    kwargs = {"school_slug": questionnaire.school.slug, "pk": questionnaire.pk, **kwargs}
    return reverse(f"sessions_app:{name}", kwargs=kwargs)


def _version(page: str) -> str:
    return unescape(re.search(r'name="form_version" value="([^"]*)"', page).group(1))


def _opened_page(client, questionnaire, member) -> str:
    """The teacher opens the answer page: the version of the form they answer to."""
    client.force_login(member.user)
    response = client.get(_url(questionnaire))
    assert response.status_code == 200
    return _version(response.content.decode())


def _text(response) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def _steering_changes(questionnaire, question, steering, **changes) -> None:
    """The steering group saves the question in the builder, as a planner does."""
    question = Question.objects.get(pk=question.pk)
    builder = Client()
    builder.force_login(steering.user)
    fields = {
        "kind": question.kind,
        "text": question.text,
        "help_text": question.help_text,
        "privacy": question.privacy,
        "choices": "\n".join(question.choices),
        "scale_low": question.scale_low,
        "scale_high": question.scale_high,
        **({"required": "on"} if question.required else {}),
        **changes,
    }
    response = builder.post(_url(questionnaire, "question-update", question_pk=question.pk), fields)
    assert response.status_code == 302, response.content.decode()


def _stored(member) -> dict[int, tuple]:
    return {
        a.question_id: (a.text, a.value, a.selected)
        for a in Answer.objects.filter(reflection__member=member)
    }


# --- 1. a save against a form that changed since the page was shown ---

CHOICE_CHANGES = {
    "reordered": "Alleen\nDuo\nViertal",
    "one removed": "Duo\nAlleen",
    "reworded": "Duo\nViertal\nIn je eentje",
}


@pytest.mark.parametrize("change", CHOICE_CHANGES)
@pytest.mark.parametrize("action", ["submit", "save"])
def test_a_save_after_the_choices_changed_stores_nothing_and_shows_the_form_again(
    client, plenary, teacher, steering, change, action
):
    questionnaire, q = _form(plenary)
    version = _opened_page(client, questionnaire, teacher)
    # A draft autosaved before the change; after it the teacher sends "Alleen" (index 2 on the
    # page they have open) and changes their text.
    client.post(
        _url(questionnaire, "reflection-autosave"),
        {"form_version": version, f"q{q['learned'].pk}": "Eerste versie"},
        headers=HTMX,
    )
    before = _stored(teacher)
    assert before == {q["learned"].pk: ("Eerste versie", None, [])}
    _steering_changes(questionnaire, q["shape"], steering, choices=CHOICE_CHANGES[change])

    response = client.post(
        _url(questionnaire),
        {
            "action": action,
            "form_version": version,
            f"q{q['learned'].pk}": "Tweede versie",
            f"q{q['useful'].pk}": "4",
            f"q{q['shape'].pk}": "2",
        },
    )

    # Nothing stored, not even the unchanged questions' answers: no index points elsewhere.
    assert _stored(teacher) == before
    assert response.status_code == 200  # the page again, as after any refused save
    assert Reflection.objects.get(member=teacher).submitted_at is None
    page = response.content.decode()
    text = _text(response)
    assert CHANGED in text
    # The form as it is now, with a new version; the changed question is marked and not ticked.
    assert _version(page) == form_version(list(questionnaire.questions.order_by("position")))
    assert _version(page) != version
    shape = page[page.index(f'id="question-{q["shape"].pk}"') :]
    shape = shape[: shape.index("</fieldset>")]
    assert CHANGED_QUESTION in unescape(shape)
    assert " checked" not in shape
    labels = re.findall(r'<label class="form-check-label"[^>]*>([^<]*)</label>', shape)
    assert labels == CHOICE_CHANGES[change].split("\n")
    # What still fits is kept for the teacher to save again: unchanged questions' answers.
    assert ">Tweede versie</textarea>" in page
    assert f'id="q{q["useful"].pk}-4" value="4" autocomplete="off" checked>' in page
    assert unescape(page).count(CHANGED_QUESTION) == 1


def test_saving_again_from_the_changed_form_stores_the_choice_as_shown(
    client, plenary, teacher, steering
):
    questionnaire, q = _form(plenary)
    old = _opened_page(client, questionnaire, teacher)
    _steering_changes(questionnaire, q["shape"], steering, choices="Alleen\nDuo\nViertal")
    response = client.post(
        _url(questionnaire), {"action": "submit", "form_version": old, f"q{q['shape'].pk}": "2"}
    )
    assert response.status_code == 200  # the page again, as after any refused save
    assert not Reflection.objects.exists()

    # The teacher ticks "Alleen" again, now the first choice, and submits from that page.
    new = _version(response.content.decode())
    response = client.post(
        _url(questionnaire),
        {
            "action": "submit",
            "form_version": new,
            f"q{q['learned'].pk}": "Tweetallen",
            f"q{q['useful'].pk}": "4",
            f"q{q['shape'].pk}": "0",
        },
    )
    assert response.status_code == 302
    [answer] = Answer.objects.filter(question=q["shape"])
    shape = Question.objects.get(pk=q["shape"].pk)
    assert [shape.choices[index] for index in answer.selected] == ["Alleen"]
    assert Reflection.objects.get(member=teacher).submitted_at is not None


def test_an_autosave_after_the_choices_changed_stores_nothing_and_says_so(
    client, plenary, teacher, steering
):
    questionnaire, q = _form(plenary)
    version = _opened_page(client, questionnaire, teacher)
    _steering_changes(questionnaire, q["shape"], steering, choices="Alleen\nDuo\nViertal")
    response = client.post(
        _url(questionnaire, "reflection-autosave"),
        {"form_version": version, f"q{q['learned'].pk}": "Half af", f"q{q['shape'].pk}": "2"},
        headers=HTMX,
    )
    # 200, as every autosave answer (htmx swaps only those): the words say it was not saved.
    assert response.status_code == 200
    assert _text(response) == CHANGED_AUTOSAVE
    assert not Reflection.objects.exists()
    assert not Answer.objects.exists()


def test_a_submitted_reflection_stays_as_it_was_when_a_change_is_refused(
    client, plenary, teacher, steering
):
    questionnaire, q = _form(plenary)
    version = _opened_page(client, questionnaire, teacher)
    reflection_submit(
        questionnaire=questionnaire,
        member=teacher,
        answers={
            q["learned"].pk: AnswerData(text="Ingestuurd"),
            q["useful"].pk: AnswerData(value=3),
        },
        version=version,
    )
    submitted = Reflection.objects.get().submitted_at
    before = _stored(teacher)
    _steering_changes(questionnaire, q["learned"], steering, text="Wat leerde je van een ander?")
    response = client.post(
        _url(questionnaire),
        {
            "action": "submit",
            "form_version": version,
            f"q{q['learned'].pk}": "Veranderd",
            f"q{q['useful'].pk}": "5",
        },
    )
    assert response.status_code == 200  # the page again, as after any refused save
    assert _stored(teacher) == before
    assert Reflection.objects.get().submitted_at == submitted
    # The reworded open question keeps what was typed, marked to check against its new words.
    page = response.content.decode()
    learned = page[page.index(f'id="question-{q["learned"].pk}"') :]
    learned = unescape(learned[: learned.index("</textarea>") + len("</textarea>")])
    assert CHANGED_QUESTION in learned
    assert "Wat leerde je van een ander?" in learned
    assert learned.endswith(">Veranderd</textarea>")


def test_a_question_added_while_the_page_is_open_is_shown_before_anything_is_stored(
    client, plenary, teacher
):
    questionnaire, q = _form(plenary)
    version = _opened_page(client, questionnaire, teacher)
    added = question_create(
        questionnaire=questionnaire, data=QuestionData(kind="open", text="Nog iets?")
    )
    response = client.post(
        _url(questionnaire),
        {
            "action": "submit",
            "form_version": version,
            f"q{q['learned'].pk}": "Tweetallen",
            f"q{q['useful'].pk}": "4",
        },
    )
    assert response.status_code == 200  # the page again, as after any refused save
    assert not Reflection.objects.exists()
    page = response.content.decode()
    new = page[page.index(f'id="question-{added.pk}"') :]
    assert CHANGED_QUESTION in unescape(new[: new.index("</textarea>")])
    assert unescape(page).count(CHANGED_QUESTION) == 1


# --- an unchanged form saves as before ---


@pytest.mark.parametrize("action", ["submit", "save"])
def test_a_save_from_an_unchanged_form_is_stored_as_before(client, plenary, teacher, action):
    questionnaire, q = _form(plenary)
    version = _opened_page(client, questionnaire, teacher)
    response = client.post(
        _url(questionnaire),
        {
            "action": action,
            "form_version": version,
            f"q{q['learned'].pk}": "Tweetallen",
            f"q{q['useful'].pk}": "4",
            f"q{q['shape'].pk}": "2",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == _url(questionnaire)
    assert _stored(teacher) == {
        q["learned"].pk: ("Tweetallen", None, []),
        q["useful"].pk: ("", 4, []),
        q["shape"].pk: ("", None, [2]),
    }
    submitted = Reflection.objects.get().submitted_at
    assert (submitted is not None) == (action == "submit")


def test_moving_a_question_or_making_it_required_changes_no_version(
    client, plenary, teacher, steering
):
    questionnaire, q = _form(plenary)
    version = _opened_page(client, questionnaire, teacher)
    question_move(question=q["shape"], direction="up")
    _steering_changes(questionnaire, q["talk"], steering, required="on")
    autosave = client.post(
        _url(questionnaire, "reflection-autosave"),
        {"form_version": version, f"q{q['shape'].pk}": "1"},
        headers=HTMX,
    )
    assert "autosave-saved" in autosave.content.decode()
    assert _stored(teacher) == {q["shape"].pk: ("", None, [1])}


def test_an_autosave_without_a_version_saves_as_before(client, plenary, teacher):
    """A page made before the field existed sends none: it is saved as it always was."""
    questionnaire, q = _form(plenary)
    client.force_login(teacher.user)
    response = client.post(
        _url(questionnaire, "reflection-autosave"), {f"q{q['shape'].pk}": "2"}, headers=HTMX
    )
    assert "autosave-saved" in response.content.decode()
    assert _stored(teacher) == {q["shape"].pk: ("", None, [2])}


def test_a_forged_version_stores_nothing(plenary, teacher):
    questionnaire, q = _form(plenary)
    with pytest.raises(FormChanged) as refused:
        reflection_autosave(
            questionnaire=questionnaire,
            member=teacher,
            answers={q["shape"].pk: AnswerData(selected=(2,))},
            version="not a version",
        )
    assert refused.value.code == "form_changed"
    assert not Reflection.objects.exists()


# --- 2. a question reworded after the first answers ---


def _results_page(client, steering, questionnaire):
    client.force_login(steering.user)
    response = client.get(_url(questionnaire, "reflection-results"))
    assert response.status_code == 200
    return response


def _section(response, question) -> str:
    body = response.content.decode()
    start = body.index(">", body.index(f'id="question-{question.pk}"')) + 1
    return " ".join(
        unescape(re.sub(r"<[^>]+>", " ", body[start : body.find("</section>", start)])).split()
    )


def _flag(moment) -> str:
    local = timezone.localtime(moment)
    return _nl(
        "Changed on %(when)s, after the first answers came in: answers from before then may "
        "answer the earlier wording."
    ) % {"when": f"{long_date(local.date())}, {local:%H:%M}"}


def test_rewording_after_the_first_answers_shows_on_the_results_and_in_the_exports(
    client, plenary, steering
):
    questionnaire, q = _form(plenary)
    for member in plenary.members[:3]:
        reflection_submit(
            questionnaire=questionnaire,
            member=member,
            answers={
                q["learned"].pk: AnswerData(text=f"Antwoord van {member.pk}"),
                q["useful"].pk: AnswerData(value=4),
                q["shape"].pk: AnswerData(selected=(0,)),
            },
        )
    _steering_changes(questionnaire, q["shape"], steering, text="Welke <b>vorm</b> werkte?")
    _steering_changes(questionnaire, q["useful"], steering, scale_high="erg bruikbaar")
    _steering_changes(questionnaire, q["learned"], steering, required="")  # no wording

    shape = Question.objects.get(pk=q["shape"].pk)
    useful = Question.objects.get(pk=q["useful"].pk)
    assert shape.changed_after_answers_at is not None
    assert useful.changed_after_answers_at is not None
    assert Question.objects.get(pk=q["learned"].pk).changed_after_answers_at is None

    response = _results_page(client, steering, questionnaire)
    assert _flag(shape.changed_after_answers_at) in _section(response, shape)
    assert _flag(useful.changed_after_answers_at) in _section(response, useful)
    assert _flag(shape.changed_after_answers_at) not in _section(response, q["learned"])
    body = response.content.decode()
    assert "Welke &lt;b&gt;vorm&lt;/b&gt; werkte?" in body  # free text escaped
    assert "<b>vorm</b>" not in body
    assert "style=" not in body

    with translation.override("nl"):
        results = questionnaire_results(questionnaire=questionnaire)
        marked = gettext("%(question)s [changed on %(when)s, after the first answers]")
        counts = count_rows(results)
        answers = answer_rows(results)
    local = timezone.localtime(shape.changed_after_answers_at)
    cell = marked % {
        "question": "Welke <b>vorm</b> werkte?",
        "when": f"{long_date(local.date())}, {local:%H:%M}",
    }
    assert [row[0] for row in counts if row[1] == "Duo"] == [cell]
    assert {row[0] for row in answers} == {q["learned"].text}  # not reworded: as it was


def test_a_draft_is_an_answer_for_the_flag(plenary, teacher):
    questionnaire, q = _form(plenary)
    reflection_autosave(
        questionnaire=questionnaire,
        member=teacher,
        answers={q["talk"].pk: AnswerData(text="Met Jan")},
    )
    now = timezone.now()
    question_update(
        question=q["talk"],
        data=QuestionData(kind="open", text="Met wie praat je verder?", privacy="named"),
        now=now,
    )
    assert Question.objects.get(pk=q["talk"].pk).changed_after_answers_at == now


def test_rewording_before_the_first_answer_is_not_flagged(client, plenary, steering, teacher):
    questionnaire, q = _form(plenary)
    _steering_changes(questionnaire, q["shape"], steering, text="Welke vorm werkte?")
    _steering_changes(questionnaire, q["shape"], steering, choices="Alleen\nDuo")
    reflection_submit(
        questionnaire=questionnaire,
        member=teacher,
        answers={
            q["learned"].pk: AnswerData(text="Tweetallen"),
            q["useful"].pk: AnswerData(value=4),
            q["shape"].pk: AnswerData(selected=(0,)),
        },
    )
    assert Question.objects.get(pk=q["shape"].pk).changed_after_answers_at is None
    response = _results_page(client, steering, questionnaire)
    assert "result-changed" not in response.content.decode()
    with translation.override("nl"):
        counts = count_rows(questionnaire_results(questionnaire=questionnaire))
    assert {row[0] for row in counts if row[1] in ("Alleen", "Duo")} == {"Welke vorm werkte?"}
