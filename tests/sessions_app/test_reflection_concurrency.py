"""Reflection forms under concurrency (PostgreSQL): autosaves and submits from many threads,
for many members and for one member, lose nothing and make no duplicates.

Each thread calls the services with its own database connection, as gunicorn's workers do, and
closes it at its end.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from learninglines.models import LogEntry
from sessions_app.models import Answer, Questionnaire, Reflection
from sessions_app.services.reflections import (
    AnswerData,
    questionnaire_open,
    reflection_autosave,
    reflection_submit,
)

pytestmark = [
    pytest.mark.postgresql("SQLite serialises all writers, so only PostgreSQL can show the race"),
    pytest.mark.django_db(transaction=True),
]

WORKERS = 10
WAIT = 60  # seconds a barrier or a thread may take before the test fails instead of hanging


def _opened_form(make_team, make_session, sizes) -> tuple[Questionnaire, list]:
    team = make_team(sizes)
    session = make_session()
    questionnaire = questionnaire_open(questionnaire=Questionnaire.objects.get(session=session))
    return questionnaire, team.everyone


def _answers(questionnaire: Questionnaire, text: str, value: int) -> dict[int, AnswerData]:
    """The two open questions and the scale: the same three questions in every call."""
    learned, _brought, try_out, _talk, useful = questionnaire.questions.order_by("position")
    return {
        learned.pk: AnswerData(text=text),
        try_out.pk: AnswerData(text=f"{text} (in de klas)"),
        useful.pk: AnswerData(value=value),
    }


def _private_note(questionnaire: Questionnaire, text: str) -> str:
    """The learning log's copy of the private question "What will you try in your class?"."""
    try_out = questionnaire.questions.get(position=3)
    return f"{questionnaire.title}\n\n{try_out.text}\n{text} (in de klas)"


def _stored(reflection: Reflection) -> dict[int, tuple[str, int | None]]:
    return {answer.question_id: (answer.text, answer.value) for answer in reflection.answers.all()}


def _expected(answers: dict[int, AnswerData]) -> dict[int, tuple[str, int | None]]:
    return {pk: (data.text, data.value) for pk, data in answers.items()}


def test_thirty_members_autosaving_and_submitting_at_once_lose_nothing(make_team, make_session):
    questionnaire, members = _opened_form(make_team, make_session, [10, 10, 10])
    assert len(members) == 30
    start = threading.Barrier(WORKERS, timeout=WAIT)
    started = threading.local()
    saved: dict[int, list[bool]] = {}

    def answer(member) -> dict[int, AnswerData]:
        # Every worker thread waits once for the others, so the first ten members start together.
        if not getattr(started, "done", False):
            started.done = True
            start.wait()
        try:
            for draft in range(1, 4):
                _reflection, stored = reflection_autosave(
                    questionnaire=questionnaire,
                    member=member,
                    answers=_answers(questionnaire, f"{member.first_name} concept {draft}", draft),
                )
                saved.setdefault(member.pk, []).append(stored)
            final = _answers(questionnaire, f"{member.first_name} ingeleverd", 5)
            reflection_submit(questionnaire=questionnaire, member=member, answers=final)
            return final
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        futures = {member.pk: pool.submit(answer, member) for member in members}
        finals = {pk: future.result(timeout=WAIT) for pk, future in futures.items()}

    assert saved == {member.pk: [True, True, True] for member in members}
    reflections = list(Reflection.objects.filter(questionnaire=questionnaire))
    assert len(reflections) == 30
    assert {reflection.member_id for reflection in reflections} == set(finals)
    assert all(reflection.submitted_at is not None for reflection in reflections)
    for reflection in reflections:
        assert _stored(reflection) == _expected(finals[reflection.member_id])
    assert Answer.objects.filter(reflection__questionnaire=questionnaire).count() == 30 * 3
    notes = {entry.author_id: entry.note for entry in LogEntry.objects.all()}
    assert notes == {
        member.pk: _private_note(questionnaire, f"{member.first_name} ingeleverd")
        for member in members
    }


def test_one_member_autosaving_in_ten_threads_while_submitting_keeps_the_submit(
    make_team, make_session
):
    questionnaire, members = _opened_form(make_team, make_session, [3, 3])
    member = members[0]
    submitted = _answers(questionnaire, "Ingeleverd", 4)
    start = threading.Barrier(11, timeout=WAIT)
    results: dict[str, list] = {"autosave": [], "submit": [], "error": []}

    def autosave(number: int) -> None:
        try:
            start.wait()
            _reflection, saved = reflection_autosave(
                questionnaire=questionnaire,
                member=member,
                answers=_answers(questionnaire, f"Concept {number}", number % 5 + 1),
            )
            results["autosave"].append(saved)
        except Exception as error:  # any escape is the failure reported below
            results["error"].append(repr(error))
        finally:
            connection.close()

    def submit() -> None:
        try:
            start.wait()
            reflection = reflection_submit(
                questionnaire=questionnaire, member=member, answers=submitted
            )
            results["submit"].append(reflection.pk)
        except Exception as error:  # any escape is the failure reported below
            results["error"].append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=autosave, args=(n,)) for n in range(10)]
    threads.append(threading.Thread(target=submit))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT)
    assert not any(thread.is_alive() for thread in threads)

    assert results["error"] == []
    assert len(results["autosave"]) == 10  # how many saved depends on the order the lock gave
    reflection = Reflection.objects.get(questionnaire=questionnaire)
    assert results["submit"] == [reflection.pk]
    assert reflection.member == member
    assert reflection.submitted_at is not None
    # Nothing was written after the submit: an autosave that came later saved nothing.
    assert reflection.updated_at == reflection.submitted_at
    answers = Answer.objects.filter(reflection=reflection)
    assert sorted(answers.values_list("question_id", flat=True)) == sorted(submitted)
    assert _stored(reflection) == _expected(submitted)
    entry = LogEntry.objects.get()
    assert (entry.author, entry.source) == (member, f"reflection:{reflection.pk}")
    assert entry.note == _private_note(questionnaire, "Ingeleverd")
    # And one more autosave now, after the submit, changes nothing either.
    _reflection, saved = reflection_autosave(
        questionnaire=questionnaire,
        member=member,
        answers=_answers(questionnaire, "Te laat", 1),
    )
    assert saved is False
    assert _stored(reflection) == _expected(submitted)
