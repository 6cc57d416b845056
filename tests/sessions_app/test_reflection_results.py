"""The results of a reflection form and its exports, read as the steering group and coach do.

A hand-made set of answers (8 of the 13 members of `plenary`: lines Lezen 5, Rekenen 4, Spel 4)
with exact figures on the page and in both files; who may read what, per privacy level; the
threshold of 3 per line, per chart bar and under the line filter; formula escaping; the page's
query budget at 20 and at 150 answers.
"""

import csv
import io
import re
from datetime import datetime
from html import unescape

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from learninglines.models import SchoolYear
from sessions_app.exports import answer_rows, count_rows, safe_cell, summary_rows
from sessions_app.models import Answer, Question, Questionnaire
from sessions_app.selectors.reflections import questionnaire_results
from sessions_app.services.reflections import (
    AnswerData,
    QuestionData,
    question_create,
    question_delete,
    question_update,
    questionnaire_open,
    reflection_autosave,
    reflection_submit,
)
from tests.sessions_app.plenary import as_user

pytestmark = pytest.mark.django_db

WITHHELD = "Minder dan 3 antwoorden: niet getoond, zodat niemand herkenbaar is."
PRIVATE = "Alleen de schrijvers lezen deze antwoorden."
BOM = b"\xef\xbb\xbf"

# Per member index (0-7; line = index % 3): the scale, the anonymous open answer, the choice.
USEFUL = [5, 5, 4, 5, 4, 1, 4, 5]
BETTER = {0: "Meer tijd", 3: "Kortere rondes", 6: "Koffie", 1: "Minder papier", 4: "Stiltes"}
BETTER[2] = "Alleen ik"
SHAPE = [0, 0, 1, 0, 0, 1, 2, 0]  # Duo x5, Viertal x2, Alleen x1


def _url(questionnaire, name="reflection-results", query=""):
    kwargs = {"school_slug": questionnaire.school.slug, "pk": questionnaire.pk}
    return reverse(f"sessions_app:{name}", kwargs=kwargs) + query


def _questions(questionnaire) -> dict[str, Question]:
    names = ["learned", "brought_took", "try", "talk", "useful", "better", "shape"]
    return dict(zip(names, questionnaire.questions.order_by("position"), strict=True))


def _form(plenary) -> Questionnaire:
    """The method's five questions plus an anonymous open one and an anonymous choice."""
    questionnaire = Questionnaire.objects.get(session=plenary.session)
    question_create(
        questionnaire=questionnaire,
        data=QuestionData(kind="open", text="Wat kan beter?", privacy="anonymous"),
    )
    question_create(
        questionnaire=questionnaire,
        data=QuestionData(
            kind="single",
            text="Welke vorm?",
            privacy="anonymous",
            choices=["Duo", "Viertal", "Alleen"],
        ),
    )
    return questionnaire_open(questionnaire=questionnaire)


def _answer(plenary, questionnaire, index, changes=None):
    q = _questions(questionnaire)
    member = plenary.members[index]
    answers = {
        q["learned"].pk: AnswerData(text=f"Geleerd door {index}"),
        q["try"].pk: AnswerData(text=f"Geheim plan {index}"),
        q["useful"].pk: AnswerData(value=USEFUL[index]),
        q["shape"].pk: AnswerData(selected=(SHAPE[index],)),
    }
    if index in BETTER:
        answers[q["better"].pk] = AnswerData(text=BETTER[index])
    if index == 0:
        answers[q["brought_took"].pk] = AnswerData(
            text="Leeskaarten", took="Rekenspel", took_from=plenary.lines[1].pk
        )
    if index == 1:
        answers[q["brought_took"].pk] = AnswerData(
            text="Tafelkaarten", took="Leesbingo", took_from=plenary.lines[0].pk
        )
    answers.update(changes or {})
    return reflection_submit(questionnaire=questionnaire, member=member, answers=answers)


@pytest.fixture
def answered(plenary):
    """Members 0-7 submit: Lezen 0, 3, 6; Rekenen 1, 4, 7; Spel 2, 5."""
    questionnaire = _form(plenary)
    for index in range(8):
        _answer(plenary, questionnaire, index)
    # Member 8 has only a draft: it counts nowhere.
    reflection_autosave(
        questionnaire=questionnaire,
        member=plenary.members[8],
        answers={_questions(questionnaire)["learned"].pk: AnswerData(text="Concept van 8")},
    )
    return questionnaire


