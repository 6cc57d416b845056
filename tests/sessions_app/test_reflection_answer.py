"""Answering a reflection form as a teacher does: draft, autosave, submit, change, close.

The page works without JavaScript (two buttons: save draft, submit); htmx posts the same fields
to the autosave URL, which answers with a small status fragment and never with a redirect, not
even when the sign-in has expired.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from sessions_app.models import Answer, Question, Questionnaire, Reflection, SessionAttendance
from sessions_app.services.reflections import (
    QuestionData,
    question_create,
    questionnaire_close,
    questionnaire_open,
    questionnaire_update,
)
from tests.sessions_app.plenary import Plenary

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
THANKS = "Dank je: je antwoorden zijn binnen. Je kunt ze nog veranderen tot "


def _form(plenary: Plenary) -> Questionnaire:
    return Questionnaire.objects.get(session=plenary.session)


def _opened(plenary: Plenary) -> Questionnaire:
    return questionnaire_open(questionnaire=_form(plenary))


def _q(questionnaire) -> dict[str, Question]:
    names = ["learned", "brought_took", "try", "talk", "useful"]
    return dict(zip(names, questionnaire.questions.order_by("position")[:5], strict=True))


def _url(questionnaire, name="reflection-answer") -> str:
    suffix = "autosave/" if name == "reflection-autosave" else ""
    return f"/s/{questionnaire.school.slug}/reflections/{questionnaire.pk}/answer/{suffix}"


def _full(questionnaire, **overrides) -> dict:
    q = _q(questionnaire)
    data = {
        f"q{q['learned'].pk}": "Lezen werkt met tweetallen",
        f"q{q['try'].pk}": "Stillezen met een timer",
        f"q{q['useful'].pk}": "4",
    }
    data.update(overrides)
    return data


def _stored(member) -> dict[int, tuple]:
    return {
        answer.question_id: (answer.text, answer.took, answer.took_from_id, answer.value)
        for answer in Answer.objects.filter(reflection__member=member)
    }


def _status(response) -> str:
    """The fragment's words, with the whitespace of the template folded."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# --- drafts ---


def test_a_draft_survives_a_new_request(client, plenary, teacher):
    questionnaire = _opened(plenary)
    q = _q(questionnaire)
    client.force_login(teacher.user)
    response = client.post(
        _url(questionnaire, "reflection-autosave"),
        {f"q{q['learned'].pk}": "Half af", f"q{q['useful'].pk}": "3"},
        headers=HTMX,
    )
    assert response.status_code == 200
    saved_at = timezone.localtime(Reflection.objects.get().updated_at).strftime("%H:%M")
    assert _status(response) == f"Opgeslagen {saved_at}"

    client.logout()
    client.force_login(teacher.user)
    page = client.get(_url(questionnaire)).content.decode()
    assert f'name="q{q["learned"].pk}" rows="4" maxlength="5000"' in page
    assert ">Half af</textarea>" in page
    assert f'id="q{q["useful"].pk}-3" value="3" autocomplete="off" checked>' in page
    assert f"Concept opgeslagen {saved_at}" in page
    assert Reflection.objects.get().submitted_at is None


def test_the_no_javascript_save_draft_keeps_a_draft(client, plenary, teacher):
    questionnaire = _opened(plenary)
    q = _q(questionnaire)
    client.force_login(teacher.user)
    response = client.post(
        _url(questionnaire), {"action": "save", f"q{q['talk'].pk}": "Met Jan"}, follow=True
    )
    assert response.redirect_chain == [(_url(questionnaire), 302)]
    assert _messages(response) == ["Concept opgeslagen"]
    assert ">Met Jan</textarea>" in response.content.decode()
    reflection = Reflection.objects.get()
    assert (reflection.member, reflection.submitted_at) == (teacher, None)
    assert _stored(teacher) == {q["talk"].pk: ("Met Jan", "", None, None)}


# --- submit, change, close ---


