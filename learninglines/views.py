"""Sign-in, sign-in links, password reset and the team page."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from learninglines.forms import EmailAuthenticationForm, PasswordResetForm, SignInLinkRequestForm
from learninglines.models import MagicLink
from learninglines.permissions import school_view
from learninglines.selectors import coach_list, member_list
from learninglines.services import (
    UNKNOWN,
    magic_link_check,
    magic_link_use,
    member_invite,
    sign_in_link_request,
)


class SignInView(auth_views.LoginView):
    form_class = EmailAuthenticationForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True


sign_in = login_not_required(SignInView.as_view())
sign_out = auth_views.LogoutView.as_view()  # POST only (Django 5)


@login_not_required
@require_http_methods(["GET", "POST"])
def magic_link_request(request: HttpRequest) -> HttpResponse:
    """Anyone who knows an address may ask; the answer never tells whether it exists."""
    form = SignInLinkRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        sign_in_link_request(email=form.cleaned_data["email"], language=translation.get_language())
        return redirect("learninglines:magic-link-sent")
    return render(request, "registration/magic_link_request.html", {"form": form})


@login_not_required
def magic_link_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "registration/magic_link_sent.html")


FAILURE_TEXT = {
    UNKNOWN: (
        gettext_lazy("This sign-in link is not known"),
        gettext_lazy(
            "The link may be incomplete (check that you copied all of it), or it was replaced. "
            "Ask for a new link below."
        ),
    ),
    MagicLink.Status.EXPIRED: (
        gettext_lazy("This sign-in link has expired"),
        gettext_lazy("Sign-in links only work for a limited time. Ask for a new link below."),
    ),
    MagicLink.Status.REVOKED: (
        gettext_lazy("This sign-in link was revoked"),
        gettext_lazy(
            "The link was withdrawn, for example after a lost phone was reported. Ask for a new "
            "link below."
        ),
    ),
    MagicLink.Status.USED: (
        gettext_lazy("This sign-in link was already used"),
        gettext_lazy(
            "Each link works once. Ask for a new link below, or sign in with your password."
        ),
    ),
}


@login_not_required
@require_http_methods(["GET", "POST"])
def magic_link(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    """Opening the link only shows a button: mail scanners open links, people press buttons."""
    link, status = magic_link_check(pk=pk, token=token)
    if status == MagicLink.Status.VALID and request.method == "POST" and magic_link_use(link=link):
        login(request, link.user, backend="django.contrib.auth.backends.ModelBackend")
        target = link.school.get_absolute_url() if link.school else reverse("home")
        return redirect(target)
    if status == MagicLink.Status.VALID and request.method == "POST":
        status = magic_link_check(pk=pk, token=token)[1]  # used up in the meantime
    if status == MagicLink.Status.VALID:
        return render(request, "registration/magic_link.html", {"link": link})
    title, explanation = FAILURE_TEXT[status]
    return render(
        request,
        "registration/magic_link_failed.html",
        {
            "title": title,
            "explanation": explanation,
            "status": status,
            "form": SignInLinkRequestForm(),
        },
        status=404 if status == UNKNOWN else 410,
    )


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    template_name = "registration/password_reset_form.html"
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("learninglines:password-reset-done")

    def form_valid(self, form):
        # Links in the mail point at the configured public address, not the request's host.
        self.extra_email_context = {"site_url": settings.SITE_URL.rstrip("/")}
        return super().form_valid(form)


password_reset = login_not_required(PasswordResetView.as_view())
password_reset_done = login_not_required(
    auth_views.PasswordResetDoneView.as_view(template_name="registration/password_reset_done.html")
)
password_reset_confirm = login_not_required(
    auth_views.PasswordResetConfirmView.as_view(
        template_name="registration/password_reset_confirm.html",
        success_url=reverse_lazy("learninglines:password-reset-complete"),
    )
)
password_reset_complete = login_not_required(
    auth_views.PasswordResetCompleteView.as_view(
        template_name="registration/password_reset_complete.html"
    )
)


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
    member_invite(member=member)
    messages.success(
        request,
        _("A personal sign-in link is on its way to %(name)s.") % {"name": member.full_name},
    )
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("learninglines:member-list", kwargs={"school_slug": request.school.slug})
    return redirect(target)
