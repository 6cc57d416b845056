"""Exchange models, by concern: plenary sessions, program and attendance, table plans."""

from sessions_app.models.exchanges import (
    MAX_INVITEES,
    MAX_MOMENTS,
    Ambition,
    ExchangeMoment,
    ExchangeParticipant,
    PeerExchange,
)
from sessions_app.models.plans import ApartPair, PlanChange, PlanRound, PlanTable, Seat, TablePlan
from sessions_app.models.reflections import (
    ANONYMOUS_THRESHOLD,
    SCALE,
    Answer,
    Question,
    Questionnaire,
    QuestionnaireTemplate,
    Reflection,
    ReflectionReminder,
)
from sessions_app.models.sessions import (
    Assignment,
    PlenarySession,
    ProgramTemplate,
    SessionAttendance,
    SessionClock,
)

__all__ = [
    "ANONYMOUS_THRESHOLD",
    "MAX_INVITEES",
    "MAX_MOMENTS",
    "SCALE",
    "Ambition",
    "Answer",
    "ApartPair",
    "Assignment",
    "ExchangeMoment",
    "ExchangeParticipant",
    "PeerExchange",
    "PlanChange",
    "PlanRound",
    "PlanTable",
    "PlenarySession",
    "ProgramTemplate",
    "Question",
    "Questionnaire",
    "QuestionnaireTemplate",
    "Reflection",
    "ReflectionReminder",
    "Seat",
    "SessionAttendance",
    "SessionClock",
    "TablePlan",
]