def _text(response) -> str:
    """The page's visible text, tags dropped and spaces folded."""
    body = response.content.decode()
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", body)).split())


def _section(response, question) -> str:
    body = response.content.decode()
    start = body.index(">", body.index(f'id="question-{question.pk}"')) + 1
    end = body.find("</section>", start)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", body[start:end])).split())


def _xlsx(client, questionnaire, query=""):
    response = client.get(_url(questionnaire, "reflection-export-xlsx", query))
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.content)), response


def _csv(client, questionnaire, query=""):
    response = client.get(_url(questionnaire, "reflection-export-csv", query))
    assert response.status_code == 200
    assert response.content.startswith(BOM)
    text = response.content[len(BOM) :].decode("utf-8")
    return list(csv.reader(io.StringIO(text), delimiter=";")), response


# --- the figures ---


def test_the_page_gives_the_rate_counts_per_bar_and_the_average(
    client, steering, answered, plenary
):
    q = _questions(answered)
    response = as_user(client, steering.user).get(_url(answered))
    assert response.status_code == 200
    text = _text(response)
    assert "62 % ingestuurd: 8 van 13" in text
    useful = _section(response, q["useful"])
    # The table: value and count; the bar of 1 (one answer) withheld; the average.
    assert "1 (niet bruikbaar) minder dan 3 2 0 3 0 4 3 5 (heel bruikbaar) 4" in useful
    assert "Gemiddelde: 4,1" in useful
    shape = _section(response, q["shape"])
    assert "Duo 5 Viertal minder dan 3 Alleen minder dan 3" in shape
    # The chart: an image with a name and a description, the same figures.
    body = response.content.decode()
    svg = re.search(rf'<svg[^>]*aria-labelledby="chart-{q["useful"].pk}-title[^"]*"', body)
    assert svg is not None
    assert 'role="img"' in svg.group(0)
    desc = re.search(rf'<desc id="chart-{q["useful"].pk}-desc">(.*?)</desc>', body).group(1)
    assert desc == "1: minder dan 3; 2: 0; 3: 0; 4: 3; 5: 4. Gemiddelde 4,1"
    # Bars are drawn to scale: 4 answers the longest (250), 3 answers 3/4 of it.
    widths = re.findall(r'class="chart-bar" x="0" y="\d+" width="(\d+)"', useful_svg(body, q))
    assert widths == ["188", "250"]
    assert "style=" not in body
    assert "<script>" not in body


def useful_svg(body, q) -> str:
    start = body.index(f'aria-labelledby="chart-{q["useful"].pk}-title')
    return body[start : body.index("</svg>", start)]


def test_the_results_object_holds_the_figures_the_page_shows(answered):
    results = questionnaire_results(questionnaire=answered)
    assert (results.asked, results.submitted, results.rate) == (13, 8, 62)
    useful = results.questions[4]
    assert [bar.count for bar in useful.bars] == [None, 0, 0, 3, 4]
    assert useful.average == 4.1


def test_open_answers_are_grouped_by_line_named_ones_with_the_name(
    client, steering, answered, plenary
):
    q = _questions(answered)
    response = as_user(client, steering.user).get(_url(answered))
    learned = _section(response, q["learned"])
    names = {i: plenary.members[i].full_name for i in range(8)}
    # Lezen (0, 3, 6), Rekenen (1, 4, 7), Spel (2, 5): register order within a line.
    for index in range(8):
        assert f"Geleerd door {index} — {names[index]}" in learned
    assert learned.index("Lezen") < learned.index("Rekenen") < learned.index("Spel")
    assert learned.index("Geleerd door 6") < learned.index("Rekenen")
    assert "Concept van 8" not in response.content.decode()


def test_anonymous_open_answers_have_no_name_and_small_line_groups_are_withheld(
    client, steering, answered, plenary
):
    q = _questions(answered)
    response = as_user(client, steering.user).get(_url(answered))
    better = _section(response, q["better"])
    # Lezen has three (shown, alphabetical), Rekenen two and Spel one (withheld).
    assert "A Lezen Koffie Kortere rondes Meer tijd" in better
    assert f"B Rekenen {WITHHELD}" in better
    assert f"C Spel {WITHHELD}" in better
    for hidden in ("Minder papier", "Stiltes", "Alleen ik"):
        assert hidden not in response.content.decode()
    assert "—" not in better
    for index in range(8):
        assert plenary.members[index].full_name not in better


