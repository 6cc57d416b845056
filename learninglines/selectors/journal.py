"""Reads of the learning log, exactly as `permissions.log_entry_readable` allows.

A shared entry is readable by the members of the author's line at the entry's date; these
selectors express that rule in one query, so a list never shows an entry its reader could not
open, and never needs a query per entry.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from learninglines.models import LearningLine, LineMembership, LogEntry, Member
from learninglines.permissions import log_entry_readable


def log_entry_list_for_author(*, author: Member) -> QuerySet[LogEntry]:
    """The member's own entries, newest first."""
    return LogEntry.objects.filter(author=author).order_by("-date", "-created_at", "-pk")


def log_entry_list_shared_with(*, member: Member) -> QuerySet[LogEntry]:
    """Entries others shared with a line `member` was in on each entry's date, newest first.

    The author and the reader are in the same line on the entry's date: both conditions on the
    line's memberships sit in one `filter()` call, so they refer to one membership row each.
    The line's school year holds the date, as `current_line` asks: a membership left open after
    its year ended (the summer before the next year is opened) shares nothing, as the log's
    form tells its author ("for now nobody else can read it").
    """
    same_line_that_day = LineMembership.objects.filter(
        Q(member=OuterRef("author"), start__lte=OuterRef("date"))
        & (Q(end__isnull=True) | Q(end__gte=OuterRef("date")))
        & Q(line__year__start__lte=OuterRef("date"), line__year__end__gte=OuterRef("date"))
        & Q(line__memberships__member=member, line__memberships__start__lte=OuterRef("date"))
        & (Q(line__memberships__end__isnull=True) | Q(line__memberships__end__gte=OuterRef("date")))
    )
    return (
        LogEntry.objects.filter(
            sharing=LogEntry.Sharing.LINE,
            author__school_id=member.school_id,
        )
        .exclude(author=member)
        .filter(Exists(same_line_that_day))
        .select_related("author")
        .order_by("-date", "-created_at", "-pk")
    )


def log_entry_get_readable(*, member: Member, pk: int) -> LogEntry:
    """An entry `member` may read, or a 404: unreadable entries are never confirmed to exist."""
    entry = (
        LogEntry.objects.filter(author__school_id=member.school_id)
        .select_related("author")
        .filter(pk=pk)
        .first()
    )
    if entry is None or not log_entry_readable(member, entry):
        raise Http404("No such log entry")
    return entry


def log_entry_line(*, entry: LogEntry) -> LearningLine | None:
    """The author's line on the entry's date: who a shared entry is shared with."""
    membership = (
        LineMembership.objects.on(entry.date)
        .filter(member_id=entry.author_id)
        .select_related("line")
        .first()
    )
    return membership.line if membership else None
