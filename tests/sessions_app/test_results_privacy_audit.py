"""An attacker's look at a reflection form's results: who reads an answer cannot change once
someone answered, so an answer given as anonymous never shows with a name. (Comparing the page
before and after one colleague's answer while the form is open is a known limit of the
threshold rule: docs/privacy.md.) Read in English (the language cookie).
"""

import re
from html import unescape

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from sessions_app.models import Questionnaire
from sessions_app.services.reflections import (
    AnswerData,
    QuestionData,
    question_update,
    questionnaire_close,
    questionnaire_open,
    reflection_autosave,
    reflection_submit,
)

pytestmark = pytest.mark.django_db


def _url(questionnaire, name="reflection-results"):
    kwargs = {"school_slug": questionnaire.school.slug, "pk": questionnaire.pk}
    return reverse(f"sessions_app:{name}", kwargs=kwargs)


def _section(response, question) -> str:
    body = response.content.decode()
    start = body.index(">", body.index(f'id="question-{question.pk}"')) + 1
    end = body.find("</section>", start)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", body[start:end])).split())


def _english(client, user):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def form(plenary):
    questionnaire = questionnaire_open(
        questionnaire=Questionnaire.objects.get(session=plenary.session)
    )
    questions = list(questionnaire.questions.order_by("position"))
    return questionnaire, questions[0], questions[4]  # "learned" (named), "useful" (anonymous)


def _submit(plenary, questionnaire, learned, useful, index, value):
    reflection_submit(
        questionnaire=questionnaire,
        member=plenary.members[index],
        answers={
            learned.pk: AnswerData(text=f"Geleerd door {index}"),
            useful.pk: AnswerData(value=value),
        },
    )


def test_a_question_answered_anonymously_cannot_become_named_even_with_only_a_draft(
    client, steering, plenary, form
):
    """Who reads an answer is part of what it means: once a draft exists the level stays, so
    the answer given as anonymous never shows with a name."""
    questionnaire, learned, useful = form
    reflection_autosave(
        questionnaire=questionnaire,
        member=plenary.members[2],
        answers={useful.pk: AnswerData(value=2)},
    )
    data = QuestionData(kind="scale", text=useful.text, required=True, privacy="named")
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        question_update(question=useful, data=data)
    assert refused.value.messages == [
        "People have already answered this question: its type, choices and who reads the "
        "answer stay as they were, so the answers keep their meaning. Fix the wording, or add "
        "a new question."
    ]
    useful.refresh_from_db()
    assert (useful.privacy, useful.changed_after_answers_at) == ("anonymous", None)
    for index in (3, 4):
        _submit(plenary, questionnaire, learned, useful, index, 2)
    _submit(plenary, questionnaire, learned, useful, 2, 2)
    questionnaire_close(questionnaire=questionnaire)
    section = _section(_english(client, steering.user).get(_url(questionnaire)), useful)
    assert "2 3" in section
    for index in (2, 3, 4):
        assert plenary.members[index].full_name not in section