def test_brought_by_the_authors_line_and_took_by_the_line_it_came_from(
    client, steering, answered, plenary
):
    q = _questions(answered)
    section = _section(as_user(client, steering.user).get(_url(answered)), q["brought_took"])
    brought, took = section.split("Wat ze hebben gehaald, per leerlijn waar het vandaan kwam")
    zero, one = plenary.members[0].full_name, plenary.members[1].full_name
    assert f"A Lezen Leeskaarten — {zero} B Rekenen Tafelkaarten — {one}" in brought
    assert f"A Lezen Leesbingo — {one} B Rekenen Rekenspel — {zero}" in took


def test_private_questions_show_only_who_reads_them(client, steering, coach, answered):
    q = _questions(answered)
    for user in (steering.user, coach):
        client.logout()
        response = as_user(client, user).get(_url(answered))
        section = _section(response, q["try"])
        assert section == f"Vraag 3: Wat ga je uitproberen in je klas? {PRIVATE}"
        assert "Geheim plan" not in response.content.decode()


def test_the_page_says_who_reads_each_question(client, steering, answered):
    q = _questions(answered)
    response = as_user(client, steering.user).get(_url(answered))
    named = "Met naam: de stuurgroep en de coach lezen deze antwoorden met de naam erbij."
    anonymous = (
        "Anoniem: de stuurgroep en de coach lezen deze antwoorden zonder naam, en alleen voor"
        " groepjes van 3 of meer."
    )
    assert _section(response, q["learned"]).startswith(f"Vraag 1: {q['learned'].text} {named}")
    assert _section(response, q["useful"]).startswith(f"Vraag 5: {q['useful'].text} {anonymous}")


def test_nobody_answered_yet_says_what_to_do(client, steering, plenary):
    questionnaire = _form(plenary)
    response = as_user(client, steering.user).get(_url(questionnaire))
    text = _text(response)
    assert "0 % ingestuurd: 0 van 13" in text
    assert "Nog niemand heeft iets ingestuurd" in text
    assert "herinnering" in text
    assert 'id="question-' not in response.content.decode()


# --- who reads what ---


def test_the_teacher_who_wrote_an_answer_cannot_read_the_results(client, teacher, answered):
    # The teacher (member 1, Rekenen) is an author and a colleague of other authors in the line.
    assert answered.reflections.filter(member=teacher).exists()
    for name in ("reflection-results", "reflection-export-xlsx", "reflection-export-csv"):
        response = as_user(client, teacher.user).get(_url(answered, name))
        assert response.status_code == 403


def test_another_school_does_not_find_the_results(client, stranger, answered):
    for name in ("reflection-results", "reflection-export-xlsx", "reflection-export-csv"):
        assert as_user(client, stranger).get(_url(answered, name)).status_code == 404


def test_the_coach_reads_what_the_steering_group_reads(client, steering, coach, answered):
    pages = []
    for user in (steering.user, coach):
        client.logout()
        response = as_user(client, user).get(_url(answered))
        body = response.content.decode()
        pages.append(body[body.index("<main") : body.index("</main>")])
    assert pages[0] == pages[1]


@pytest.fixture
def anonymous_only(plenary):
    """A form of anonymous questions only, answered by members 2-10: three per line.

    The viewers (members 0 and 1) answer nothing, so no name on the page is an author's.
    """
    questionnaire = Questionnaire.objects.get(session=plenary.session)
    q = dict(
        zip(
            ["learned", "brought_took", "try", "talk", "useful"],
            questionnaire.questions.order_by("position"),
            strict=True,
        )
    )
    for name in ("learned", "brought_took", "talk"):
        data = QuestionData(
            kind=q[name].kind, text=q[name].text, required=False, privacy="anonymous"
        )
        question_update(question=q[name], data=data)
    question_delete(question=q["try"])
    questionnaire = questionnaire_open(questionnaire=questionnaire)
    for index in range(2, 11):
        reflection_submit(
            questionnaire=questionnaire,
            member=plenary.members[index],
            answers={
                q["learned"].pk: AnswerData(text=f"Anoniem geleerd {index}"),
                q["brought_took"].pk: AnswerData(
                    text=f"Gebracht {index}",
                    took=f"Gehaald {index}",
                    took_from=plenary.lines[0].pk,
                ),
                q["talk"].pk: AnswerData(text=f"Praten {index}"),
                q["useful"].pk: AnswerData(value=4),
            },
        )
    return questionnaire


