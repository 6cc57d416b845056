"""Reflection forms for the steering group and the coach: build, open, close, print, remind.

The builder is a page of plain forms (no drag and drop): every change is a POST that calls a
service and comes back to the builder with a message. Who has not answered yet is for the
steering group only (`view_participation`); nobody reads an answer's content here.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from learninglines.models import Attendance, LearningLine, LineMeeting, LineMembership
from learninglines.permissions import has_permission, school_view
from learninglines.selectors.lines import year_chosen, year_list
from sessions_app.forms.reflection_builder import (
    QuestionForm,
    QuestionnaireSettingsForm,
    add_service_error,
    who_reads,
)
from sessions_app.models import (
    Answer,
    Question,
    Questionnaire,
    SessionAttendance,
)
from sessions_app.selectors.figures import whole_percent
from sessions_app.selectors.reflections import questionnaire_participation
from sessions_app.selectors.sessions import session_get
from sessions_app.services.reflections import (
    question_create,
    question_delete,
    question_move,
    question_update,
    questionnaire_check_not_closed,
    questionnaire_close,
    questionnaire_create_for_meeting,
    questionnaire_create_for_session,
    questionnaire_open,
    questionnaire_save_template,
    questionnaire_update,
    reflection_remind,
)

# --- fetching through the school ---


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


def _question_get(questionnaire: Questionnaire, pk: int) -> Question:
    question = Question.objects.filter(questionnaire=questionnaire, pk=pk).first()
    if question is None:
        raise Http404("No such question")
    question.questionnaire = questionnaire
    return question


def _detail_url(questionnaire: Questionnaire, anchor: str = "") -> str:
    url = reverse(
        "sessions_app:reflection-detail",
        kwargs={"school_slug": questionnaire.school.slug, "pk": questionnaire.pk},
    )
    return f"{url}#{anchor}" if anchor else url


def _error(request: HttpRequest, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


def _refused_when_closed(request: HttpRequest, questionnaire: Questionnaire) -> HttpResponse | None:
    """Back to the builder with the reason when the form has closed (its pages of changes are
    not shown then, as the builder hides their buttons); None while it can still change."""
    try:
        questionnaire_check_not_closed(questionnaire)
    except ValidationError as error:
        _error(request, error)
        return redirect(_detail_url(questionnaire))
    return None


# --- a session's form, and the list of the year's forms ---


@require_http_methods(["GET", "POST"])
@school_view("plan_school")
def session_reflection_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The session's reflection form; sessions planned before forms existed can make one."""
    session = session_get(school=request.school, pk=pk)
    questionnaire = Questionnaire.objects.filter(session=session).select_related("school").first()
    if questionnaire is not None:
        return redirect(_detail_url(questionnaire))
    if request.method == "POST":
        try:
            questionnaire = questionnaire_create_for_session(session=session, by=request.user)
        except ValidationError as error:
            _error(request, error)
            return redirect(request.path)
        messages.success(
            request, _("The reflection form is made with the guiding questions. Adjust them here.")
        )
        return redirect(_detail_url(questionnaire))
    return render(
        request, "sessions_app/reflections/questionnaire_start.html", {"session": session}
    )


@dataclass(frozen=True)
class ListRow:
    questionnaire: Questionnaire
    state: str
    asked: int
    submitted: int

    @property
    def rate(self) -> int | None:
        return whole_percent(self.submitted, self.asked)


def _asked_counts(questionnaires: list[Questionnaire], year) -> dict[int, int]:
    """How many people each form asks, in three queries whatever the number of forms.

    The same rule as `questionnaire_asked`: active members in a (not archived) line on the day
    (any line of the year for a session, the meeting's line for a meeting), not marked absent.
    """
    memberships = list(
        LineMembership.objects.filter(
            line__year=year,
            line__school_id=year.school_id,
            line__archived_at__isnull=True,
            member__is_active=True,
        ).values_list("member_id", "line_id", "start", "end")
    )
    sessions = [q.session_id for q in questionnaires if q.session_id]
    meetings = [q.meeting_id for q in questionnaires if q.meeting_id]
    absent: dict[tuple[str, int], set[int]] = defaultdict(set)
    if sessions:
        for session_id, member_id in SessionAttendance.objects.filter(
            session_id__in=sessions, absent=True
        ).values_list("session_id", "member_id"):
            absent[("s", session_id)].add(member_id)
    if meetings:
        for meeting_id, member_id in (
            Attendance.objects.filter(meeting_id__in=meetings)
            .exclude(status=Attendance.Status.PRESENT)
            .values_list("meeting_id", "member_id")
        ):
            absent[("m", meeting_id)].add(member_id)
    counts = {}
    for questionnaire in questionnaires:
        day = questionnaire.day
        if questionnaire.session_id:
            key, line = ("s", questionnaire.session_id), None
        else:
            key, line = ("m", questionnaire.meeting_id), questionnaire.meeting.line_id
        away = absent[key]
        counts[questionnaire.pk] = len(
            {
                member
                for member, line_id, start, end in memberships
                if start <= day
                and (end is None or end >= day)
                and (line is None or line_id == line)
                and member not in away
            }
        )
    return counts


