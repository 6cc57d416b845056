"""The admin lists reflection forms and their questions, never what anybody answered."""

from datetime import UTC, datetime

import pytest
from django.contrib import admin

from sessions_app.models import Answer, Question, Questionnaire, Reflection
from sessions_app.services.reflections import AnswerData, questionnaire_open, reflection_submit
from tests.factories import MemberFactory
from tests.sessions_app.plenary import plenary_of

pytestmark = pytest.mark.django_db

SECRET = "Mijn geheime antwoord over Lezen"


@pytest.fixture
def answered(school):
    members = [MemberFactory(school=school) for _ in range(6)]
    plenary = plenary_of(school, members)
    questionnaire = questionnaire_open(
        questionnaire=Questionnaire.objects.get(session=plenary.session)
    )
    questions = {q.position: q for q in questionnaire.questions.all()}
    for member in members:
        reflection_submit(
            questionnaire=questionnaire,
            member=member,
            answers={
                questions[1].pk: AnswerData(text=SECRET),
                questions[3].pk: AnswerData(text=SECRET + " (privé)"),
                questions[5].pk: AnswerData(value=5),
            },
        )
    return questionnaire


def test_reflections_and_answers_have_no_model_admin():
    assert admin.site.is_registered(Questionnaire)
    assert not admin.site.is_registered(Reflection)
    assert not admin.site.is_registered(Answer)
    assert not admin.site.is_registered(Question)


def test_staff_pages_never_show_an_answer(admin_client, answered):
    assert Answer.objects.filter(text=SECRET).count() == 6
    pages = {
        "/admin/": 200,
        "/admin/sessions_app/": 200,
        "/admin/sessions_app/questionnaire/": 200,
        f"/admin/sessions_app/questionnaire/{answered.pk}/change/": 200,
        "/admin/sessions_app/questionnaire/?q=geheime": 200,
        "/admin/sessions_app/reflection/": 404,
        "/admin/sessions_app/answer/": 404,
    }
    for url, status in pages.items():
        response = admin_client.get(url)
        assert response.status_code == status, url
        assert "geheime antwoord" not in response.content.decode(), url


def test_the_form_and_its_questions_are_listed(admin_client, answered):
    listing = admin_client.get("/admin/sessions_app/questionnaire/")
    assert listing.context["cl"].result_count == 1
    change = admin_client.get(f"/admin/sessions_app/questionnaire/{answered.pk}/change/")
    html = change.content.decode()
    assert "Wat heb je geleerd over een andere leerlijn?" in html
    assert "Hoe bruikbaar was deze bijeenkomst?" in html
    assert admin_client.get("/admin/sessions_app/questionnaire/add/").status_code == 403


def test_the_delete_page_of_a_form_names_nobody_who_answered(admin_client, answered):
    """Deleting an answered form is refused; the page listing what is in the way shows
    numbered reflections and answers, never who gave them."""
    response = admin_client.get(f"/admin/sessions_app/questionnaire/{answered.pk}/delete/")
    html = response.content.decode()
    names = [r.member.full_name for r in Reflection.objects.filter(questionnaire=answered)]
    assert len(names) == 6
    shown = [
        pk for pk in Reflection.objects.values_list("pk", flat=True) if f"Reflectie {pk}<" in html
    ]
    assert len(shown) == 6
    for name in names:
        assert name not in html


def test_a_forms_opening_and_closing_times_are_read_only(admin_client, school):
    """Opening and closing go through the app, which keeps their rules; the admin's
    date-and-time widget was also two boxes without a label each."""
    plenary = plenary_of(school, [MemberFactory(school=school) for _ in range(3)])
    questionnaire = Questionnaire.objects.get(session=plenary.session)
    Questionnaire.objects.filter(pk=questionnaire.pk).update(
        opens_at=datetime(2026, 11, 2, 8, 0, tzinfo=UTC),
        closes_at=datetime(2026, 11, 9, 22, 59, tzinfo=UTC),
    )

    url = f"/admin/sessions_app/questionnaire/{questionnaire.pk}/change/"
    response = admin_client.get(url)
    html = response.content.decode()

    assert set(response.context["adminform"].form.fields) == {
        "title",
        "intro",
        "open_at_reflection",
    }
    assert 'id="id_opens_at_0"' not in html
    assert '<div class="readonly">2 november 2026 09:00</div>' in html
    assert '<div class="readonly">9 november 2026 23:59</div>' in html