def test_autosave_then_submit_gives_one_reflection_with_the_answers(client, plenary, teacher):
    questionnaire = _opened(plenary)
    q = _q(questionnaire)
    client.force_login(teacher.user)
    autosave = _url(questionnaire, "reflection-autosave")
    client.post(autosave, {f"q{q['learned'].pk}": "Half"}, headers=HTMX)
    client.post(
        autosave, {f"q{q['learned'].pk}": "Half af", f"q{q['talk'].pk}": "Jan"}, headers=HTMX
    )
    response = client.post(
        _url(questionnaire), {"action": "submit", **_full(questionnaire)}, follow=True
    )
    assert response.redirect_chain == [(_url(questionnaire), 302)]
    [message] = _messages(response)
    assert message.startswith(THANKS)
    assert Reflection.objects.count() == 1
    reflection = Reflection.objects.get()
    assert reflection.member == teacher
    assert reflection.submitted_at is not None
    # What was typed in the draft but left out of the submit is cleared (stored empty).
    assert _stored(teacher) == {
        q["learned"].pk: ("Lezen werkt met tweetallen", "", None, None),
        q["talk"].pk: ("", "", None, None),
        q["try"].pk: ("Stillezen met een timer", "", None, None),
        q["useful"].pk: ("", "", None, 4),
    }
    page = response.content.decode()
    assert "Ingestuurd op " in page
    assert "je kunt je antwoorden nog veranderen tot " in page
    assert 'value="submit" class="btn btn-primary btn-lg answer-button">Wijzigingen opslaan' in page
    assert 'value="save"' not in page


def test_an_autosave_after_submit_changes_nothing(client, plenary, teacher):
    questionnaire = _opened(plenary)
    q = _q(questionnaire)
    client.force_login(teacher.user)
    client.post(_url(questionnaire), {"action": "submit", **_full(questionnaire)}, follow=True)
    before = Reflection.objects.get()
    response = client.post(
        _url(questionnaire, "reflection-autosave"),
        _full(questionnaire, **{f"q{q['learned'].pk}": "Late draft"}),
        headers=HTMX,
    )
    assert response.status_code == 200
    assert _status(response) == (
        "Al ingestuurd: gebruik Wijzigingen opslaan om je wijzigingen te bewaren."
    )
    after = Reflection.objects.get()
    assert (after.submitted_at, after.updated_at) == (before.submitted_at, before.updated_at)
    assert _stored(teacher)[q["learned"].pk][0] == "Lezen werkt met tweetallen"
    # The no-JavaScript "save draft" after a submit changes nothing either, and says so.
    response = client.post(
        _url(questionnaire),
        {"action": "save", **_full(questionnaire, **{f"q{q['learned'].pk}": "Late"})},
        follow=True,
    )
    assert _messages(response) == [
        "Je hebt al ingestuurd: gebruik Wijzigingen opslaan om je antwoorden te veranderen."
    ]
    assert _stored(teacher)[q["learned"].pk][0] == "Lezen werkt met tweetallen"


def test_save_changes_after_submit_changes_the_answers(client, plenary, teacher):
    questionnaire = _opened(plenary)
    q = _q(questionnaire)
    client.force_login(teacher.user)
    client.post(_url(questionnaire), {"action": "submit", **_full(questionnaire)})
    response = client.post(
        _url(questionnaire),
        {"action": "submit", **_full(questionnaire, **{f"q{q['useful'].pk}": "5"})},
    )
    assert response.status_code == 302
    assert Reflection.objects.count() == 1
    assert _stored(teacher)[q["useful"].pk] == ("", "", None, 5)
    # a refused change of submitted answers is shown at once and stores nothing
    response = client.post(
        _url(questionnaire),
        {"action": "submit", **_full(questionnaire, **{f"q{q['learned'].pk}": ""})},
    )
    assert response.status_code == 200
    assert "Deze vraag heeft een antwoord nodig." in response.content.decode()
    assert Answer.objects.get(question=q["learned"]).text == "Lezen werkt met tweetallen"


