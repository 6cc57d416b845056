"""A teacher's own pages: the learning log and the personal calendar address (and its feed)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms.models import model_to_dict
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from learninglines.calendar import calendar_build, extra_events
from learninglines.forms.journal import LogEntryForm
from learninglines.models import CalendarFeed, LineMembership, LogEntry, Member
from learninglines.permissions import current_line, school_view
from learninglines.selectors.journal import (
    log_entry_get_readable,
    log_entry_line,
    log_entry_list_for_author,
    log_entry_list_shared_with,
)
from learninglines.selectors.meetings import feed_since, meeting_list_for_feed
from learninglines.services.journal import (
    LOG_FIELDS,
    calendar_feed_get_or_create,
    calendar_feed_renew,
    log_entry_create,
    log_entry_delete,
    log_entry_update,
)

ENTRIES_PER_PAGE = 20


def _log_url(request: HttpRequest) -> str:
    return reverse("learninglines:log-list", kwargs={"school_slug": request.school.slug})


def _form(request: HttpRequest, member: Member, day: date, **kwargs) -> LogEntryForm:
    """The log form, its sharing choice naming the author's line and its size on `day`."""
    line = current_line(member, day)
    colleagues = 0
    if line is not None:
        colleagues = LineMembership.objects.on(day).filter(line=line).exclude(member=member).count()
    return LogEntryForm(request.POST or None, line=line, colleagues=colleagues, **kwargs)


@school_view("keep_log")
def log_list_view(request: HttpRequest) -> HttpResponse:
    """My entries, and below them what colleagues of my line shared with me."""
    member = request.access.member
    mine = Paginator(log_entry_list_for_author(author=member), ENTRIES_PER_PAGE)
    shared = Paginator(log_entry_list_shared_with(member=member), ENTRIES_PER_PAGE)
    shared_page = shared.get_page(request.GET.get("shared_page"))
    return render(
        request,
        "learninglines/journal/log_list.html",
        {
            "mine": mine.get_page(request.GET.get("page")),
            "shared": shared_page,
            "line": current_line(member),
            # an empty "shared with you" list does not ask someone who already shares to start
            "shares_own": not shared_page.object_list
            and LogEntry.objects.filter(author=member, sharing=LogEntry.Sharing.LINE).exists(),
        },
    )


