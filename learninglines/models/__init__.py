"""The team's models, by concern: people and schools, lines, the log, sign-in, the outbox."""

from learninglines.models.imports import StaffImport
from learninglines.models.journal import CalendarFeed, LogEntry
from learninglines.models.lines import (
    LINE_LETTERS,
    Attendance,
    LearningLine,
    LineColour,
    LineMeeting,
    LineMembership,
    LineStep,
)
from learninglines.models.outbox import PERSONAL_LINK_PLACEHOLDER, OutgoingMail
from learninglines.models.people import (
    DIRECTION_CONTROLS,
    CoachAssignment,
    Erasure,
    Member,
    School,
    SchoolYear,
    User,
    UserManager,
    default_school_year_bounds,
    join_name,
)
from learninglines.models.signin import MagicLink, MagicLinkUse, SignInRequest

__all__ = [
    "DIRECTION_CONTROLS",
    "LINE_LETTERS",
    "PERSONAL_LINK_PLACEHOLDER",
    "Attendance",
    "CalendarFeed",
    "CoachAssignment",
    "Erasure",
    "LearningLine",
    "LineColour",
    "LineMeeting",
    "LineMembership",
    "LineStep",
    "LogEntry",
    "MagicLink",
    "MagicLinkUse",
    "Member",
    "OutgoingMail",
    "School",
    "SchoolYear",
    "SignInRequest",
    "StaffImport",
    "User",
    "UserManager",
    "default_school_year_bounds",
    "join_name",
]