def test_editing_after_close_is_refused(client, plenary, teacher):
    questionnaire = _opened(plenary)
    q = _q(questionnaire)
    client.force_login(teacher.user)
    client.post(_url(questionnaire), {"action": "submit", **_full(questionnaire)}, follow=True)
    questionnaire_close(questionnaire=questionnaire)
    before = Reflection.objects.get()
    stored = _stored(teacher)

    changed = _full(questionnaire, **{f"q{q['learned'].pk}": "Anders"})
    response = client.post(_url(questionnaire), {"action": "submit", **changed}, follow=True)
    assert response.redirect_chain == [(_url(questionnaire), 302)]
    assert _messages(response) == [
        "Dit reflectieformulier is gesloten: antwoorden kunnen niet meer veranderen."
    ]
    page = response.content.decode()
    assert "<textarea" not in page
    assert "<button" not in page.split('id="main"')[1]
    assert "Gesloten: antwoorden kunnen niet meer veranderen." in page
    assert "Lezen werkt met tweetallen" in page

    response = client.post(_url(questionnaire, "reflection-autosave"), changed, headers=HTMX)
    assert response.status_code == 200
    assert _status(response) == (
        "Dit formulier is gesloten: je antwoorden kunnen niet meer veranderen."
    )
    after = Reflection.objects.get()
    assert (after.submitted_at, after.updated_at) == (before.submitted_at, before.updated_at)
    assert _stored(teacher) == stored


def test_a_form_that_is_not_open_shows_when_it_opens_and_no_inputs(client, plenary, teacher):
    questionnaire = _form(plenary)
    client.force_login(teacher.user)
    page = client.get(_url(questionnaire)).content.decode()
    assert "Nog niet open" in page
    assert "Dit formulier gaat open als de bijeenkomst bij de reflectie is" in page
    assert "<textarea" not in page
    assert "<form" not in page.split('id="main"')[1]
    opens = timezone.now() + timedelta(days=2)
    questionnaire_update(
        questionnaire=questionnaire,
        title=questionnaire.title,
        intro="",
        opens_at=opens,
        closes_at=None,
        open_at_reflection=False,
    )
    page = client.get(_url(questionnaire)).content.decode()
    assert "Dit formulier gaat open op " in page
    response = client.post(_url(questionnaire), {"action": "save"}, follow=True)
    assert _messages(response) == ["Dit reflectieformulier is nog niet open."]
    assert not Reflection.objects.exists()


# --- who is asked ---


def test_an_absent_member_is_not_asked(client, plenary, teacher):
    SessionAttendance.objects.create(session=plenary.session, member=teacher, absent=True)
    questionnaire = _opened(plenary)
    client.force_login(teacher.user)
    response = client.get(_url(questionnaire))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Jij wordt niet gevraagd dit formulier in te vullen." in page
    assert "<textarea" not in page
    response = client.post(_url(questionnaire), {"action": "submit", **_full(questionnaire)})
    assert response.status_code == 302
    response = client.post(
        _url(questionnaire, "reflection-autosave"), _full(questionnaire), headers=HTMX
    )
    assert _status(response) == (
        "Niet opgeslagen: Jou wordt niet gevraagd dit reflectieformulier in te vullen."
    )
    assert not Reflection.objects.exists()


def test_a_member_of_another_line_reads_which_line_a_meetings_form_is_for(client, plenary, teacher):
    from datetime import time

    from learninglines.services.meetings import meeting_create
    from sessions_app.services.reflections import questionnaire_create_for_meeting

    other_line = next(line for line in plenary.lines if not line.memberships.filter(member=teacher))
    meeting = meeting_create(
        line=other_line,
        date=plenary.session.date,
        start_time=time(15),
        end_time=time(16),
        topic="Stillezen",
    )
    questionnaire = questionnaire_open(
        questionnaire=questionnaire_create_for_meeting(meeting=meeting)
    )
    client.force_login(teacher.user)
    page = " ".join(client.get(_url(questionnaire)).content.decode().split())
    assert (
        "Jij wordt niet gevraagd dit formulier in te vullen. Het is voor iedereen die op "
        f"{plenary.session.date.day} " in page
    )
    assert f"in de leerlijn {other_line.name} zat en niet afwezig was bij haar bijeenkomst." in page
    assert "<textarea" not in page


