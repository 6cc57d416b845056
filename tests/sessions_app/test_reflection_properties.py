"""Invariants of reflection results for any form and any answers (hypothesis, on the database).

A random team (2-6 lines, 3-20 members), a form of random questions (every kind x privacy x
required), random answers by random members (autosaved only, submitted, changed after
submitting, a late autosave after submitting), and a random line filter. Checked:
1. the results object, the CSV and the workbook agree, and with a plain recount of the stored
   submitted answers;
2. the anonymity rule of docs/reflections.md: no anonymous figure from 1 or 2 answers, and
   between a line filter and all lines every difference of shown figures rests on 0 or 3 or
   more answers; private answers appear nowhere for the steering group;
3. the response rate is submitted / asked, never above 100 %; drafts count nowhere;
4. editing a question after answers exist is refused with words or keeps every answer;
5. a teacher's answer page and own data hold exactly their answers.

Every example runs in a savepoint that is rolled back, so examples do not see each other.
Failures found by longer runs are kept below as plain tests.
"""

from __future__ import annotations

import csv
import io
import os
from collections import Counter, defaultdict
from datetime import time

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from learninglines.services.lines import line_create, membership_move
from learninglines.services.people import school_year_ensure_current
from sessions_app.exports import (
    answer_rows,
    count_rows,
    results_csv,
    results_xlsx,
    summary_rows,
)
from sessions_app.models import (
    ANONYMOUS_THRESHOLD,
    Answer,
    Question,
    Questionnaire,
    Reflection,
)
from sessions_app.privacy import export as sessions_export
from sessions_app.selectors.reflections import questionnaire_results
from sessions_app.services.reflections import (
    AnswerData,
    QuestionData,
    question_create,
    question_delete,
    question_move,
    question_update,
    questionnaire_open,
    reflection_autosave,
    reflection_submit,
)
from sessions_app.services.sessions import session_create
from tests.factories import MemberFactory, SchoolFactory

pytestmark = pytest.mark.django_db

