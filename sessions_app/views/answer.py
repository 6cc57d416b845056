"""Answering a reflection form on a phone: autosave while typing, submit, edit until it closes.

One page in one column. Without JavaScript it is a plain form with two buttons ("Save draft"
and "Submit"); with it, htmx posts the form to the autosave URL a moment after the teacher stops
typing and shows "Saved 14:02" in a live region. The autosave URL always answers with that small
status fragment, never with a redirect: a signed-out autosave gets a fragment asking to sign in
again in another tab, so the page (and the typed text) stays where it is.

The form carries the version of the questions it shows (`form_version`). When the steering
group changed them since, a save stores nothing: a button's save shows the page again with the
form as it is now, what still fits kept and a message; an autosave says so in its fragment.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from learninglines.models import LearningLine
from learninglines.permissions import school_view
from sessions_app.forms.reflections import answers_from_post
from sessions_app.models import Answer, Question, Questionnaire
from sessions_app.selectors.reflections import is_asked, reflection_of, took_from_choices
from sessions_app.services.reflections import (
    AnswerData,
    FormChanged,
    form_version,
    reflection_autosave,
    reflection_check,
    reflection_submit,
)

# Who reads the answer, in plain words, next to each question.
WHO_READS = {
    Question.Privacy.NAMED: gettext_lazy(
        "The steering group and the coach read this with your name."
    ),
    Question.Privacy.ANONYMOUS: gettext_lazy(
        "Read without your name, and only in groups of 3 or more."
    ),
    Question.Privacy.PRIVATE: gettext_lazy(
        "Only you read this; it is also put in your learning log."
    ),
}
AUTOSAVE_TEMPLATE = "sessions_app/reflections/_autosave_status.html"
# The hidden field with the version of the questions the page showed (see `form_version`).
VERSION_FIELD = "form_version"
# Kinds whose answer is text only: typed into a question reworded meanwhile, it is shown again.
TEXT_KINDS = (Question.Kind.OPEN, Question.Kind.BROUGHT_TOOK)


@dataclass
class Item:
    """One question on the answer page with what is filled in and its errors."""

    question: Question
    answer: AnswerData
    errors: list[str] = field(default_factory=list)
    changed: bool = False  # new or changed since the page the teacher saved from

    @property
    def key(self) -> str:
        return f"q{self.question.pk}"

    @property
    def field_id(self) -> str:
        """The id of the first input: where the error summary's link goes."""
        if self.question.kind == Question.Kind.SCALE:
            return f"{self.key}-1"
        if self.question.has_choices:
            return f"{self.key}-0"
        return self.key

    @property
    def who_reads(self) -> str:
        return str(WHO_READS.get(self.question.privacy, ""))

    @property
    def scale(self) -> list[tuple[int, bool]]:
        return [(value, self.answer.value == value) for value in range(1, 6)]

    @property
    def choices(self) -> list[tuple[int, str, bool]]:
        return [
            (index, label, index in self.answer.selected)
            for index, label in enumerate(self.question.choices)
        ]

    @property
    def chosen(self) -> list[str]:
        return [label for _index, label, picked in self.choices if picked]


def _questionnaire_get(request: HttpRequest, pk: int) -> Questionnaire:
    """One questionnaire of this school (another school's is a 404)."""
    questionnaire = (
        Questionnaire.objects.filter(school=request.school, pk=pk)
        .select_related("school", "year", "session", "meeting__line")
        .first()
    )
    if questionnaire is None:
        raise Http404("No such reflection form")
    return questionnaire


def _questions(questionnaire: Questionnaire) -> list[Question]:
    return list(questionnaire.questions.order_by("position", "pk"))


def _stored(answer: Answer) -> AnswerData:
    return AnswerData(
        text=answer.text,
        took=answer.took,
        took_from=answer.took_from_id,
        value=answer.value,
        selected=tuple(answer.selected),
    )


def _when(moment) -> str:
    """'maandag 7 december, 15:41' in local time; empty without a moment (never "now")."""
    if moment is None:
        return ""
    return dateformat.format(timezone.localtime(moment), "l j F, H:i")


def _answer_url(questionnaire: Questionnaire) -> str:
    return reverse(
        "sessions_app:reflection-answer",
        kwargs={"school_slug": questionnaire.school.slug, "pk": questionnaire.pk},
    )