def test_no_name_of_an_anonymous_answerer_anywhere_on_the_page_or_in_the_files(
    client, steering, anonymous_only, plenary
):
    authors = [plenary.members[index] for index in range(2, 11)]
    names = [m.full_name for m in authors] + [m.first_name for m in authors]
    names += [m.last_name for m in authors] + [m.user.email for m in authors]
    as_user(client, steering.user)
    page = client.get(_url(anonymous_only))
    xlsx = client.get(_url(anonymous_only, "reflection-export-xlsx"))
    csv_file = client.get(_url(anonymous_only, "reflection-export-csv"))
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    cells = " ".join(
        str(cell) for sheet in workbook for row in sheet.iter_rows(values_only=True) for cell in row
    )
    texts = [page.content.decode(), cells, csv_file.content.decode("utf-8-sig")]
    assert "Anoniem geleerd 2" in texts[0]
    assert "Anoniem geleerd 2" in texts[1]
    assert "Anoniem geleerd 2" in texts[2]
    for text in texts:
        for name in names:
            assert name not in text
    # The XLSX is a zip: its raw bytes hold no name either (not even compressed-away metadata).
    for name in names:
        assert name.encode() not in xlsx.content


def test_the_answers_of_the_xlsx_carry_names_only_for_named_questions(client, steering, answered):
    workbook, _response = _xlsx(as_user(client, steering.user), answered)
    rows = list(workbook["Antwoorden"].iter_rows(values_only=True))[1:]
    named = {
        "Wat heb je geleerd over een andere leerlijn?",
        "Wat heb je gebracht, en wat heb je gehaald?",
    }
    for question, _line, name, *_rest in rows:
        if question in named:
            assert name
        else:
            assert name is None
    questions = {row[0] for row in rows}
    assert "Wat ga je uitproberen in je klas?" not in questions
    assert not any("Geheim plan" in str(cell) for row in rows for cell in row)


# --- the threshold ---


def test_the_line_filter_keeps_the_threshold_within_the_line(client, steering, answered, plenary):
    q = _questions(answered)
    spel = plenary.lines[2]
    response = as_user(client, steering.user).get(_url(answered, query=f"?line={spel.pk}"))
    text = _text(response)
    # Spel: 4 asked, members 2 and 5 answered.
    assert "50 % ingestuurd: 2 van 4" in text
    assert f"{_section(response, q['useful'])}".endswith(WITHHELD)
    assert _section(response, q["shape"]).endswith(WITHHELD)
    assert f'<option value="{spel.pk}" selected>' in response.content.decode()
    # Named answers stay readable in a small line.
    assert f"Geleerd door 2 — {plenary.members[2].full_name}" in _section(response, q["learned"])


def test_under_the_filter_an_average_that_would_tell_withheld_bars_is_withheld(
    client, steering, answered, plenary
):
    q = _questions(answered)
    lezen = plenary.lines[0]
    response = as_user(client, steering.user).get(_url(answered, query=f"?line={lezen.pk}"))
    useful = _section(response, q["useful"])
    # Lezen: 5, 5, 4: every bar below 3, and an average of 4,7 would give them away.
    assert "4 minder dan 3 5 (heel bruikbaar) minder dan 3" in useful
    assert "Gemiddelde" not in useful


