"""The exchange app's part of a person's data: export, erasure and retention.

Registered with the learning lines' privacy registry (in `SessionsAppConfig.ready`), which
never imports this app. The rules are those of `learninglines.services.privacy`: the person's
own export holds everything (a pair kept apart without the other person's name); the steering
group's holds seats, session attendance and named answers only. Erasure deletes private
answers, ambitions, exchange notes, reminders, apart pairs and who made this school's
table-plan changes, and keeps seats, attendance and named and anonymous answers (tied to the
anonymised member) so the team's history and counts stay true. Retention blanks old texts,
keeps counts.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from learninglines.models import Member, SchoolYear
from learninglines.privacy import PersonalDataSource, export_value
from sessions_app.models import (
    Ambition,
    Answer,
    ApartPair,
    ExchangeParticipant,
    PlanChange,
    Question,
    ReflectionReminder,
    Seat,
    SessionAttendance,
)


def _answer_text(answer: Answer) -> str:
    question = answer.question
    if question.kind == Question.Kind.SCALE:
        return str(answer.value or "")
    if question.has_choices:
        return ", ".join(
            question.choices[i] for i in answer.selected if 0 <= i < len(question.choices)
        )
    if question.kind == Question.Kind.BROUGHT_TOOK:
        took = answer.took + (f" ({answer.took_from.name})" if answer.took_from else "")
        return "\n".join(part for part in (answer.text, took) if part)
    return answer.text


def export(member: Member, *, own: bool) -> dict[str, list[dict]]:
    sections = {
        _("Plenary sessions: seats"): [
            {
                _("date"): export_value(seat.round.plan.session.date),
                _("session"): seat.round.plan.session.title,
                _("round"): seat.round.number,
                _("table"): seat.table.number,
                _("line"): seat.line.name,
            }
            for seat in Seat.objects.filter(member=member)
            .select_related("round__plan__session", "table", "line")
            .order_by("round__plan__session__date", "round__number")
        ],
        _("Plenary sessions: attendance"): [
            {
                _("session"): row.session.title,
                _("date"): export_value(row.session.date),
                _("absent"): export_value(row.absent),
                _("from round"): row.first_round or "",
                _("until round"): row.last_round or "",
            }
            for row in SessionAttendance.objects.filter(member=member).select_related("session")
        ],
    }
    answers = Answer.objects.filter(reflection__member=member).select_related(
        "question", "reflection__questionnaire", "took_from"
    )
    if not own:
        # what the steering group may read anyway: named answers once submitted (a draft is
        # the member's own until they send it)
        answers = answers.filter(
            question__privacy=Question.Privacy.NAMED, reflection__submitted_at__isnull=False
        )
    sections[_("Reflection answers")] = [
        {
            _("reflection form"): answer.reflection.questionnaire.title,
            _("question"): answer.question.text,
            _("who reads the answer"): answer.question.get_privacy_display(),
            _("answer"): _answer_text(answer),
            _("submitted"): export_value(answer.reflection.submitted_at),
        }
        for answer in answers.order_by("reflection__created_at", "question__position")
    ]
    if own:
        sections[_("Ambitions")] = [
            {
                _("written at"): export_value(a.created_at),
                _("ambition"): a.text,
                _("who may read it"): a.get_sharing_display(),
            }
            for a in Ambition.objects.filter(member=member).order_by("created_at")
        ]
        sections[_("Small exchanges")] = [
            {
                _("topic"): p.exchange.topic,
                _("status"): p.exchange.get_status_display(),
                _("moment"): export_value(p.exchange.starts_at),
                _("answer"): p.get_response_display(),
                _("what I brought"): p.brought,
                _("what I took"): p.took,
                _("taken from line"): p.took_from.name if p.took_from else "",
                _("who may read my notes"): p.get_sharing_display(),
            }
            for p in ExchangeParticipant.objects.filter(member=member)
            .select_related("exchange", "took_from")
            .order_by("exchange__created_at")
        ]
        # That a pair kept apart exists, and since when; not who the other one is: the rule
        # concerns them too, and may come from a concern about them (docs/privacy.md).
        sections[_("Never at one table")] = [
            {
                _("since"): export_value(pair.created_at),
                _("with"): _("a colleague, not named here: the rule concerns them too"),
            }
            for pair in ApartPair.objects.filter(Q(first=member) | Q(second=member)).order_by(
                "created_at", "pk"
            )
        ]
        sections[_("Reflection reminders")] = [
            {
                _("reflection form"): reminder.questionnaire.title,
                _("queued at"): export_value(reminder.sent_at),
            }
            for reminder in ReflectionReminder.objects.filter(member=member)
            .select_related("questionnaire")
            .order_by("sent_at")
        ]
    return sections


def erase(member: Member) -> dict[str, int]:
    private = Answer.objects.filter(
        reflection__member=member, question__privacy=Question.Privacy.PRIVATE
    )
    return {
        "private answers": private.delete()[0],
        "ambitions": Ambition.objects.filter(member=member).delete()[0],
        "exchange notes": ExchangeParticipant.objects.filter(member=member).update(
            brought="",
            took="",
            sharing=ExchangeParticipant.Sharing.PRIVATE,
            noted_at=None,
        ),
        "reminders": ReflectionReminder.objects.filter(member=member).delete()[0],
        "apart pairs": ApartPair.objects.filter(Q(first=member) | Q(second=member)).delete()[0],
        # a plan's history names who changed it by their account, which may stay in use at
        # another school under their name
        "plan changes": PlanChange.objects.filter(
            plan__session__school=member.school_id, by=member.user_id
        ).update(by=None),
    }


def retain(year: SchoolYear, *, dry_run: bool) -> dict[str, int]:
    answers = Answer.objects.filter(reflection__questionnaire__year=year).exclude(text="", took="")
    notes = ExchangeParticipant.objects.filter(exchange__year=year).exclude(brought="", took="")
    ambitions = Ambition.objects.filter(year=year).exclude(text="")
    counts = {
        "answers": answers.count(),
        "exchange notes": notes.count(),
        "ambitions": ambitions.count(),
    }
    if not dry_run:
        answers.update(text="", took="")
        notes.update(brought="", took="")
        ambitions.update(text="")
    return counts


SOURCE = PersonalDataSource(name="sessions_app", export=export, erase=erase, retain=retain)
