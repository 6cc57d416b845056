"""The team's models, by concern: people and schools, sign-in, the mail outbox."""

from learninglines.models.outbox import PERSONAL_LINK_PLACEHOLDER, OutgoingMail
from learninglines.models.people import (
    CoachAssignment,
    Member,
    School,
    SchoolYear,
    User,
    UserManager,
    default_school_year_bounds,
)
from learninglines.models.signin import MagicLink, SignInRequest

__all__ = [
    "PERSONAL_LINK_PLACEHOLDER",
    "CoachAssignment",
    "MagicLink",
    "Member",
    "OutgoingMail",
    "School",
    "SchoolYear",
    "SignInRequest",
    "User",
    "UserManager",
    "default_school_year_bounds",
]