@require_GET
@school_view("plan_school")
def questionnaire_list_view(request: HttpRequest) -> HttpResponse:
    """The year's reflection forms (sessions' and line meetings'), their state and response."""
    year = year_chosen(school=request.school, year_pk=request.GET.get("year"))
    rows: list[ListRow] = []
    meetings: list[LineMeeting] = []
    if year is not None:
        questionnaires = list(
            Questionnaire.objects.filter(school=request.school, year=year)
            .select_related("school", "session", "meeting__line")
            .annotate(
                submitted=Count("reflections", filter=Q(reflections__submitted_at__isnull=False))
            )
        )
        questionnaires.sort(key=lambda q: (q.day, q.pk), reverse=True)
        asked = _asked_counts(questionnaires, year)
        now = timezone.now()
        rows = [ListRow(q, q.state(now), asked[q.pk], q.submitted) for q in questionnaires]
        meetings = list(
            LineMeeting.objects.filter(
                line__school=request.school, line__year=year, line__archived_at__isnull=True
            )
            .exclude(pk__in=[q.meeting_id for q in questionnaires if q.meeting_id])
            .select_related("line")
            .order_by("date", "start_time", "pk")
        )
    return render(
        request,
        "sessions_app/reflections/questionnaire_list.html",
        {
            "year": year,
            "years": year_list(school=request.school),
            "rows": rows,
            "meetings": meetings,
            "can_create": year is not None and year.end >= timezone.localdate(),
        },
    )


@require_POST
@school_view("plan_school")
def meeting_reflection_create_view(request: HttpRequest, meeting_pk: int) -> HttpResponse:
    meeting = (
        LineMeeting.objects.filter(line__school=request.school, pk=meeting_pk)
        .select_related("line__school", "line__year")
        .first()
    )
    if meeting is None:
        raise Http404("No such meeting")
    try:
        questionnaire = questionnaire_create_for_meeting(meeting=meeting, by=request.user)
    except ValidationError as error:
        _error(request, error)
        return redirect("sessions_app:reflection-list", school_slug=request.school.slug)
    messages.success(
        request, _("The reflection form is made with the guiding questions. Adjust them here.")
    )
    return redirect(_detail_url(questionnaire))


# --- the builder ---


@dataclass(frozen=True)
class QuestionRow:
    question: Question
    who_reads: str
    answered: bool


@require_GET
@school_view("plan_school")
def questionnaire_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The builder: the questions in order, who reads each answer, open, close, print."""
    questionnaire = _questionnaire_get(request, pk)
    questions = list(questionnaire.questions.order_by("position", "pk"))
    answered = set(
        Answer.objects.filter(question__questionnaire=questionnaire)
        .values_list("question_id", flat=True)
        .distinct()
    )
    state = questionnaire.state()
    return render(
        request,
        "sessions_app/reflections/builder_detail.html",
        {
            "questionnaire": questionnaire,
            "state": state,
            "editable": state != Questionnaire.State.CLOSED,
            "rows": [QuestionRow(q, who_reads(q.privacy), q.pk in answered) for q in questions],
            "may_see_participation": has_permission(
                request.user, "view_participation", request.school
            ),
            "States": Questionnaire.State,
        },
    )


@require_http_methods(["GET", "POST"])
@school_view("plan_school")
def questionnaire_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire = _questionnaire_get(request, pk)
    if refused := _refused_when_closed(request, questionnaire):
        return refused
    form = QuestionnaireSettingsForm(
        request.POST or None,
        initial=QuestionnaireSettingsForm.initial_of(questionnaire),
        for_session=bool(questionnaire.session_id),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            questionnaire_update(
                questionnaire=questionnaire,
                title=data["title"],
                intro=data["intro"],
                opens_at=data["opens_at"],
                closes_at=data["closes_at"],
                open_at_reflection=data.get("open_at_reflection", False),
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The settings of the reflection form are saved."))
            return redirect(_detail_url(questionnaire))
    return render(
        request,
        "sessions_app/reflections/questionnaire_form.html",
        {"questionnaire": questionnaire, "form": form},
    )


@require_POST
@school_view("plan_school")
def questionnaire_open_view(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire = _questionnaire_get(request, pk)
    try:
        questionnaire = questionnaire_open(questionnaire=questionnaire)
    except ValidationError as error:
        _error(request, error)
    else:
        # as the form's page writes it: "maandag 14 december 2026, 15:00" (never 14-12-2026)
        closes = date_format(timezone.localtime(questionnaire.closes_at), "l j F Y, H:i")
        messages.success(request, _("The form is open until %(closes)s.") % {"closes": closes})
    return redirect(_detail_url(questionnaire))


@require_POST
@school_view("plan_school")
def questionnaire_close_view(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire = _questionnaire_get(request, pk)
    try:
        questionnaire_close(questionnaire=questionnaire)
    except ValidationError as error:
        _error(request, error)
    else:
        messages.success(request, _("The form is closed: answers can no longer change."))
    return redirect(_detail_url(questionnaire))


@require_POST
@school_view("plan_school")
def questionnaire_template_view(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire = _questionnaire_get(request, pk)
    try:
        questionnaire_save_template(questionnaire=questionnaire, by=request.user)
    except ValidationError as error:
        _error(request, error)
    else:
        messages.success(
            request, _("These questions are now the start of the school's next reflection forms.")
        )
    return redirect(_detail_url(questionnaire))


@require_GET
@school_view("view_school")
def questionnaire_print_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The blank form on A4, for anyone without a phone in the room."""
    questionnaire = _questionnaire_get(request, pk)
    questions = list(questionnaire.questions.order_by("position", "pk"))
    lines = list(
        LearningLine.objects.filter(year=questionnaire.year, archived_at__isnull=True).order_by(
            "letter", "pk"
        )
    )
    return render(
        request,
        "sessions_app/reflections/print.html",
        {
            "questionnaire": questionnaire,
            "rows": [QuestionRow(q, who_reads(q.privacy), False) for q in questions],
            "lines": lines,
            "scale": range(1, 6),
            "writing_lines": range(5),
            "back_url": (
                _detail_url(questionnaire)
                if has_permission(request.user, "plan_school", request.school)
                else request.school.get_absolute_url()
            ),
        },
    )


