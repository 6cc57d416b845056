"""Exchange models, by concern: plenary sessions, program and attendance, table plans."""

from sessions_app.models.plans import ApartPair, PlanChange, PlanRound, PlanTable, Seat, TablePlan
from sessions_app.models.sessions import (
    Assignment,
    PlenarySession,
    ProgramTemplate,
    SessionAttendance,
    SessionClock,
)

__all__ = [
    "ApartPair",
    "Assignment",
    "PlanChange",
    "PlanRound",
    "PlanTable",
    "PlenarySession",
    "ProgramTemplate",
    "Seat",
    "SessionAttendance",
    "SessionClock",
    "TablePlan",
]
