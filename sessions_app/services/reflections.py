"""Reflection forms: building the questionnaire, opening and closing it, answering, reminders.

Rules kept here:
- A new questionnaire starts from the school's own template when it saved one, otherwise from
  the method's guiding questions, written in the school's language.
- Once someone has answered, a change that would alter the meaning of the answers (type,
  choices, privacy level) is refused with the reason; wording fixes are allowed, and the
  question keeps when its wording last changed so (`changed_after_answers_at`, for the results).
- Answers are stored only against the form they were given to: the answer page carries the
  form's version (`form_version`), and a save from a page whose questions changed since is
  refused (`FormChanged`), so a choice's index never lands on another choice.
- One answer set per person per questionnaire (a unique constraint and an upsert under a row
  lock). An autosave only touches a draft: after a submit it changes nothing, so a late
  autosave never undoes a submit. Nobody changes an answer once the form has closed.
- Everyone expected and not marked absent is asked; a coach is never asked.
- Private answers are copied into the author's learning log through the learning lines' own
  service (one entry per reflection, replaced on every submit).
- A reminder goes to each asked member who has not submitted, never twice within a day.
"""

from __future__ import annotations

import hashlib
import json
from copy import copy
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from learninglines.models import (
    LearningLine,
    LineMeeting,
    Member,
)
from learninglines.services.journal import log_entry_put_from_source
from learninglines.services.outbox import mail_send_after_response, one_line
from sessions_app.models import (
    SCALE,
    Answer,
    Assignment,
    PlenarySession,
    Question,
    Questionnaire,
    QuestionnaireTemplate,
    Reflection,
    ReflectionReminder,
)
from sessions_app.selectors.reflections import asked_members, is_asked, line_on
from sessions_app.services.mail import session_mail_queue

OPEN_FOR = timedelta(days=7)
REMIND_AGAIN_AFTER = timedelta(days=1)
QUESTION_FIELDS = (
    "kind",
    "text",
    "help_text",
    "required",
    "privacy",
    "choices",
    "scale_low",
    "scale_high",
)
# Changing these after the first answer would change what the answers mean.
MEANING_FIELDS = ("kind", "choices", "privacy")
# These may change after the first answer; the question then keeps when (for the results).
WORDING_FIELDS = ("text", "help_text", "scale_low", "scale_high")
# What a teacher answers to: a change of any of these while the page is open refuses its save.
# (Not `required`: it changes no answer's meaning, and a submit checks it anew anyway.)
VERSION_FIELDS = ("kind", "text", "help_text", "privacy", "choices", "scale_low", "scale_high")
TEXT_LIMIT = 5000

# The method's guiding questions (kind, text, help, required, privacy, scale labels), marked for
# translation and written in the school's language when a questionnaire is made.
_TRY_IN_CLASS = (
    Question.Kind.OPEN,
    gettext_noop("What will you try in your class?"),
    "",
    False,
    Question.Privacy.PRIVATE,
    ("", ""),
)
_USEFUL_LABELS = (gettext_noop("not useful"), gettext_noop("very useful"))

DEFAULT_QUESTIONS = (
    (
        Question.Kind.OPEN,
        gettext_noop("What did you learn about another learning line?"),
        "",
        True,
        Question.Privacy.NAMED,
        ("", ""),
    ),
    (
        Question.Kind.BROUGHT_TOOK,
        gettext_noop("What did you bring, and what did you take?"),
        gettext_noop("Bringing and taking: one thing you told that helped others, one you take."),
        False,
        Question.Privacy.NAMED,
        ("", ""),
    ),
    _TRY_IN_CLASS,
    (
        Question.Kind.OPEN,
        gettext_noop("Who do you want to follow up with?"),
        "",
        False,
        Question.Privacy.NAMED,
        ("", ""),
    ),
    (
        Question.Kind.SCALE,
        gettext_noop("How useful was this session?"),
        "",
        True,
        Question.Privacy.ANONYMOUS,
        _USEFUL_LABELS,
    ),
)