def test_a_coach_never_sees_a_form(client, plenary, coach):
    questionnaire = _opened(plenary)
    client.force_login(coach)
    response = client.get(_url(questionnaire))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Coaches vullen geen reflectieformulieren in" in page
    assert "<textarea" not in page
    assert "answer-form" not in page


# --- errors, escaping, the signed-out autosave ---


def test_validation_errors_keep_the_typed_text(client, plenary, teacher):
    """A refused submit keeps the text as the draft and redirects (Post/Redirect/Get): reloading
    the page then shows what autosave stored since, never the first answers sent again."""
    questionnaire = _opened(plenary)
    q = _q(questionnaire)
    client.force_login(teacher.user)
    response = client.post(
        _url(questionnaire),
        {
            "action": "submit",
            f"q{q['try'].pk}": "Stillezen <met> een timer",
            f"q{q['brought_took'].pk}_took": "Een leesspel",
        },
    )
    assert (response.status_code, response["Location"]) == (
        302,
        _url(questionnaire) + "?check=1#error-summary",
    )
    response = client.get(_url(questionnaire) + "?check=1")
    page = response.content.decode()
    learned, useful = q["learned"].pk, q["useful"].pk
    summary = page.split('id="error-summary"')[1].split("</div>")[0]
    assert re.findall(r'href="#([^"]+)"', summary) == [f"q{learned}", f"q{useful}-1"]
    assert summary.count("Deze vraag heeft een antwoord nodig.") == 2
    assert f'<p class="answer-error mb-2" id="q{learned}-error">' in page
    assert f'aria-describedby="q{learned}-who q{learned}-error" aria-required="true" ' in page
    assert ">Stillezen &lt;met&gt; een timer</textarea>" in page
    assert ">Een leesspel</textarea>" in page
    reflection = Reflection.objects.get()
    assert not reflection.is_submitted
    # more typing is autosaved; a reload shows it, with the errors still there
    client.post(
        _url(questionnaire, "reflection-autosave"),
        {f"q{q['try'].pk}": "Stillezen met een zandloper", f"q{learned}": "Veel"},
        headers=HTMX,
    )
    page = client.get(_url(questionnaire) + "?check=1").content.decode()
    assert ">Stillezen met een zandloper</textarea>" in page
    assert ">Veel</textarea>" in page
    assert f'<p class="answer-error mb-2" id="q{learned}-error">' not in page
    assert f'href="#q{useful}-1"' in page.split('id="error-summary"')[1].split("</div>")[0]
    assert not Reflection.objects.get().is_submitted


def test_an_answer_is_shown_escaped(client, plenary, teacher):
    questionnaire = _opened(plenary)
    q = _q(questionnaire)
    client.force_login(teacher.user)
    evil = '<script>alert("x")</script>'
    client.post(
        _url(questionnaire),
        {"action": "submit", **_full(questionnaire, **{f"q{q['talk'].pk}": evil})},
    )
    page = client.get(_url(questionnaire)).content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</textarea>" in page
    assert evil not in page
    questionnaire_close(questionnaire=questionnaire)
    page = client.get(_url(questionnaire)).content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert evil not in page