def test_an_answer_cleared_before_submitting_does_not_count_towards_the_threshold(plenary):
    questionnaire = Questionnaire.objects.get(session=plenary.session)
    mood = question_create(
        questionnaire=questionnaire,
        data=QuestionData(kind="scale", text="Hoe voel je je?", privacy="anonymous"),
    )
    questionnaire = questionnaire_open(questionnaire=questionnaire)
    learned = questionnaire.questions.order_by("position").first()
    useful = questionnaire.questions.get(position=5)
    for index, value in enumerate([2, None, None]):
        member = plenary.members[index]
        reflection_autosave(
            questionnaire=questionnaire, member=member, answers={mood.pk: AnswerData(value=3)}
        )
        reflection_submit(
            questionnaire=questionnaire,
            member=member,
            answers={
                learned.pk: AnswerData(text="x"),
                useful.pk: AnswerData(value=4),
                mood.pk: AnswerData(value=value),
            },
        )
    assert Answer.objects.filter(question=mood).count() == 3
    result = questionnaire_results(questionnaire=questionnaire).questions[-1]
    # One real answer: withheld as a whole, no average that would be that one person's answer.
    assert (result.answered, result.withheld, result.average, result.bars) == (1, True, None, [])


# --- the exports ---


def test_the_xlsx_holds_the_pages_figures(client, steering, answered):
    workbook, response = _xlsx(as_user(client, steering.user), answered)
    assert response["Content-Disposition"] == f'attachment; filename="reflectie-{answered.pk}.xlsx"'
    assert workbook.sheetnames == ["Samenvatting", "Antwoorden", "Aantallen"]
    summary = list(workbook["Samenvatting"].iter_rows(values_only=True))
    assert summary == [
        ("Onderdeel", "Waarde"),
        ("Reflectieformulier", answered.title),
        ("Status", "open"),
        ("Gevraagd", 13),
        ("Geantwoord", 8),
        ("Respons (%)", 62),
        ("Leerlijn", "Alle leerlijnen"),
    ]
    counts = list(workbook["Aantallen"].iter_rows(values_only=True))
    useful = "Hoe bruikbaar was deze bijeenkomst?"
    assert counts[0] == ("Vraag", "Optie", "Aantal")
    assert counts[1:] == [
        (useful, "1", "<3"),
        (useful, "2", 0),
        (useful, "3", 0),
        (useful, "4", 3),
        (useful, "5", 4),
        (useful, "Gemiddelde", 4.1),
        ("Welke vorm?", "Duo", 5),
        ("Welke vorm?", "Viertal", "<3"),
        ("Welke vorm?", "Alleen", "<3"),
    ]
    for sheet in workbook:
        assert sheet.freeze_panes == "A2"
        assert sheet["A1"].font.bold is True


def test_the_csv_holds_the_same_answers_as_the_xlsx(client, steering, answered, plenary):
    as_user(client, steering.user)
    workbook, _response = _xlsx(client, answered)
    rows, response = _csv(client, answered)
    assert response["Content-Disposition"] == f'attachment; filename="reflectie-{answered.pk}.csv"'
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    sheet = [
        ["" if cell is None else cell for cell in row]
        for row in workbook["Antwoorden"].iter_rows(values_only=True)
    ]
    assert rows == sheet
    assert rows[0] == ["Vraag", "Leerlijn", "Naam", "Antwoord", "Gehaald", "Gehaald bij"]
    zero = plenary.members[0].full_name
    assert [
        "Wat heb je geleerd over een andere leerlijn?",
        "A. Lezen",
        zero,
        "Geleerd door 0",
        "",
        "",
    ] in rows
    assert [
        "Wat heb je gebracht, en wat heb je gehaald?",
        "",
        zero,
        "",
        "Rekenspel",
        "B. Rekenen",
    ] in rows
    assert ["Wat kan beter?", "B. Rekenen", "", WITHHELD, "", ""] in rows
    better = [row[3] for row in rows if row[0] == "Wat kan beter?" and row[1] == "A. Lezen"]
    assert better == ["Koffie", "Kortere rondes", "Meer tijd"]
    # The page shows the same answers: 8 named learned, 3 anonymous better, 2 brought, 2 took.
    assert len(rows) == 1 + 8 + 2 + 2 + 3 + 2 + 0