@school_view("keep_log")
def log_create_view(request: HttpRequest) -> HttpResponse:
    member = request.access.member
    today = timezone.localdate()
    form = _form(request, member, today, initial={"date": today})
    if request.method == "POST" and form.is_valid():
        try:
            log_entry_create(author=member, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your entry is saved."))
            return redirect(_log_url(request))
    return render(request, "learninglines/journal/log_form.html", {"form": form, "entry": None})


def _own_entry(request: HttpRequest, pk: int) -> LogEntry:
    """The author's own entry; a reader who is not the author gets a 403, anyone else a 404."""
    member = request.access.member
    entry = LogEntry.objects.filter(author=member, pk=pk).first()
    if entry is None:
        log_entry_get_readable(member=member, pk=pk)  # a 404 unless readable
        raise PermissionDenied
    return entry


@school_view("keep_log")
def log_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """One entry, for its author and (when shared) the author's line on the entry's date."""
    entry = log_entry_get_readable(member=request.access.member, pk=pk)
    return render(
        request,
        "learninglines/journal/log_detail.html",
        {
            "entry": entry,
            "is_author": entry.author_id == request.access.member.pk,
            "line": log_entry_line(entry=entry),
        },
    )


@school_view("keep_log")
def log_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _own_entry(request, pk)
    form = _form(
        request,
        request.access.member,
        entry.date,
        initial=model_to_dict(entry, fields=list(LOG_FIELDS)),
        note=entry.note,
    )
    if request.method == "POST" and form.is_valid():
        try:
            log_entry_update(entry=entry, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your entry is saved."))
            return redirect(_log_url(request))
    return render(request, "learninglines/journal/log_form.html", {"form": form, "entry": entry})


@require_http_methods(["GET", "POST"])
@school_view("keep_log")
def log_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks to confirm; POST deletes."""
    entry = _own_entry(request, pk)
    if request.method == "POST":
        log_entry_delete(entry=entry)
        messages.success(request, _("The entry is deleted."))
        return redirect(_log_url(request))
    return render(request, "learninglines/journal/log_confirm_delete.html", {"entry": entry})


# --- Calendar ----------------------------------------------------------------------------------


def _feed_url(feed: CalendarFeed) -> str:
    path = reverse("learninglines:calendar-feed", kwargs={"token": feed.token})
    return settings.SITE_URL.rstrip("/") + path


@dataclass(frozen=True)
class Upcoming:
    """One event of the personal feed, as the calendar page lists it."""

    summary: str
    url: str
    day: date
    start: time
    end: time
    detail: str  # the line of a meeting, the place of another event


# A coach has no line of their own, so the calendar is for team members, like the log.
@school_view("keep_log")
def calendar_view(request: HttpRequest) -> HttpResponse:
    """The member's feed address to subscribe to, and what it holds next."""
    member = request.access.member
    # Made on the first visit: a secret nobody sees until this page shows it to its owner.
    feed = calendar_feed_get_or_create(member=member)
    url = _feed_url(feed)
    today = timezone.localdate()
    # what the feed holds next: line meetings and the other apps' events (plenary sessions,
    # small exchanges), in time order
    upcoming = [
        Upcoming(
            m.topic,
            reverse("learninglines:meeting-detail", args=[request.school.slug, m.pk]),
            m.date,
            m.start_time,
            m.end_time,
            m.line.name,
        )
        for m in meeting_list_for_feed(member=member, since=today)
    ]
    upcoming += [
        Upcoming(item.summary, item.url, item.day, item.start, item.end, item.location)
        for item in extra_events(member, since=today, language=request.LANGUAGE_CODE)
    ]
    upcoming.sort(key=lambda item: (item.day, item.start, item.summary))
    return render(
        request,
        "learninglines/calendar/calendar.html",
        {
            "feed_url": url,
            "webcal_url": "webcal://" + url.split("://", 1)[1],
            "upcoming": upcoming[:5],
        },
    )


@require_http_methods(["GET", "POST"])
@school_view("keep_log")
def calendar_renew_view(request: HttpRequest) -> HttpResponse:
    """GET asks to confirm; POST gives a new address, and the old one stops working."""
    if request.method == "POST":
        calendar_feed_renew(member=request.access.member)
        messages.success(
            request,
            _(
                "Your calendar has a new address. Subscribe again with it; the old address no "
                "longer works."
            ),
        )
        return redirect(reverse("learninglines:calendar", args=[request.school.slug]))
    return render(request, "learninglines/calendar/calendar_confirm_renew.html")


@login_not_required
@csrf_exempt  # only GET and HEAD get through (require_safe): anything else is a 405, not a 403
@require_safe
def calendar_feed_view(request: HttpRequest, token: str) -> HttpResponse:
    """The ICS feed: no sign-in (calendar apps cannot), the secret token is the key.

    Someone who left the school (deactivated) gets an empty calendar, not a 404: their app
    then drops the school's events, where after a 404 it would keep showing them for good."""
    feed = (
        CalendarFeed.objects.filter(token=token, member__user__is_active=True)
        .select_related("member__school")
        .first()
    )
    if feed is None:
        raise Http404("No such calendar")
    member = feed.member
    here = member.is_active
    since = feed_since(school=member.school) if here else None
    response = HttpResponse(
        calendar_build(
            member=member,
            meetings=meeting_list_for_feed(member=member, since=since) if here else [],
            items=extra_events(member, since=since) if here else [],
        ),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'inline; filename="line-meetings-{member.school.slug}.ics"'
    # Personal: never kept by a shared cache; calendar apps fetch again anyway.
    patch_cache_control(response, private=True, max_age=300)
    response["X-Robots-Tag"] = "noindex"
    return response