# A line meeting's guiding questions: about this line's own work, not about another line.
DEFAULT_MEETING_QUESTIONS = (
    (
        Question.Kind.OPEN,
        gettext_noop("What did this meeting give you?"),
        "",
        True,
        Question.Privacy.NAMED,
        ("", ""),
    ),
    (
        Question.Kind.OPEN,
        gettext_noop("What is the line's next step?"),
        gettext_noop("What the line does before its next meeting."),
        False,
        Question.Privacy.NAMED,
        ("", ""),
    ),
    _TRY_IN_CLASS,
    (
        Question.Kind.SCALE,
        gettext_noop("How useful was this meeting?"),
        "",
        True,
        Question.Privacy.ANONYMOUS,
        _USEFUL_LABELS,
    ),
)


@dataclass(frozen=True)
class QuestionData:
    kind: str
    text: str
    help_text: str = ""
    required: bool = False
    privacy: str = Question.Privacy.NAMED
    choices: list[str] = field(default_factory=list)
    scale_low: str = ""
    scale_high: str = ""


@dataclass(frozen=True)
class AnswerData:
    """One answer as the form gives it; which fields count depends on the question's kind."""

    text: str = ""
    took: str = ""
    took_from: int | None = None
    value: int | None = None
    selected: tuple[int, ...] = ()


class FormChanged(ValidationError):
    """The questions changed since the answer page was shown: nothing is stored.

    `changed` holds the pks of the questions that changed, were added or were removed since;
    `kinds` the type each question had on the page (by pk).
    """

    def __init__(self, changed: frozenset[int], kinds: dict[int, str]):
        super().__init__(
            _(
                "The steering group changed this form while you had it open. Check your "
                "answers and save again."
            ),
            code="form_changed",
        )
        self.changed = changed
        self.kinds = kinds


def _question_digest(question: Question) -> str:
    content = [getattr(question, name) for name in VERSION_FIELDS]
    encoded = json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode()
    return hashlib.sha256(encoded).hexdigest()[:16]


def form_version(questions: list[Question]) -> str:
    """The version of the questions a page shows, for its hidden `form_version` field.

    One `pk:kind:digest` per question (the digest of `VERSION_FIELDS`), comma-separated: a
    save compares it per question, so the page it refuses keeps what still fits. Not signed:
    a teacher who forges it only stores their own answers, which they may do anyway.
    """
    return ",".join(f"{q.pk}:{q.kind!s}:{_question_digest(q)}" for q in questions)


def _parse_version(version: str) -> dict[int, tuple[str, str]] | None:
    """{pk: (kind, digest)} of a `form_version`; None when it is not one."""
    parsed = {}
    for part in version.split(",") if version else []:
        pk, _sep, rest = part.partition(":")
        kind, _sep, digest = rest.partition(":")
        if not (pk.isascii() and pk.isdigit()) or not kind or not digest:
            return None
        parsed[int(pk)] = (kind, digest)
    return parsed


def form_check_version(questions: list[Question], version: str | None) -> None:
    """Raise `FormChanged` when `version` (the page's) is not that of `questions` (the form's
    now). None checks nothing: a request without the field (a page from before it existed).
    Moving a question or changing whether it is required changes no version.
    """
    if version is None:
        return
    shown = _parse_version(version)
    if shown is None:
        raise FormChanged(frozenset(q.pk for q in questions), {})
    now = {q.pk: (str(q.kind), _question_digest(q)) for q in questions}
    changed = frozenset(pk for pk in shown.keys() | now.keys() if shown.get(pk) != now.get(pk))
    if changed:
        raise FormChanged(changed, {pk: kind for pk, (kind, _digest) in shown.items()})


def default_questions(language: str, *, meeting: bool = False) -> list[QuestionData]:
    """The method's guiding questions in `language` (the school's, not the visitor's): those of
    a plenary session, or with `meeting` those of a line meeting.
    """
    questions = DEFAULT_MEETING_QUESTIONS if meeting else DEFAULT_QUESTIONS
    with translation.override(language):
        return [
            QuestionData(
                kind=kind,
                text=_(text),
                help_text=_(help_text) if help_text else "",
                required=required,
                privacy=privacy,
                scale_low=_(low) if low else "",
                scale_high=_(high) if high else "",
            )
            for kind, text, help_text, required, privacy, (low, high) in questions
        ]