# --- participation and reminders (steering group only) ---


@require_GET
@school_view("view_participation")
def participation_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Who has not submitted yet, by name: participation, never an answer's content."""
    questionnaire = _questionnaire_get(request, pk)
    participation = questionnaire_participation(questionnaire=questionnaire)
    waiting = participation.waiting
    statuses = Counter(row.status for row in waiting)
    return render(
        request,
        "sessions_app/reflections/participation.html",
        {
            "questionnaire": questionnaire,
            "participation": participation,
            "waiting": waiting,
            "drafts": statuses["draft"],
            "is_open": questionnaire.is_open(),
        },
    )


@require_POST
@school_view("view_participation")
def remind_view(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire = _questionnaire_get(request, pk)
    try:
        count = reflection_remind(questionnaire=questionnaire, by=request.user)
    except ValidationError as error:
        _error(request, error)
    else:
        if count or not questionnaire_participation(questionnaire=questionnaire).waiting:
            messages.success(
                request,
                ngettext("%(count)s reminder queued.", "%(count)s reminders queued.", count)
                % {"count": count},
            )
        else:
            # Everyone waiting was reminded less than a day ago: say so, not "0 reminders".
            messages.info(
                request,
                _(
                    "Everyone who has not submitted got a reminder less than a day ago. "
                    "Nobody gets two within a day: try again tomorrow."
                ),
            )
    return redirect(
        "sessions_app:reflection-participation",
        school_slug=request.school.slug,
        pk=questionnaire.pk,
    )


# --- questions ---


def _question_page(request, *, questionnaire, form, question=None, answered=False):
    return render(
        request,
        "sessions_app/reflections/question_form.html",
        {
            "questionnaire": questionnaire,
            "form": form,
            "question": question,
            "answered": answered,
        },
    )


@require_http_methods(["GET", "POST"])
@school_view("plan_school")
def question_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire = _questionnaire_get(request, pk)
    if refused := _refused_when_closed(request, questionnaire):
        return refused
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            question = question_create(questionnaire=questionnaire, data=form.data_object())
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The question is added at the end."))
            return redirect(_detail_url(questionnaire, f"question-{question.pk}"))
    return _question_page(request, questionnaire=questionnaire, form=form)


@require_http_methods(["GET", "POST"])
@school_view("plan_school")
def question_update_view(request: HttpRequest, pk: int, question_pk: int) -> HttpResponse:
    questionnaire = _questionnaire_get(request, pk)
    question = _question_get(questionnaire, question_pk)
    if refused := _refused_when_closed(request, questionnaire):
        return refused
    answered = question.answers.exists()
    form = QuestionForm(request.POST or None, initial=QuestionForm.initial_of(question))
    if request.method == "POST" and form.is_valid():
        try:
            question_update(question=question, data=form.data_object())
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The question is saved."))
            return redirect(_detail_url(questionnaire, f"question-{question.pk}"))
    return _question_page(
        request, questionnaire=questionnaire, form=form, question=question, answered=answered
    )


@require_POST
@school_view("plan_school")
def question_delete_view(request: HttpRequest, pk: int, question_pk: int) -> HttpResponse:
    questionnaire = _questionnaire_get(request, pk)
    question = _question_get(questionnaire, question_pk)
    try:
        question_delete(question=question)
    except ValidationError as error:
        _error(request, error)
    else:
        messages.success(request, _("“%(text)s” is removed.") % {"text": question.text})
    return redirect(_detail_url(questionnaire, "questions"))


@require_POST
@school_view("plan_school")
def question_move_view(request: HttpRequest, pk: int, question_pk: int) -> HttpResponse:
    """Up or down one place: buttons, so reordering works with the keyboard alone."""
    questionnaire = _questionnaire_get(request, pk)
    question = _question_get(questionnaire, question_pk)
    try:
        question_move(question=question, direction=request.POST.get("direction", ""))
    except ValidationError as error:
        _error(request, error)
    return redirect(_detail_url(questionnaire, f"question-{question.pk}"))
