"""The team page."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from learninglines.permissions import school_view
from learninglines.redirects import redirect_to_next
from learninglines.selectors.people import coach_list, member_list
from learninglines.services.people import member_invite


@school_view("plan_school")
def member_list_view(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "learninglines/member_list.html",
        {
            "members": member_list(school=request.school),
            "coaches": coach_list(school=request.school),
        },
    )


@require_POST
@school_view("plan_school")
def member_invite_view(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_object_or_404(request.school.members.active().select_related("user"), pk=pk)
    # The answer is decided before anything is queued: a request that fails queues nothing.
    response = redirect_to_next(
        request, reverse("learninglines:member-list", kwargs={"school_slug": request.school.slug})
    )
    if member_invite(member=member) is None:
        messages.warning(
            request,
            _(
                "%(name)s already received three links in the last 15 minutes. Ask them to check "
                "their spam folder, or try again later."
            )
            % {"name": member.full_name},
        )
    else:
        messages.success(
            request,
            _("A personal sign-in link is on its way to %(name)s.") % {"name": member.full_name},
        )
    return response