def _start_questions(questionnaire: Questionnaire) -> list[QuestionData]:
    """A session's form starts from the school's template (else the method's questions); a line
    meeting's form from the line meeting's questions (the template is made of plenary forms).
    """
    school = questionnaire.school
    if questionnaire.meeting_id:
        return default_questions(school.language, meeting=True)
    template = QuestionnaireTemplate.objects.filter(school=school).first()
    if template is None or not template.items:
        return default_questions(school.language)
    return [
        QuestionData(**{key: item[key] for key in QUESTION_FIELDS if key in item})
        for item in template.items
    ]


def _fill(questionnaire: Questionnaire) -> None:
    for data in _start_questions(questionnaire):
        _question_save(Question(questionnaire=questionnaire, position=0), data)
    _renumber(questionnaire)


def questionnaire_create_for_session(*, session: PlenarySession, by=None) -> Questionnaire:
    """The session's reflection form, from the school's template or the method's questions."""
    with translation.override(session.school.language):
        title = _("Reflection: %(title)s") % {"title": session.title}
    with transaction.atomic():
        if Questionnaire.objects.filter(session=session).exists():
            raise ValidationError(_("This session already has a reflection form."))
        questionnaire = Questionnaire.objects.create(
            school=session.school,
            year=session.year,
            session=session,
            title=title[:150],
            created_by=by,
        )
        _fill(questionnaire)
    return questionnaire


def questionnaire_create_for_meeting(*, meeting: LineMeeting, by=None) -> Questionnaire:
    """A line meeting's reflection form; it opens by hand or at a set time, not by a clock."""
    line = meeting.line
    with translation.override(line.school.language):
        title = _("Reflection: %(topic)s") % {"topic": meeting.topic}
    with transaction.atomic():
        if Questionnaire.objects.filter(meeting=meeting).exists():
            raise ValidationError(_("This meeting already has a reflection form."))
        questionnaire = Questionnaire.objects.create(
            school=line.school,
            year=line.year,
            meeting=meeting,
            title=title[:150],
            open_at_reflection=False,
            created_by=by,
        )
        _fill(questionnaire)
    return questionnaire


def questionnaire_check_not_closed(
    questionnaire: Questionnaire, now: datetime | None = None
) -> None:
    """Refuse any change of a closed form: once closed it stays as it was (never reopens)."""
    if questionnaire.state(now) == Questionnaire.State.CLOSED:
        raise ValidationError(_("This reflection form has closed: it stays as it was."))


def questionnaire_closing_time(questionnaire: Questionnaire, opens_at: datetime) -> datetime:
    """When a form that opens at `opens_at` closes unless a closing time is set: a week later,
    or, opened before its session's or meeting's day, at 23:59 a week after that day (so it is
    open for the day it is about; never 00:00, which reads as open on the day after).
    """
    day = questionnaire.day
    if timezone.localdate(opens_at) < day:
        return timezone.make_aware(datetime.combine(day + OPEN_FOR, time(23, 59)))
    return opens_at + OPEN_FOR


def questionnaire_update(
    *,
    questionnaire: Questionnaire,
    title: str,
    intro: str,
    opens_at: datetime | None,
    closes_at: datetime | None,
    open_at_reflection: bool,
    now: datetime | None = None,
) -> Questionnaire:
    """Change the title, introduction and when the form opens and closes.

    An opening time without a closing time closes by the rule of `questionnaire_closing_time`.
    Refused once the form has closed; refused when it would close at once (closing is for
    "Close now", and cannot be undone); and a form with answers (drafts too) cannot go back to
    not open.
    """
    now = now or timezone.now()
    if opens_at and closes_at and closes_at <= opens_at:
        raise ValidationError({"closes_at": _("The form must close after it opens.")})
    with transaction.atomic():
        locked = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
        questionnaire_check_not_closed(locked, now)
        if opens_at and closes_at is None:
            closes_at = questionnaire_closing_time(questionnaire, opens_at)
        if closes_at is not None and closes_at <= now:
            raise ValidationError(
                {
                    "closes_at": _(
                        "With these times the form would close at once, and a closed form "
                        "cannot open again. Choose a closing time that has not passed, or use "
                        "“Close now”."
                    )
                }
            )
        if (opens_at is None or opens_at > now) and locked.reflections.exists():
            raise ValidationError(
                {
                    "opens_at": _(
                        "People have already answered this form: it cannot go back to not "
                        "open. Keep an opening time that has passed."
                    )
                }
            )
        questionnaire.title = one_line(title)  # it goes into reminder mails
        questionnaire.intro = intro.strip()
        questionnaire.opens_at = opens_at
        questionnaire.closes_at = closes_at
        questionnaire.open_at_reflection = open_at_reflection
        questionnaire.full_clean()
        questionnaire.save()
    return questionnaire


