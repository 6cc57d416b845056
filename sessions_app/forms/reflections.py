"""Reading a reflection form's answers from a POST, by the field names the answer page uses.

For question pk N: `qN` holds the text (open), the value 1-5 (scale), the chosen index (single)
or several indexes (multiple), or what I brought (brought / took); `qN_took` what I took and
`qN_from` the pk of the line it came from. Anything unreadable is left empty here; the service
checks the rest.
"""

from __future__ import annotations

from django.http import QueryDict

from sessions_app.models import Question
from sessions_app.services.reflections import AnswerData


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def answers_from_post(questions: list[Question], data: QueryDict) -> dict[int, AnswerData]:
    """{question pk: AnswerData} from the answer page's fields."""
    answers = {}
    for question in questions:
        key = f"q{question.pk}"
        if question.kind == Question.Kind.SCALE:
            answers[question.pk] = AnswerData(value=_int(data.get(key)))
        elif question.has_choices:
            picked = [_int(value) for value in data.getlist(key)]
            answers[question.pk] = AnswerData(
                selected=tuple(value for value in picked if value is not None)
            )
        elif question.kind == Question.Kind.BROUGHT_TOOK:
            answers[question.pk] = AnswerData(
                text=data.get(key, ""),
                took=data.get(f"{key}_took", ""),
                took_from=_int(data.get(f"{key}_from")),
            )
        else:
            answers[question.pk] = AnswerData(text=data.get(key, ""))
    return answers