def test_a_signed_out_autosave_keeps_the_page_and_asks_to_sign_in_again(client, plenary):
    questionnaire = _opened(plenary)
    response = client.post(
        _url(questionnaire, "reflection-autosave"),
        _full(questionnaire),
        headers={**HTMX, "HX-Current-URL": "http://testserver" + _url(questionnaire)},
    )
    assert response.status_code == 200
    assert "HX-Redirect" not in response
    assert "Location" not in response
    assert _status(response) == (
        "Je bent uitgelogd. Je tekst staat er nog: log opnieuw in in een nieuw tabblad "
        "en typ dan verder."
    )
    link = (
        f'<a href="/login/?next=%2Fs%2Fde-regenboog%2Freflections%2F{questionnaire.pk}'
        '%2Fanswer%2F" target="_blank" rel="noopener">'
    )
    assert link in response.content.decode()
    assert not Reflection.objects.exists()


def test_a_text_over_the_limit_is_not_saved_and_says_why(client, plenary, teacher):
    questionnaire = _opened(plenary)
    q = _q(questionnaire)
    client.force_login(teacher.user)
    response = client.post(
        _url(questionnaire, "reflection-autosave"),
        {f"q{q['learned'].pk}": "x" * 5001},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert _status(response) == "Niet opgeslagen: Houd het onder de 5000 tekens."
    assert not Reflection.objects.exists()


# --- every kind of question, filled in and shown again ---


def test_choices_scale_and_brought_took_are_stored_and_prefilled(client, plenary, teacher):
    questionnaire = _form(plenary)
    single = question_create(
        questionnaire=questionnaire,
        data=QuestionData(kind="single", text="Welke vorm?", choices=["Duo", "Viertal"]),
    )
    multiple = question_create(
        questionnaire=questionnaire,
        data=QuestionData(kind="multiple", text="Wat deed je?", choices=["Lezen", "Spel", "Quiz"]),
    )
    questionnaire = questionnaire_open(questionnaire=questionnaire)
    q = _q(questionnaire)
    line = plenary.lines[1]
    client.force_login(teacher.user)
    data = {
        "action": "submit",
        **_full(questionnaire),
        f"q{q['brought_took'].pk}": "Een leeskist",
        f"q{q['brought_took'].pk}_took": "Rekenspel",
        f"q{q['brought_took'].pk}_from": str(line.pk),
        f"q{single.pk}": "1",
        f"q{multiple.pk}": ["0", "2"],
    }
    assert client.post(_url(questionnaire), data).status_code == 302
    answers = {a.question_id: a for a in Answer.objects.filter(reflection__member=teacher)}
    assert (answers[q["brought_took"].pk].text, answers[q["brought_took"].pk].took) == (
        "Een leeskist",
        "Rekenspel",
    )
    assert answers[q["brought_took"].pk].took_from == line
    assert answers[single.pk].selected == [1]
    assert answers[multiple.pk].selected == [0, 2]
    page = client.get(_url(questionnaire)).content.decode()
    assert f'<option value="{line.pk}" selected>B · Rekenen</option>' in page
    assert f'id="q{single.pk}-1" value="1" checked>' in page
    assert f'id="q{single.pk}-0" value="0">' in page
    assert f'type="checkbox" name="q{multiple.pk}" id="q{multiple.pk}-2" value="2" checked>' in page
    assert f'id="q{multiple.pk}-1" value="1">' in page


def test_every_question_says_who_reads_the_answer(client, plenary, teacher):
    questionnaire = _opened(plenary)
    client.force_login(teacher.user)
    page = client.get(_url(questionnaire)).content.decode()
    said = re.findall(r'class="answer-who-label">Wie leest dit:</span> ([^<]+)</p>', page)
    named = "De stuurgroep en de coach lezen dit met je naam erbij."
    assert said == [
        named,
        named,
        "Alleen jij leest dit; het komt ook in je logboek.",
        named,
        "Wordt gelezen zonder je naam, en alleen in groepjes van 3 of meer.",
    ]
    assert page.count('<span class="answer-required">(verplicht)</span>') == 2


# --- the links: the teacher's session page and start page ---


def test_the_session_page_has_the_reflection_button_while_the_form_is_open(
    client, plenary, teacher
):
    from sessions_app.services.day import session_publish

    session_publish(session=plenary.session)
    client.force_login(teacher.user)
    url = plenary.url("my-session")
    assert "Vul de reflectie in" not in client.get(url).content.decode()
    questionnaire = _opened(plenary)
    fragment = client.get(url, headers=HTMX).content.decode()
    assert f'href="{_url(questionnaire)}">Vul de reflectie in</a>' in fragment
    client.post(_url(questionnaire), {"action": "submit", **_full(questionnaire)})
    page = client.get(url).content.decode()
    assert f'href="{_url(questionnaire)}">Je reflectie aanpassen</a>' in page
    SessionAttendance.objects.create(session=plenary.session, member=teacher, absent=True)
    assert "reflectie" not in client.get(url, headers=HTMX).content.decode().lower()


def test_the_start_page_lists_the_open_forms_to_fill_in(client, plenary, teacher):
    client.force_login(teacher.user)
    home = f"/s/{plenary.school.slug}/"
    assert "Reflectieformulieren om in te vullen" not in client.get(home).content.decode()
    questionnaire = _opened(plenary)
    page = client.get(home).content.decode()
    assert "Reflectieformulieren om in te vullen" in page
    assert f'href="{_url(questionnaire)}">Reflectie: Plenaire bijeenkomst</a>' in page
    assert "Nog niet ingestuurd" in page
    client.post(_url(questionnaire), {"action": "submit", **_full(questionnaire)})
    assert "Ingestuurd: je kunt het nog aanpassen" in client.get(home).content.decode()


def _took_from_options(page: str) -> list[str]:
    select = re.search(r'<select[^>]*id="q\d+_from"[^>]*>(.*?)</select>', page, re.DOTALL)
    return re.findall(r"<option[^>]*>([^<]*)</option>", select.group(1))


def test_after_a_plenary_session_the_lines_to_take_from_are_the_other_lines(
    client, plenary, teacher
):
    # the teacher is in B · Rekenen: at her tables she sat with members of A and C
    questionnaire = _opened(plenary)
    client.force_login(teacher.user)
    page = client.get(_url(questionnaire)).content.decode()
    assert _took_from_options(page) == ["(geen leerlijn gekozen)", "A · Lezen", "C · Spel"]


def test_an_answer_that_already_names_the_own_line_keeps_it_offered(client, plenary, teacher):
    questionnaire = _opened(plenary)
    q = _q(questionnaire)
    own = plenary.lines[1]
    client.force_login(teacher.user)
    data = {
        "action": "submit",
        **_full(questionnaire),
        f"q{q['brought_took'].pk}_took": "Rekenspel",
        f"q{q['brought_took'].pk}_from": str(own.pk),
    }
    assert client.post(_url(questionnaire), data).status_code == 302
    page = client.get(_url(questionnaire)).content.decode()
    assert _took_from_options(page) == [
        "(geen leerlijn gekozen)",
        "A · Lezen",
        "B · Rekenen",
        "C · Spel",
    ]


def test_after_a_line_meeting_the_own_line_is_offered(client, plenary, teacher):
    from datetime import time

    from learninglines.services.meetings import meeting_create
    from sessions_app.services.reflections import questionnaire_create_for_meeting

    own = plenary.lines[1]
    meeting = meeting_create(
        line=own,
        date=plenary.session.date,
        start_time=time(15),
        end_time=time(16),
        topic="Rekenspellen",
    )
    questionnaire = questionnaire_create_for_meeting(meeting=meeting)
    question_create(questionnaire=questionnaire, data=QuestionData(kind="brought_took", text="?"))
    questionnaire = questionnaire_open(questionnaire=questionnaire)
    client.force_login(teacher.user)
    page = client.get(_url(questionnaire)).content.decode()
    assert "B · Rekenen" in _took_from_options(page)