def questionnaire_open(
    *, questionnaire: Questionnaire, now: datetime | None = None
) -> Questionnaire:
    """Open the form now (by hand or by the clock). Unless a closing time is set, it closes by
    the rule of `questionnaire_closing_time`. An open form stays as it is; a closed form never
    opens again.
    """
    now = now or timezone.now()
    with transaction.atomic():
        questionnaire = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
        questionnaire_check_not_closed(questionnaire, now)
        if questionnaire.state(now) == Questionnaire.State.OPEN:
            return questionnaire
        if not questionnaire.questions.exists():
            raise ValidationError(_("Add a question first."))
        questionnaire.opens_at = now
        if questionnaire.closes_at is None:
            questionnaire.closes_at = questionnaire_closing_time(questionnaire, now)
        questionnaire.save(update_fields=["opens_at", "closes_at"])
    return questionnaire


def questionnaire_close(
    *, questionnaire: Questionnaire, now: datetime | None = None
) -> Questionnaire:
    """Close the form now: from here on nobody changes an answer. The time is taken once the
    answers being stored have been (the lock waits for them), so each was before it."""
    with transaction.atomic():
        questionnaire = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
        now = now or timezone.now()
        if questionnaire.state(now) != Questionnaire.State.OPEN:
            raise ValidationError(_("Only an open form can be closed."))
        questionnaire.closes_at = now
        questionnaire.save(update_fields=["closes_at"])
    return questionnaire


def reflection_assignment(assignments: list[Assignment]) -> Assignment | None:
    """The program's reflection: its last whole-group assignment after the table rounds."""
    last_round = max(
        (i for i, item in enumerate(assignments) if item.table_round is not None), default=-1
    )
    closing = [item for item in assignments[last_round + 1 :] if item.table_round is None]
    return closing[-1] if closing else None


def questionnaire_follow_clock(
    *, session: PlenarySession, assignments: list[Assignment], position: int, now=None
) -> bool:
    """Open the session's form when the clock reaches the reflection; True when it opened.

    Only from the session's day on: trying out the projector weeks ahead would otherwise open
    the form (and close it a week later, before the session is held).
    """
    reflection = reflection_assignment(assignments)
    if reflection is None or reflection.position != position:
        return False
    if timezone.localdate(now or timezone.now()) < session.date:
        return False
    questionnaire = Questionnaire.objects.filter(session=session, open_at_reflection=True).first()
    if questionnaire is None or questionnaire.state(now) != Questionnaire.State.NOT_OPEN:
        return False
    if not questionnaire.questions.exists():
        return False
    questionnaire_open(questionnaire=questionnaire, now=now)
    return True


def questionnaire_save_template(*, questionnaire: Questionnaire, by=None) -> QuestionnaireTemplate:
    """Keep this plenary session form's questions as the start of the school's next ones."""
    if not questionnaire.session_id:
        raise ValidationError(
            _("Only a plenary session's form can be the school's template."), code="not_session"
        )
    items = [
        {name: getattr(question, name) for name in QUESTION_FIELDS}
        for question in questionnaire.questions.order_by("position", "pk")
    ]
    template, _created = QuestionnaireTemplate.objects.update_or_create(
        school=questionnaire.school,
        defaults={"items": items, "updated_at": timezone.now(), "updated_by": by},
    )
    return template


# --- questions ---