FEW = range(1, ANONYMOUS_THRESHOLD)  # 1 or 2: a group that would point to people
KINDS = [kind for kind, _label in Question.Kind.choices]
# anonymous twice as often: its rules are the ones with edges
PRIVACIES = ["named", "anonymous", "anonymous", "private"]
# A few fixed examples in every run (about 1 s each); REFLECTION_EXAMPLES=500 searches wider
# with fresh draws, as a development run does.
EXAMPLES = int(os.environ.get("REFLECTION_EXAMPLES", "0"))
PROPERTY_SETTINGS = settings(
    max_examples=EXAMPLES or 6,
    derandomize=not EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


# --- the world: a team, a form, answers ---


class Tokens:
    """Unique answer texts, so where a text turns up tells whose and which version it is."""

    def __init__(self):
        self.count = 0

    def next(self) -> str:
        self.count += 1
        return f"zq{self.count:04d}x"


@st.composite
def scenarios(draw):
    sizes = draw(
        st.lists(st.integers(1, 5), min_size=2, max_size=6).filter(lambda s: 3 <= sum(s) <= 20)
    )
    questions = draw(
        st.lists(
            st.tuples(
                st.sampled_from(KINDS),
                st.sampled_from(PRIVACIES),
                st.booleans(),  # required
                st.integers(2, 4),  # number of choices
            ),
            min_size=1,
            max_size=5,
        )
    )
    members = sum(sizes)
    # per member: a list of (action, answer seeds); "autosave" or "submit"
    actions = draw(
        st.lists(
            st.lists(
                st.tuples(
                    st.sampled_from(["autosave", "submit", "submit"]),
                    st.lists(st.integers(0, 6), min_size=len(questions), max_size=len(questions)),
                ),
                max_size=3,
            ),
            min_size=members,
            max_size=members,
        )
    )
    line_filter = draw(st.integers(0, len(sizes) - 1))
    edit = draw(
        st.tuples(
            st.sampled_from(["rename", "choices", "kind", "privacy", "delete", "up", "down"]),
            st.integers(0, len(questions) - 1),
        )
    )
    return sizes, questions, actions, line_filter, edit


class World:
    def __init__(self, sizes, questions):
        self.school = SchoolFactory()
        self.steering = MemberFactory(school=self.school, is_steering=True)
        year = school_year_ensure_current(school=self.school)
        self.lines, self.members, self.line_of = [], [], {}
        for index, size in enumerate(sizes):
            line = line_create(school=self.school, year=year, name=f"Lijn {index}")
            self.lines.append(line)
            for _ in range(size):
                member = MemberFactory(school=self.school)
                membership_move(member=member, line=line, start=year.start)
                self.members.append(member)
                self.line_of[member.pk] = line
        session = session_create(
            school=self.school,
            title="Plenair",
            date=timezone.localdate(),
            start_time=time(15, 0),
            end_time=time(16, 45),
        )
        self.form = Questionnaire.objects.get(session=session)
        for question in list(self.form.questions.all()):
            question_delete(question=question)
        self.questions = []
        for number, (kind, privacy, required, choices) in enumerate(questions):
            self.questions.append(
                question_create(
                    questionnaire=self.form,
                    data=QuestionData(
                        kind=kind,
                        text=f"Vraag {number}",
                        privacy=privacy,
                        required=required,
                        choices=[f"Keuze {number}-{c}" for c in range(choices)]
                        if kind in ("single", "multiple")
                        else [],
                    ),
                )
            )
        self.form = questionnaire_open(questionnaire=self.form)
        self.tokens = Tokens()
        self.written: dict[str, tuple[int, int]] = {}  # token -> (member pk, question pk)


def answer_of(world: World, question: Question, seed: int, member) -> AnswerData:
    """An answer from a small seed: 0 is no answer; others fill the question's kind."""
    if seed == 0:
        return AnswerData()
    kind = question.kind
    if kind == "scale":
        return AnswerData(value=1 + seed % 5)
    if kind == "single":
        return AnswerData(selected=(seed % len(question.choices),))
    if kind == "multiple":
        picked = {i for i in range(len(question.choices)) if (seed >> i) & 1} or {0}
        return AnswerData(selected=tuple(sorted(picked)))
    token = world.tokens.next()
    world.written[token] = (member.pk, question.pk)
    if kind == "open":
        return AnswerData(text=token)
    took = world.tokens.next()
    world.written[took] = (member.pk, question.pk)
    source = world.lines[seed % len(world.lines)].pk if seed % 3 else None
    return AnswerData(text=token if seed % 2 else "", took=took, took_from=source)


def play(world: World, actions) -> dict[int, dict[int, AnswerData] | None]:
    """Run every member's autosaves and submits; returns what each should have submitted."""
    submitted: dict[int, dict[int, AnswerData] | None] = {}
    for member, steps in zip(world.members, actions, strict=True):
        submitted[member.pk] = None
        for action, seeds in steps:
            answers = {
                q.pk: answer_of(world, q, seed, member)
                for q, seed in zip(world.questions, seeds, strict=True)
            }
            if action == "autosave":
                reflection_autosave(questionnaire=world.form, member=member, answers=answers)
                continue
            refused = None
            try:
                reflection_submit(questionnaire=world.form, member=member, answers=answers)
            except ValidationError as error:
                refused = error
            missing = {
                f"q{q.pk}" for q in world.questions if q.required and answers[q.pk] == AnswerData()
            }
            if refused is None:
                assert not missing
                submitted[member.pk] = answers
            else:
                # refused with words, for exactly the required answers missing
                assert refused.messages
                assert set(refused.message_dict) == missing
    return submitted


# --- a plain recount of the stored submitted answers ---


def recount(world: World):
    """{question pk: [(author's line pk, member pk, Answer)]} of submitted, non-empty answers."""
    pairs = defaultdict(list)
    for answer in Answer.objects.filter(
        reflection__questionnaire=world.form, reflection__submitted_at__isnull=False
    ).select_related("reflection"):
        if not answer.is_empty:
            pairs[answer.question_id].append((answer.reflection.line_id, answer))
    return pairs


def bar_keys(question: Question, answer: Answer) -> list[int]:
    if question.kind == "scale":
        return [answer.value - 1]
    return list(answer.selected)


def check_against_recount(world: World, results, pairs, line) -> None:
    """Every figure and quote shown equals the recount, and the anonymity rule holds."""
    for result in results.questions:
        question = result.question
        mine = [a for line_pk, a in pairs[question.pk] if line is None or line_pk == line.pk]
        if result.is_private:
            assert not result.bars
            assert not result.groups
            assert not result.took_groups
            assert result.average is None
            continue
        anonymous = result.is_anonymous
        if anonymous and len(mine) in FEW:
            assert result.withheld
            continue
        assert not result.withheld
        assert result.answered == len(mine)
        if result.has_chart:
            counts = Counter(k for a in mine for k in bar_keys(question, a))
            for index, bar in enumerate(result.bars):
                if bar.count is not None:
                    assert bar.count == counts.get(index, 0)
                    if anonymous:
                        assert bar.count not in FEW
                else:
                    assert anonymous
            if question.kind == "scale":
                values = [a.value for a in mine]
                if result.average is not None:
                    assert result.average == round(sum(values) / len(values), 1)
                    if anonymous:
                        assert len(values) not in FEW
            continue
        expected = defaultdict(list)
        for a in mine:
            if a.text:
                expected[("by", a.reflection.line_id)].append(a.text)
            if a.took:
                expected[("from", a.took_from_id)].append(a.took)
        shown = {}
        for kind, groups in (("by", result.groups), ("from", result.took_groups)):
            for group in groups:
                key = (kind, group.line.pk if group.line else None)
                assert key not in shown
                shown[key] = group
                if group.withheld:
                    assert anonymous
                    assert not group.quotes
                    continue
                assert sorted(q.text for q in group.quotes) == sorted(expected[key])
                for quote in group.quotes:
                    member_pk = world.written[quote.text][0]
                    if anonymous:
                        assert quote.name == ""
                    else:
                        named = next(m for m in world.members if m.pk == member_pk)
                        assert quote.name == named.full_name
                if anonymous:
                    assert len(group.quotes) >= ANONYMOUS_THRESHOLD
        assert set(shown) == set(expected)


def check_differences(everything, filtered) -> None:
    """Between all lines and one line, a difference of shown anonymous figures is 0 or >= 3."""
    for whole, part in zip(everything.questions, filtered.questions, strict=True):
        if not whole.is_anonymous or whole.withheld or part.withheld:
            continue
        for a, b in zip(whole.bars, part.bars, strict=True):
            if a.count is not None and b.count is not None:
                assert a.count - b.count not in FEW, (whole.question.text, a, b)
        part_took = {
            g.line.pk if g.line else None: len(g.quotes) for g in part.took_groups if not g.withheld
        }
        for group in whole.took_groups:
            key = group.line.pk if group.line else None
            if not group.withheld:
                difference = len(group.quotes) - part_took.get(key, 0)
                assert difference not in FEW, (whole.question.text, key, difference)


def check_files(results) -> None:
    """The CSV and the workbook hold the rows of the page's object, the same in both."""
    summary = [row[1] for row in summary_rows(results)]
    rate = results.rate if results.rate is not None else ""
    assert summary[2:5] == [results.asked, results.submitted, rate]
    xlsx_summary = openpyxl.load_workbook(io.BytesIO(results_xlsx(results))).worksheets[0]
    assert [row[1] for row in xlsx_summary.iter_rows(min_row=4, max_row=6, values_only=True)] == [
        results.asked,
        results.submitted,
        rate if rate != "" else None,
    ]
    rows = answer_rows(results)
    text = results_csv(results).decode("utf-8-sig")
    from_csv = list(csv.reader(io.StringIO(text), delimiter=";"))
    workbook = openpyxl.load_workbook(io.BytesIO(results_xlsx(results)))
    answers_sheet, counts_sheet = workbook.worksheets[1], workbook.worksheets[2]

    def cells(sheet):
        return [
            ["" if value is None else value for value in row]
            for row in sheet.iter_rows(min_row=2, values_only=True)
        ]

    assert cells(answers_sheet) == [["" if v is None else v for v in row] for row in rows]
    assert len(from_csv) == len(rows) + 1
    for csv_row, row in zip(from_csv[1:], rows, strict=True):
        assert [cell.lstrip("'") for cell in csv_row] == [str(v) for v in row]
    counts = [["" if v is None else v for v in row] for row in count_rows(results)]
    assert cells(counts_sheet) == counts
    # each shown bar is a row with its count; each withheld bar is no number
    expected = []
    for result in results.questions:
        if result.is_private or not result.has_chart:
            continue
        if result.withheld:
            expected.append((result.question.text, ""))
            continue
        for bar in result.bars:
            expected.append((result.question.text, bar.label))
    labelled = [(row[0], row[1]) for row in counts if row[1] != gettext("Average")]
    assert labelled == expected


def hidden_tokens(world: World, submitted) -> set[str]:
    """Texts the steering group must never read: private, drafts, superseded, late autosaves."""
    privacy = {q.pk: q.privacy for q in world.questions}
    current = set()
    for answers in submitted.values():
        for question_pk, data in (answers or {}).items():
            if privacy[question_pk] != "private":
                current |= {data.text, data.took} - {""}
    return set(world.written) - current


# --- the property ---


def run_scenario(client_factory, scenario) -> None:
    sizes, question_specs, actions, filter_index, edit = scenario
    world = World(sizes, question_specs)
    submitted = play(world, actions)

    # 3. what is stored as submitted is exactly each member's last accepted submit
    stored = {r.member_id: r for r in Reflection.objects.filter(questionnaire=world.form)}
    for member in world.members:
        answers = submitted[member.pk]
        reflection = stored.get(member.pk)
        if answers is None:
            assert reflection is None or not reflection.is_submitted
            continue
        assert reflection.is_submitted
        by_question = {a.question_id: a for a in reflection.answers.all()}
        for question in world.questions:
            data, answer = answers[question.pk], by_question.get(question.pk)
            if data == AnswerData():
                assert answer is None or answer.is_empty
            else:
                assert answer is not None
                assert (answer.text, answer.took, answer.value, list(answer.selected)) == (
                    data.text,
                    data.took,
                    data.value,
                    list(data.selected),
                )

    pairs = recount(world)
    everything = questionnaire_results(questionnaire=world.form)
    line = world.lines[filter_index]
    filtered = questionnaire_results(questionnaire=world.form, line=line)
    done = [pk for pk, answers in submitted.items() if answers is not None]
    assert everything.submitted == len(done)
    assert everything.asked == len(world.members)
    assert 0 <= everything.rate <= 100
    assert filtered.submitted == sum(1 for pk in done if world.line_of[pk].pk == line.pk)
    assert filtered.asked == sum(1 for m in world.members if world.line_of[m.pk].pk == line.pk)
    assert filtered.rate is None or 0 <= filtered.rate <= 100

    check_against_recount(world, everything, pairs, None)
    check_against_recount(world, filtered, pairs, line)
    check_differences(everything, filtered)
    check_files(everything)
    check_files(filtered)

    # 2. nothing private, draft or superseded in the page or the files
    hidden = hidden_tokens(world, submitted)
    client = client_factory(world.steering.user)
    url = reverse(
        "sessions_app:reflection-results",
        kwargs={"school_slug": world.school.slug, "pk": world.form.pk},
    )
    for query in ("", f"?line={line.pk}"):
        page = client.get(url + query).content.decode()
        files = results_csv(filtered if query else everything).decode("utf-8-sig")
        workbook = openpyxl.load_workbook(
            io.BytesIO(results_xlsx(filtered if query else everything))
        )
        cells = " ".join(
            str(value)
            for sheet in workbook.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        )
        for token in hidden:
            assert token not in page, token
            assert token not in files, token
            assert token not in cells, token

    # 5. a teacher's own answer page and own data hold exactly their answers
    answered = [m for m in world.members if m.pk in stored]
    for member in answered[:2]:
        reflection = stored[member.pk]
        own = {a.text for a in reflection.answers.all()} | {
            a.took for a in reflection.answers.all()
        }
        own.discard("")
        page = (
            client_factory(member.user)
            .get(
                reverse(
                    "sessions_app:reflection-answer",
                    kwargs={"school_slug": world.school.slug, "pk": world.form.pk},
                )
            )
            .content.decode()
        )
        data = sessions_export(member, own=True)
        rows = next(rows for title, rows in data.items() if "eflecti" in str(title).lower())
        exported = " ".join(str(value) for row in rows for value in row.values())
        others = {t for t, (pk, _q) in world.written.items() if pk != member.pk}
        for token in own:
            assert token in page, token
            assert token in exported, token
        for token in others:
            assert token not in page, token
            assert token not in exported, token

    # 4. an edit after answers exist is refused with words, or keeps every answer
    check_edit(world, edit)


def check_edit(world: World, edit) -> None:
    action, index = edit
    question = Question.objects.get(pk=world.questions[index].pk)
    before = {
        (a.reflection_id, a.question_id, a.text, a.took, a.value, tuple(a.selected))
        for a in Answer.objects.filter(question__questionnaire=world.form)
    }
    had_answers = question.answers.exists()
    texts_before = {
        r.question.pk: r.question.text
        for r in questionnaire_results(questionnaire=world.form).questions
    }
    data = {
        "kind": question.kind,
        "text": question.text,
        "privacy": question.privacy,
        "required": question.required,
        "choices": list(question.choices),
    }
    try:
        if action in ("up", "down"):
            question_move(question=question, direction=action)
        elif action == "delete":
            question_delete(question=question)
        else:
            if action == "rename":
                data["text"] = question.text + " (nieuw)"
            elif action == "choices":
                data["choices"] = [*data["choices"], "Extra"] if data["choices"] else []
                if not data["choices"]:
                    data["text"] = question.text + " (nieuw)"
            elif action == "kind":
                data["kind"] = "open" if question.kind != "open" else "scale"
                data["choices"] = []
            else:
                data["privacy"] = "named" if question.privacy != "named" else "anonymous"
            question_update(question=question, data=QuestionData(**data))
    except ValidationError as error:
        refused = error
    else:
        refused = None
    if refused is not None:
        assert refused.messages
        assert all(message.strip() for message in refused.messages)
    after = {
        (a.reflection_id, a.question_id, a.text, a.took, a.value, tuple(a.selected))
        for a in Answer.objects.filter(question__questionnaire=world.form)
    }
    assert after == before  # no answer lost or moved to another question
    meaning = action in ("kind", "privacy", "delete") or (
        action == "choices" and question.has_choices
    )
    if had_answers and meaning:
        assert refused is not None
    results = questionnaire_results(questionnaire=world.form)
    for result in results.questions:
        # a renamed question reads its new words; the others keep theirs
        current = Question.objects.get(pk=result.question.pk).text
        assert result.question.text == current
        if result.question.pk != question.pk:
            assert current == texts_before[result.question.pk]


@pytest.fixture
def client_factory():
    def make(user):
        client = Client()
        client.force_login(user)
        return client

    return make


@PROPERTY_SETTINGS
@given(scenarios())
def test_reflection_results_keep_their_promises(client_factory, scenario):
    with transaction.atomic():
        run_scenario(client_factory, scenario)
        transaction.set_rollback(True)


# --- found by the properties: plain examples ---


def test_steering_export_of_a_member_holds_no_draft(school):
    """A named answer only autosaved is not the steering group's to read, also not in the
    export of a member's data they make on request: only submitted answers are given."""
    world = World([2, 2], [("open", "named", False, 2)])
    member = world.members[0]
    question = world.questions[0]
    reflection_autosave(
        questionnaire=world.form, member=member, answers={question.pk: AnswerData(text="concept")}
    )

    data = sessions_export(member, own=False)

    rows = next(rows for title, rows in data.items() if "eflecti" in str(title).lower())
    assert "concept" not in " ".join(str(v) for row in rows for v in row.values())