def test_the_exports_follow_the_line_filter(client, steering, answered, plenary):
    spel = plenary.lines[2]
    as_user(client, steering.user)
    workbook, response = _xlsx(client, answered, f"?line={spel.pk}")
    assert response["Content-Disposition"] == (
        f'attachment; filename="reflectie-{answered.pk}-leerlijn-C.xlsx"'
    )
    summary = dict(list(workbook["Samenvatting"].iter_rows(values_only=True))[1:])
    assert (summary["Gevraagd"], summary["Geantwoord"], summary["Respons (%)"]) == (4, 2, 50)
    assert summary["Leerlijn"] == "C. Spel"
    counts = list(workbook["Aantallen"].iter_rows(values_only=True))[1:]
    assert counts == [
        ("Hoe bruikbaar was deze bijeenkomst?", None, "<3"),
        ("Welke vorm?", None, "<3"),
    ]
    rows, _response = _csv(client, answered, f"?line={spel.pk}")
    assert [row[3] for row in rows[1:]] == ["Geleerd door 2", "Geleerd door 5", WITHHELD]
    page = _text(client.get(_url(answered, query=f"?line={spel.pk}")))
    href = f"results.xlsx?line={spel.pk}"
    assert href in client.get(_url(answered, query=f"?line={spel.pk}")).content.decode()
    assert "2 van 4" in page


def test_a_formula_in_an_answer_is_made_inert_in_both_exports(client, steering, plenary):
    """The workbook stores text as text, so it reads as written; the CSV has no types, so a
    cell a spreadsheet would run gets an apostrophe."""
    questionnaire = _form(plenary)
    q = _questions(questionnaire)
    _answer(plenary, questionnaire, 0, {q["learned"].pk: AnswerData(text="=HYPERLINK(1)")})
    _answer(plenary, questionnaire, 1, {q["learned"].pk: AnswerData(text="@SUM(A1)")})
    _answer(plenary, questionnaire, 2, {q["learned"].pk: AnswerData(text="- een punt")})
    as_user(client, steering.user)
    workbook, _response = _xlsx(client, questionnaire)
    cells = {
        cell.value: cell.data_type
        for row in workbook["Antwoorden"].iter_rows(min_row=2)
        for cell in row[3:4]
    }
    assert {text: cells.get(text) for text in ("=HYPERLINK(1)", "@SUM(A1)", "- een punt")} == {
        "=HYPERLINK(1)": "s",
        "@SUM(A1)": "s",
        "- een punt": "s",
    }
    rows, _response = _csv(client, questionnaire)
    answers = [row[3] for row in rows]
    assert {"'=HYPERLINK(1)", "'@SUM(A1)", "'- een punt"} <= set(answers)
    # On the page the answer is text as written.
    assert "=HYPERLINK(1)" in _text(client.get(_url(questionnaire)))