def _renumber(questionnaire: Questionnaire) -> None:
    questions = list(questionnaire.questions.order_by("position", "pk"))
    changed = []
    for position, question in enumerate(questions, start=1):
        if question.position != position:
            question.position = position
            changed.append(question)
    Question.objects.bulk_update(changed, ["position"])


def _clean_question(data: QuestionData) -> QuestionData:
    text = data.text.strip()
    if not text:
        raise ValidationError({"text": _("Write the question.")})
    choices = [choice.strip() for choice in data.choices if choice.strip()]
    kind = data.kind
    if kind not in Question.Kind.values:
        raise ValidationError({"kind": _("Choose a type of question.")})
    if data.privacy not in Question.Privacy.values:
        raise ValidationError({"privacy": _("Choose who reads the answer.")})
    has_choices = kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE)
    return QuestionData(
        kind=kind,
        text=text,
        help_text=data.help_text.strip(),
        required=data.required,
        privacy=data.privacy,
        choices=choices if has_choices else [],
        scale_low=data.scale_low.strip() if kind == Question.Kind.SCALE else "",
        scale_high=data.scale_high.strip() if kind == Question.Kind.SCALE else "",
    )


def _question_save(question: Question, data: QuestionData) -> Question:
    for name in QUESTION_FIELDS:
        setattr(question, name, getattr(data, name))
    question.full_clean()
    question.save()
    return question


def question_create(*, questionnaire: Questionnaire, data: QuestionData) -> Question:
    """Add a question at the end; refused once the form has closed."""
    questionnaire_check_not_closed(questionnaire)
    data = _clean_question(data)
    with transaction.atomic():
        last = questionnaire.questions.aggregate(last=Max("position"))["last"] or 0
        return _question_save(Question(questionnaire=questionnaire, position=last + 1), data)


def question_update(
    *, question: Question, data: QuestionData, now: datetime | None = None
) -> Question:
    """Change a question; once answered only its wording, explanation and labels may change.

    A wording change once answered is kept as `changed_after_answers_at` (the results say it).
    Under the form's row lock, as answers are stored: an answer is stored before the change or
    after it, never in between unnoticed.
    """
    questionnaire = question.questionnaire
    questionnaire_check_not_closed(questionnaire)
    data = _clean_question(data)
    with transaction.atomic():
        _form_times_locked(questionnaire)
        answered = question.answers.exists()
        meaning_changed = any(getattr(question, n) != getattr(data, n) for n in MEANING_FIELDS)
        if meaning_changed and answered:
            raise ValidationError(
                _(
                    "People have already answered this question: its type, choices and who "
                    "reads the answer stay as they were, so the answers keep their meaning. "
                    "Fix the wording, or add a new question."
                )
            )
        if answered and any(getattr(question, n) != getattr(data, n) for n in WORDING_FIELDS):
            question.changed_after_answers_at = now or timezone.now()
        return _question_save(question, data)


def question_delete(*, question: Question) -> None:
    """Remove a question nobody has answered yet."""
    questionnaire = question.questionnaire
    questionnaire_check_not_closed(questionnaire)
    with transaction.atomic():
        _form_times_locked(questionnaire)  # as answers are stored (see `question_update`)
        if question.answers.exists():
            raise ValidationError(
                _("People have already answered this question: it stays, so their answers do too.")
            )
        question.delete()
        _renumber(questionnaire)


def question_move(*, question: Question, direction: str) -> None:
    """Move a question one place "up" or "down" (the keyboard's reorder)."""
    if direction not in ("up", "down"):
        raise ValidationError(_("Move a question up or down."))
    questionnaire = question.questionnaire
    questionnaire_check_not_closed(questionnaire)
    with transaction.atomic():
        order = list(questionnaire.questions.order_by("position", "pk"))
        index = next(i for i, item in enumerate(order) if item.pk == question.pk)
        other = index - 1 if direction == "up" else index + 1
        if 0 <= other < len(order):
            order[index], order[other] = order[other], order[index]
            for position, item in enumerate(order, start=1):
                item.position = position
            Question.objects.bulk_update(order, ["position"])


# --- answering ---