def _page(
    request: HttpRequest,
    questionnaire: Questionnaire,
    questions: list[Question],
    *,
    asked: bool,
    posted: dict[int, AnswerData] | None = None,
    errors: dict[str, list[str]] | None = None,
    changed: frozenset[int] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The answer page. With `changed` (the form changed under the teacher's save): `posted`
    holds what is kept of the save, the stored answers fill in the rest."""
    member = request.access.member
    reflection = None
    items: list[Item] = []
    lines: list[LearningLine] = []
    if asked:
        reflection = reflection_of(questionnaire=questionnaire, member=member)
        stored = (
            {answer.question_id: _stored(answer) for answer in reflection.answers.all()}
            if reflection
            else {}
        )
        answers = posted if posted is not None else stored
        if changed is not None:
            answers = {**stored, **(posted or {})}
        errors = errors or {}
        items = [
            Item(
                question=question,
                answer=answers.get(question.pk, AnswerData()),
                errors=errors.get(f"q{question.pk}", []),
                changed=changed is not None and question.pk in changed,
            )
            for question in questions
        ]
        if any(q.kind == Question.Kind.BROUGHT_TOOK for q in questions):
            lines = took_from_choices(
                questionnaire=questionnaire,
                member=member,
                chosen={item.answer.took_from for item in items if item.answer.took_from},
            )
    state = questionnaire.state()
    context = {
        "questionnaire": questionnaire,
        "state": state,
        "is_open": state == Questionnaire.State.OPEN,
        "is_closed": state == Questionnaire.State.CLOSED,
        "asked": asked,
        "is_coach_only": member is None,
        "reflection": reflection,
        "items": items,
        "invalid": [item for item in items if item.errors],
        "form_changed": changed is not None,
        "form_version": form_version(questions),
        "lines": lines,
        "autosave_url": reverse(
            "sessions_app:reflection-autosave",
            kwargs={"school_slug": request.school.slug, "pk": questionnaire.pk},
        ),
    }
    response = render(request, "sessions_app/reflections/answer.html", context, status=status)
    patch_cache_control(response, private=True, no_store=True)
    return response


@require_http_methods(["GET", "POST"])
@school_view("view_school")
def answer_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The member's answer page: fill in, save a draft, submit, change until the form closes.

    A coach (never a member) and a member who is not asked (absent, in no line) read why
    instead of a form.
    """
    questionnaire = _questionnaire_get(request, pk)
    member = request.access.member
    asked = is_asked(questionnaire=questionnaire, member=member)
    questions = _questions(questionnaire)
    if request.method == "GET":
        errors = None
        if asked and request.GET.get("check"):
            # after a refused submit of a draft: the stored draft, with what submitting refuses
            reflection = reflection_of(questionnaire=questionnaire, member=member)
            if reflection is not None and not reflection.is_submitted:
                stored = {a.question_id: _stored(a) for a in reflection.answers.all()}
                errors = reflection_check(questionnaire=questionnaire, answers=stored)
        return _page(request, questionnaire, questions, asked=asked, errors=errors)
    here = _answer_url(questionnaire)
    if not asked:
        messages.error(request, _("You are not asked to fill in this reflection form."))
        return redirect(here)
    answers = answers_from_post(questions, request.POST)
    version = request.POST.get(VERSION_FIELD)  # None from a page made before it existed
    action = request.POST.get("action", "")
    if action == "save":
        try:
            _reflection, saved = reflection_autosave(
                questionnaire=questionnaire, member=member, answers=answers, version=version
            )
        except FormChanged as error:
            return _changed_page(request, questionnaire, answers, error)
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                messages.error(request, " ".join(error.messages))
                return redirect(here)
            return _page(
                request,
                questionnaire,
                questions,
                asked=True,
                posted=answers,
                errors=error.message_dict,
            )
        if saved:
            messages.success(request, _("Draft saved"))
        else:
            messages.warning(
                request,
                _("You already submitted: use Save changes to change your answers."),
            )
        return redirect(here)
    if action != "submit":
        raise Http404("No such action")
    try:
        reflection_submit(
            questionnaire=questionnaire, member=member, answers=answers, version=version
        )
    except FormChanged as error:
        return _changed_page(request, questionnaire, answers, error)
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            messages.error(request, " ".join(error.messages))
            return redirect(here)
        try:
            kept = _kept_as_draft(questionnaire, member, answers, version)
        except FormChanged as changed:  # between the submit and this save
            return _changed_page(request, questionnaire, answers, changed)
        if kept:
            # Post/Redirect/Get: a reload of the page then never sends these answers again
            # over what autosave stored since
            return redirect(f"{here}?check=1#error-summary")
        return _page(
            request,
            questionnaire,
            questions,
            asked=True,
            posted=answers,
            errors=error.message_dict,
        )
    closes = _when(questionnaire.closes_at)
    if closes:
        thanks = _("Thank you: your answers are in. You can change them until %(closes)s.") % {
            "closes": closes
        }
    else:
        thanks = _("Thank you: your answers are in. You can change them until the form closes.")
    messages.success(request, thanks)
    return redirect(here)


def _kept_as_draft(
    questionnaire: Questionnaire, member, answers: dict[int, AnswerData], version: str | None
) -> bool:
    """Store refused answers as the draft, unless they were submitted before (changing them
    then keeps the submitted ones until a submit succeeds) or a value itself is refused.
    `FormChanged` goes up: the page must then show the changed form."""
    reflection = reflection_of(questionnaire=questionnaire, member=member)
    if reflection is not None and reflection.is_submitted:
        return False
    try:
        reflection_autosave(
            questionnaire=questionnaire, member=member, answers=answers, version=version
        )
    except FormChanged:
        raise
    except ValidationError:
        return False
    return True


def _changed_page(
    request: HttpRequest,
    questionnaire: Questionnaire,
    answers: dict[int, AnswerData],
    error: FormChanged,
) -> HttpResponse:
    """The page again, with the form as it is now, after a save from a page whose questions
    changed since (nothing was stored). What the teacher sent is kept where it still fits: all
    of it for a question that did not change; for a reworded text question (same type) the
    text, marked to check; for any other changed question nothing (its stored answer shows).
    """
    questions = _questions(questionnaire)  # read again: the ones the save was checked against

    def fits(question: Question) -> bool:
        if question.pk not in error.changed:
            return True
        return question.kind in TEXT_KINDS and error.kinds.get(question.pk) == question.kind

    kept = {q.pk: answers[q.pk] for q in questions if q.pk in answers and fits(q)}
    return _page(
        request,
        questionnaire,
        questions,
        asked=True,
        posted=kept,
        changed=error.changed,
    )


# --- autosave: a status fragment, never a redirect ---


def _status(request: HttpRequest, state: str, **context) -> HttpResponse:
    response = render(request, AUTOSAVE_TEMPLATE, {"state": state, **context})
    patch_cache_control(response, private=True, no_store=True)
    return response


@require_POST
@school_view("view_school")
def _autosave(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire = _questionnaire_get(request, pk)
    member = request.access.member
    if member is None:
        return _status(
            request,
            "error",
            message=_("You are not asked to fill in this reflection form."),
        )
    if questionnaire.state() == Questionnaire.State.CLOSED:
        return _status(request, "closed")
    answers = answers_from_post(_questions(questionnaire), request.POST)
    try:
        reflection, saved = reflection_autosave(
            questionnaire=questionnaire,
            member=member,
            answers=answers,
            version=request.POST.get(VERSION_FIELD),
        )
    except FormChanged:
        # Nothing stored; the fragment cannot redraw the form: a button's save shows it again.
        return _status(request, "form_changed")
    except ValidationError as error:
        return _status(request, "error", message=" ".join(error.messages))
    if not saved:
        return _status(request, "submitted", reflection=reflection)
    return _status(request, "saved", saved_at=reflection.updated_at)


@login_not_required
@require_POST
def autosave_view(request: HttpRequest, school_slug: str, pk: int) -> HttpResponse:
    """Keep a draft while the member types (htmx); answers with the status fragment.

    Marked `login_not_required` so that an expired sign-in does not get the middleware's
    HX-Redirect (which would navigate away and lose the typed text): it gets a fragment with a
    sign-in link that opens in a new tab instead. Everyone signed in goes through
    `school_view("view_school")` as every other view of the school.
    """
    if not request.user.is_authenticated:
        answer_path = reverse(
            "sessions_app:reflection-answer", kwargs={"school_slug": school_slug, "pk": pk}
        )
        login_url = f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': answer_path})}"
        return _status(request, "signed_out", login_url=login_url)
    return _autosave(request, school_slug=school_slug, pk=pk)


# The URLconf's permission walk reads this, as on every view of the school.
autosave_view.school_permission = _autosave.school_permission
