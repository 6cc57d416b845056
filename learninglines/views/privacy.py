"""Privacy rights in the app: my own data, and for the steering group a member's export and
erasure (the rules are in `learninglines.services.privacy`)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from learninglines.http import download
from learninglines.models import Erasure, Member
from learninglines.permissions import school_view
from learninglines.services.privacy import (
    member_erase,
    member_export_for_steering,
    person_export,
)


def _zip_response(content: bytes, name: str) -> HttpResponse:
    return download(content, content_type="application/zip", filename=name)


@require_GET
def my_data_view(request: HttpRequest) -> HttpResponse:
    """What is stored about me, and a download of all of it."""
    memberships = Member.objects.filter(user=request.user).select_related("school")
    response = render(request, "learninglines/privacy/my_data.html", {"memberships": memberships})
    patch_cache_control(response, private=True, no_store=True)
    return response


@require_GET
def my_data_download_view(request: HttpRequest) -> HttpResponse:
    content = person_export(user=request.user, language=get_language() or "nl")
    return _zip_response(content, f"brengen-en-halen-{timezone.localdate():%Y-%m-%d}.zip")


def _member(request: HttpRequest, pk: int) -> Member:
    return get_object_or_404(
        request.school.members.select_related("user", "school").filter(erasure__isnull=True),
        pk=pk,
    )


@require_GET
@school_view("manage_privacy")
def member_data_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A member's data as the steering group may read it, for a member who asked for it."""
    member = _member(request, pk)
    content = member_export_for_steering(member=member)
    return _zip_response(content, f"{slugify(member.full_name) or 'teamlid'}-{member.pk}.zip")


@require_http_methods(["GET", "POST"])
@school_view("manage_privacy")
def member_erase_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Erase a person who left this school: one confirmed, recorded action."""
    member = _member(request, pk)
    if request.method == "POST":
        if member.is_active:  # only someone who left: deactivating first ends their line places
            messages.error(
                request,
                _("Deactivate %(name)s first: only someone who left the team is erased.")
                % {"name": member.full_name},
            )
        elif request.POST.get("confirm") != member.full_name:
            messages.error(request, _("Type the name exactly as shown to confirm."))
        else:
            try:
                result = member_erase(member=member, by=request.user)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(
                    request,
                    _("Erased: this person is now %(name)s in the school's history.")
                    % {"name": result.erasure.member.full_name},
                )
                return redirect("learninglines:member-list", school_slug=request.school.slug)
    erased = Erasure.objects.filter(school=request.school).count()
    return render(
        request,
        "learninglines/privacy/member_erase_confirm.html",
        {"member": member, "erased": erased},
    )