def _check_asked(questionnaire: Questionnaire, member: Member) -> None:
    if not is_asked(questionnaire=questionnaire, member=member):
        raise ValidationError(_("You are not asked to fill in this reflection form."))


def _clean_answer(question: Question, data: AnswerData, lines: dict[int, LearningLine]) -> dict:
    """The stored fields of one answer; raises ValidationError keyed by the question."""
    key = f"q{question.pk}"
    if len(data.text) > TEXT_LIMIT or len(data.took) > TEXT_LIMIT:
        raise ValidationError(
            {key: _("Keep it under %(limit)s characters.") % {"limit": TEXT_LIMIT}}
        )
    fields = {"text": "", "took": "", "took_from": None, "value": None, "selected": []}
    if question.kind == Question.Kind.OPEN:
        fields["text"] = data.text.strip()
    elif question.kind == Question.Kind.BROUGHT_TOOK:
        fields["text"] = data.text.strip()
        fields["took"] = data.took.strip()
        if data.took_from is not None:
            if data.took_from not in lines:
                raise ValidationError({key: _("Choose one of the learning lines.")})
            # a line goes with what was taken from it: kept alone, it is the count that
            # overviews keep after retention blanks the text
            fields["took_from"] = lines[data.took_from] if fields["took"] else None
    elif question.kind == Question.Kind.SCALE:
        if data.value is not None and data.value not in range(1, 6):
            raise ValidationError({key: _("Choose a value from 1 to 5.")})
        fields["value"] = data.value
    else:
        selected = sorted(set(data.selected))
        if any(index not in range(len(question.choices)) for index in selected):
            raise ValidationError({key: _("Choose from the choices given.")})
        if question.kind == Question.Kind.SINGLE and len(selected) > 1:
            raise ValidationError({key: _("Choose one.")})
        fields["selected"] = selected
    return fields


def _is_empty(fields: dict) -> bool:
    return not (fields["text"] or fields["took"] or fields["value"] or fields["selected"])


def _validated(
    questionnaire: Questionnaire,
    answers: dict[int, AnswerData],
    *,
    submit: bool,
    version: str | None = None,
) -> tuple[list[Question], dict[int, dict]]:
    """(questions, their cleaned answers); ValidationError by question (`q<pk>`) otherwise,
    and `FormChanged` first when `version` is not the questions' (see `form_check_version`)."""
    questions = list(questionnaire.questions.order_by("position", "pk"))
    form_check_version(questions, version)
    # Only the lines someone named as where they took something from (usually none).
    # (a number no key can be is never looked up: the database refuses it, an error page)
    named = {
        data.took_from
        for data in answers.values()
        if data.took_from is not None and 0 < data.took_from < 2**63
    }
    lines = (
        {
            line.pk: line
            for line in LearningLine.objects.filter(year=questionnaire.year, pk__in=named)
        }
        if named
        else {}
    )
    cleaned: dict[int, dict] = {}
    errors: dict[str, list[str]] = {}
    for question in questions:
        data = answers.get(question.pk, AnswerData())
        try:
            cleaned[question.pk] = _clean_answer(question, data, lines)
        except ValidationError as error:
            errors.update(error.message_dict)
            continue
        if submit and question.required and _is_empty(cleaned[question.pk]):
            errors[f"q{question.pk}"] = [_("This question needs an answer.")]
    if errors:
        raise ValidationError(errors)
    return questions, cleaned


def reflection_check(
    *, questionnaire: Questionnaire, answers: dict[int, AnswerData]
) -> dict[str, list[str]]:
    """What submitting `answers` would refuse, by question (`q<pk>`), without storing them."""
    try:
        _validated(questionnaire, answers, submit=True)
    except ValidationError as error:
        return error.message_dict
    return {}