@pytest.mark.parametrize(
    ("value", "inert"),
    [
        ("=1+1", "'=1+1"),
        ("+31 6", "'+31 6"),
        ("-2", "'-2"),
        ("@me", "'@me"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Lezen = leuk", "Lezen = leuk"),
        ("", ""),
        (4, 4),
        (4.1, 4.1),
        (None, None),
    ],
)
def test_safe_cell(value, inert):
    assert safe_cell(value) == inert


def test_the_rows_are_made_from_the_results_alone(answered):
    results = questionnaire_results(questionnaire=answered)
    assert summary_rows(results)[2:5] == [["Gevraagd", 13], ["Geantwoord", 8], ["Respons (%)", 62]]
    assert len(answer_rows(results)) == 8 + 2 + 2 + 3 + 2
    assert len(count_rows(results)) == 6 + 3


# --- queries ---


def _grown(make_team, make_session, size):
    """`size` members in 4 lines, all of whom answered a session's form."""
    per_line = [size // 4 + (1 if i < size % 4 else 0) for i in range(4)]
    team = make_team(per_line)
    session = make_session(days=20)
    questionnaire = questionnaire_open(questionnaire=session.questionnaire)
    q = list(questionnaire.questions.order_by("position"))
    for number, member in enumerate(team.everyone):
        reflection_submit(
            questionnaire=questionnaire,
            member=member,
            answers={
                q[0].pk: AnswerData(text=f"Geleerd {number}"),
                q[1].pk: AnswerData(text="Kaart", took="Spel", took_from=team.lines[0].pk),
                q[2].pk: AnswerData(text="Geheim"),
                q[3].pk: AnswerData(text="Met Jan"),
                q[4].pk: AnswerData(value=number % 5 + 1),
            },
        )
    return questionnaire


@pytest.mark.parametrize("size", [20, 150])
def test_the_results_page_costs_the_same_at_20_and_150_answers(
    client, steering, make_team, make_session, django_assert_num_queries, size
):
    questionnaire = _grown(make_team, make_session, size)
    client.force_login(steering.user)
    url = _url(questionnaire)
    with django_assert_num_queries(12):
        response = client.get(url)
    assert response.status_code == 200
    assert f"100 % ingestuurd: {size} van {size}" in _text(response)


def test_a_line_filter_never_shows_what_the_difference_with_all_lines_would_tell(
    client, steering, plenary
):
    """Lezen 0, 3, 6 rate 4 and took from Spel; Rekenen 1 and 4 rate 1 and took from Spel, 7
    rates 4. For all lines the took texts of Spel (5) and the 4s (4) show. Under the Lezen
    filter, showing Lezen's 3 texts or 3 fours would let anyone subtract them from all lines:
    Rekenen's 2 texts and its one 4, so those are withheld there (and the average, which with
    the count would tell the withheld bar)."""
    questionnaire = Questionnaire.objects.get(session=plenary.session)
    questions = list(questionnaire.questions.order_by("position"))
    q = {"brought_took": questions[1]}
    useful = questionnaire.questions.get(kind="scale")
    for question in questions:  # only the two answered here, both anonymous
        privacy = "anonymous" if question in (q["brought_took"], useful) else question.privacy
        data = QuestionData(kind=question.kind, text=question.text, required=False, privacy=privacy)
        question_update(question=question, data=data)
    questionnaire = questionnaire_open(questionnaire=questionnaire)
    lezen, spel = plenary.lines[0], plenary.lines[2]
    for index, value in ((0, 4), (3, 4), (6, 4), (1, 1), (4, 1), (7, 4)):
        answers = {useful.pk: AnswerData(value=value)}
        if index != 7:
            answers[q["brought_took"].pk] = AnswerData(
                text="", took=f"Haalde {index}", took_from=spel.pk
            )
        reflection_submit(
            questionnaire=questionnaire, member=plenary.members[index], answers=answers
        )

    def figures(line=None):
        result = {
            r.question.pk: r
            for r in questionnaire_results(questionnaire=questionnaire, line=line).questions
        }
        took = result[q["brought_took"].pk].took_groups
        scale = result[useful.pk]
        return (
            [(g.line, [quote.text for quote in g.quotes], g.for_other_lines) for g in took],
            [(bar.label, bar.count, bar.for_other_lines) for bar in scale.bars],
            (scale.average, scale.average_for_other_lines),
        )

    took, bars, average = figures()
    assert took == [(spel, ["Haalde 0", "Haalde 1", "Haalde 3", "Haalde 4", "Haalde 6"], False)]
    assert bars == [("1", None, False), ("2", 0, False), ("3", 0, False), ("4", 4, False),
                    ("5", 0, False)]  # fmt: skip
    assert average == (3.0, False)
    took, bars, average = figures(lezen)
    assert took == [(spel, [], True)]
    assert bars == [("1", 0, False), ("2", 0, False), ("3", 0, False), ("4", None, True),
                    ("5", 0, False)]  # fmt: skip
    assert average == (None, True)

    page = as_user(client, steering.user).get(_url(questionnaire, query=f"?line={lezen.pk}"))
    html = " ".join(unescape(page.content.decode()).split())
    assert "Haalde" not in html
    assert "Niet per leerlijn getoond: een andere leerlijn gaf 1 of 2 van deze antwoorden" in html
    assert "Gemiddelde: niet per leerlijn getoond" in html
    rows = count_rows(questionnaire_results(questionnaire=questionnaire, line=lezen))
    assert [row[1:] for row in rows if row[0] == useful.text] == [
        ["1", 0], ["2", 0], ["3", 0], ["4", "niet per leerlijn getoond"], ["5", 0],
        ["Gemiddelde", "niet per leerlijn getoond"],
    ]  # fmt: skip


def test_after_retention_the_page_says_the_texts_were_deleted(client, steering, answered):
    """Blanked answers would read "no answers to this question yet": the page says why."""
    year = answered.year
    SchoolYear.objects.filter(pk=year.pk).update(
        retained_at=timezone.make_aware(datetime(2029, 8, 1, 3, 0))
    )
    text = _text(as_user(client, steering.user).get(_url(answered)))
    assert (
        f"De teksten van schooljaar {year.name} zijn op 1 augustus 2029 verwijderd, zoals de "
        "bewaartermijn van de school zegt" in text
    )
