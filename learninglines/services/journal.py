"""Writes for a member's own things: learning-log entries and the personal calendar address.

Rules kept here:
- Only the author writes, changes or deletes an entry (views fetch it through the author);
  an entry says at least something.
- A calendar address is a secret: renewing it replaces the token, so the old address stops
  working at once.
"""

from __future__ import annotations

import secrets
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from learninglines.models import CalendarFeed, LogEntry, Member, SchoolYear

LOG_FIELDS = ("date", "tried", "effect", "to_bring", "sharing")


def _check_entry(entry: LogEntry, *, new_date: bool = True) -> None:
    """Something written, and (when the date is new or changed) a date that is not ahead and
    does not lie before the school's first school year: retention blanks an entry two school
    years after its own (docs/privacy.md), which an entry dated 1990 or 2062 by a slip would
    escape, and who in the line may read a shared entry is decided by its date."""
    if not (entry.tried or entry.effect or entry.to_bring or entry.note):
        raise ValidationError(_("Write at least one of the three parts."))
    if new_date and entry.date > timezone.localdate():
        raise ValidationError(
            {"date": _("This date lies ahead: write about what you did, today or earlier.")}
        )
    first = (
        SchoolYear.objects.filter(school_id=entry.author.school_id).order_by("start").first()
        if new_date
        else None
    )
    if first is not None and entry.date < first.start:
        raise ValidationError(
            {
                "date": _(
                    "This date lies before your school's first school year in this app "
                    "(%(start)s): choose a later day."
                )
                % {"start": formats.date_format(first.start, "j F Y")}
            }
        )
    entry.full_clean()


def log_entry_create(
    *,
    author: Member,
    date: date,
    tried: str = "",
    effect: str = "",
    to_bring: str = "",
    sharing: str = LogEntry.Sharing.PRIVATE,
) -> LogEntry:
    """A new entry in `author`'s log; private unless `sharing` says the line may read it."""
    entry = LogEntry(
        author=author,
        date=date,
        tried=tried.strip(),
        effect=effect.strip(),
        to_bring=to_bring.strip(),
        sharing=sharing,
    )
    _check_entry(entry)
    entry.save()
    return entry


def log_entry_update(*, entry: LogEntry, **fields) -> LogEntry:
    """Change an entry's date, texts or sharing."""
    unknown = set(fields) - set(LOG_FIELDS)
    if unknown:
        raise TypeError(f"Unknown log fields: {sorted(unknown)}")
    old_date = entry.date
    for name, value in fields.items():
        setattr(entry, name, value.strip() if isinstance(value, str) else value)
    _check_entry(entry, new_date=entry.date != old_date)
    entry.save()
    return entry


def log_entry_put_from_source(
    *, author: Member, source: str, date: date, note: str
) -> LogEntry | None:
    """Write `note` into `author`'s log as the one private entry of `source`; returns it.

    Other parts of the product (a reflection's private answers) copy text into the author's log
    this way: a second call with the same source replaces the text of the first, an empty note
    removes the entry. The entry is private; the author may share or change it afterwards like
    any other entry, but a later copy from the same source replaces its text again, and a text
    that changes makes it private again: what the author shared was the earlier text, and new
    private answers never reach their line without the author sharing them.
    """
    if not source:
        raise ValueError("A copied entry needs its source")
    note = note.strip()
    with transaction.atomic():
        entry = LogEntry.objects.select_for_update().filter(author=author, source=source).first()
        if not note:
            if entry is not None:
                entry.delete()
            return None
        if entry is None or entry.note != note:
            if entry is None:
                entry = LogEntry(author=author, source=source)
            entry.sharing = LogEntry.Sharing.PRIVATE
        entry.date = date
        entry.note = note
        _check_entry(entry, new_date=False)  # the source's own date, not one typed
        entry.save()
    return entry


def log_entry_delete(*, entry: LogEntry) -> None:
    """Remove an entry for good; nothing else refers to it (overviews only count entries)."""
    entry.delete()


def _new_token() -> str:
    # 256 bits, URL-safe: guessing one is hopeless, and the address stays short enough to copy.
    return secrets.token_urlsafe(32)


def calendar_feed_get_or_create(*, member: Member) -> CalendarFeed:
    """The member's calendar address, made on first use."""
    feed = CalendarFeed.objects.filter(member=member).first()
    if feed is not None:
        return feed
    with transaction.atomic():
        feed, _created = CalendarFeed.objects.get_or_create(
            member=member, defaults={"token": _new_token()}
        )
    return feed


def calendar_feed_renew(*, member: Member) -> CalendarFeed:
    """Give the member a new calendar address; the old one answers 404 from now on."""
    with transaction.atomic():
        feed, created = CalendarFeed.objects.select_for_update().get_or_create(
            member=member, defaults={"token": _new_token()}
        )
        if not created:
            feed.token = _new_token()
            feed.save(update_fields=["token"])
    return feed