def _store(
    *,
    questionnaire: Questionnaire,
    member: Member,
    answers: dict[int, AnswerData],
    submit: bool,
    now: datetime,
    version: str | None = None,
) -> tuple[Reflection, bool]:
    """Upsert the member's reflection and its answers under a row lock; (reflection, changed)."""
    with transaction.atomic():
        # The form as it is now, not as the request read it: "close now" may have been pressed
        # meanwhile. Under the form's row lock, so nothing is stored after the form closed.
        _check_open(_form_times_locked(questionnaire), now)
        # The questions are read under that lock too, which the builder's changes take as well:
        # the answers are checked against (and stored for) the questions as they are.
        questions, cleaned = _validated(questionnaire, answers, submit=submit, version=version)
        # The row lock serialises two requests of one member (two tabs, autosave and submit).
        mine = Reflection.objects.select_for_update().filter(
            questionnaire=questionnaire, member=member
        )
        reflection = mine.first()
        if reflection is None:
            try:
                with transaction.atomic():
                    Reflection.objects.create(
                        questionnaire=questionnaire,
                        member=member,
                        line=line_on(member, questionnaire.day),
                        created_at=now,
                        updated_at=now,
                    )
            except IntegrityError:
                pass  # another request of this member made it first: take that one
            reflection = mine.get()
        if not submit and reflection.is_submitted:
            return reflection, False
        stored = {answer.question_id: answer for answer in reflection.answers.all()}
        to_create, to_update = [], []
        for question in questions:
            fields = cleaned[question.pk]
            answer = stored.get(question.pk)
            if answer is None:
                if not _is_empty(fields):
                    to_create.append(
                        Answer(reflection=reflection, question=question, updated_at=now, **fields)
                    )
                continue
            if any(getattr(answer, name) != value for name, value in fields.items()):
                for name, value in fields.items():
                    setattr(answer, name, value)
                answer.updated_at = now
                to_update.append(answer)
        Answer.objects.bulk_create(to_create)
        Answer.objects.bulk_update(
            to_update, ["text", "took", "took_from", "value", "selected", "updated_at"]
        )
        reflection.updated_at = now
        if submit:
            reflection.submitted_at = now
        reflection.save(update_fields=["updated_at", "submitted_at"])
        if submit:
            _copy_private_answers(reflection, questions, cleaned)
    return reflection, True


def _form_times_locked(questionnaire: Questionnaire) -> Questionnaire:
    """A copy of `questionnaire` with its opening and closing times read again, its row
    locked: `questionnaire_close` waits for the answers being stored, and they for it. (The
    reflection's locked read below joins the form's row and locks it too, so answers to one
    form were stored one after another already; taking that lock first keeps one order.)"""
    rows = Questionnaire.objects.select_for_update().filter(pk=questionnaire.pk)
    opens_at, closes_at = rows.values_list("opens_at", "closes_at").get()
    fresh = copy(questionnaire)
    fresh.opens_at, fresh.closes_at = opens_at, closes_at
    return fresh


def _copy_private_answers(reflection: Reflection, questions: list[Question], cleaned) -> None:
    """The private answers as one entry of the author's learning log (replaced on resubmit)."""
    parts = []
    for question in questions:
        if question.privacy != Question.Privacy.PRIVATE:
            continue
        fields = cleaned[question.pk]
        text = _answer_as_text(question, fields)
        if text:
            parts.append(f"{question.text}\n{text}")
    questionnaire = reflection.questionnaire
    note = ""
    if parts:
        note = "\n\n".join([questionnaire.title, *parts])
    log_entry_put_from_source(
        author=reflection.member,
        source=f"reflection:{reflection.pk}",
        date=questionnaire.day,
        note=note,
    )


def _answer_as_text(question: Question, fields: dict) -> str:
    if question.kind == Question.Kind.SCALE:
        if not fields["value"]:
            return ""
        text = _("%(value)s of %(top)s") % {"value": fields["value"], "top": SCALE[-1]}
        labels = {SCALE[0]: question.scale_low, SCALE[-1]: question.scale_high}
        label = labels.get(fields["value"], "")
        return f"{text} ({label})" if label else text
    if question.has_choices:
        return ", ".join(question.choices[index] for index in fields["selected"])
    if question.kind == Question.Kind.BROUGHT_TOOK:
        lines = []
        if fields["text"]:
            lines.append(_("Brought: %(text)s") % {"text": fields["text"]})
        if fields["took"]:
            source = fields["took_from"]
            took = fields["took"] + (f" ({source.name})" if source else "")
            lines.append(_("Took: %(text)s") % {"text": took})
        return "\n".join(lines)
    return fields["text"]


def reflection_autosave(
    *,
    questionnaire: Questionnaire,
    member: Member,
    answers: dict[int, AnswerData],
    now: datetime | None = None,
    version: str | None = None,
) -> tuple[Reflection, bool]:
    """Keep a draft while the member types; returns (reflection, saved).

    Saves nothing (saved False) once the reflection was submitted: a late autosave never undoes
    a submit. Refused when the form is not open, and (`FormChanged`) when `version`, the answer
    page's `form_version`, is not the form's any more.
    """
    now = now or timezone.now()
    _check_open(questionnaire, now)
    _check_asked(questionnaire, member)
    return _store(
        questionnaire=questionnaire,
        member=member,
        answers=answers,
        submit=False,
        now=now,
        version=version,
    )


def reflection_submit(
    *,
    questionnaire: Questionnaire,
    member: Member,
    answers: dict[int, AnswerData],
    now: datetime | None = None,
    version: str | None = None,
) -> Reflection:
    """Submit (or, until the form closes, change) the member's answers; required ones needed.

    Refused (`FormChanged`, nothing stored) when `version` is not the form's any more.
    """
    now = now or timezone.now()
    _check_open(questionnaire, now)
    _check_asked(questionnaire, member)
    reflection, _saved = _store(
        questionnaire=questionnaire,
        member=member,
        answers=answers,
        submit=True,
        now=now,
        version=version,
    )
    return reflection


def _check_open(questionnaire: Questionnaire, now: datetime) -> None:
    state = questionnaire.state(now)
    if state == Questionnaire.State.CLOSED:
        raise ValidationError(_("This reflection form has closed: answers can no longer change."))
    if state == Questionnaire.State.NOT_OPEN:
        raise ValidationError(_("This reflection form is not open yet."))


# --- reminders ---


def answer_path(questionnaire: Questionnaire) -> str:
    return reverse(
        "sessions_app:reflection-answer",
        kwargs={"school_slug": questionnaire.school.slug, "pk": questionnaire.pk},
    )


def reflection_remind(*, questionnaire: Questionnaire, by=None, now: datetime | None = None) -> int:
    """Queue a reminder with a personal link to each asked member who has not submitted.

    Nobody gets a second reminder for this form within a day; returns how many were queued.
    """
    now = now or timezone.now()
    if questionnaire.state(now) != Questionnaire.State.OPEN:
        raise ValidationError(_("Reminders go out only while the form is open."))
    submitted = set(
        Reflection.objects.filter(
            questionnaire=questionnaire, submitted_at__isnull=False
        ).values_list("member_id", flat=True)
    )
    recent = set(
        ReflectionReminder.objects.filter(
            questionnaire=questionnaire, sent_at__gt=now - REMIND_AGAIN_AFTER
        ).values_list("member_id", flat=True)
    )
    members = [
        member
        for member in asked_members(questionnaire=questionnaire)
        if member.pk not in submitted and member.pk not in recent
    ]
    path = answer_path(questionnaire)
    ids = []
    with transaction.atomic():
        for member in members:
            mail = session_mail_queue(
                member=member,
                school=questionnaire.school,
                path=path,
                day=timezone.localdate(now),
                template="sessions_app/mail/reflection_reminder",
                context={"questionnaire": questionnaire, "closes_at": questionnaire.closes_at},
                now=now,
            )
            ids.append(mail.pk)
        ReflectionReminder.objects.bulk_create(
            ReflectionReminder(questionnaire=questionnaire, member=member, sent_at=now, sent_by=by)
            for member in members
        )
    mail_send_after_response(ids=ids)
    return len(ids)


def reflection_remind_all_open(*, now: datetime | None = None) -> int:
    """For cron: remind, for every open form, those who have not answered; returns the count."""
    now = now or timezone.now()
    total = 0
    candidates = Questionnaire.objects.filter(opens_at__lte=now, closes_at__gt=now).select_related(
        "school", "session", "meeting"
    )
    for questionnaire in candidates:
        total += reflection_remind(questionnaire=questionnaire, now=now)
    return total
