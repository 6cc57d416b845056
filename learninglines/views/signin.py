"""Sign-in: password, personal links, password reset."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from learninglines.deferred import after_response
from learninglines.forms.signin import EmailAuthenticationForm, SignInLinkRequestForm
from learninglines.languages import chosen_language, remember_language, speak, supported
from learninglines.models import MagicLink, SignInRequest
from learninglines.redirects import safe_next_url
from learninglines.services.people import member_seen
from learninglines.services.signin import (
    DOOR_SCOPE,
    UNKNOWN,
    door_scope,
    magic_link_check,
    magic_link_language,
    magic_link_use,
    may_use_magic_links,
    sign_in_request_handle,
    sign_in_request_submit,
    user_language,
)
from learninglines.signin import client_ip


class SignInView(auth_views.LoginView):
    form_class = EmailAuthenticationForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def get_initial(self):
        # A used or expired link's page offers the password sign-in with the address filled in.
        return {"username": self.request.GET.get("email", "")[:254]}

    def form_valid(self, form):
        """Signed in: someone who has not chosen a language goes on in their school's, as
        after a personal link (an English school's teacher is not switched to Dutch on the
        pages outside their school's)."""
        response = super().form_valid(form)
        if chosen_language(self.request) is None:
            language = user_language(form.get_user())
            if language != settings.LANGUAGE_CODE and supported(language):
                remember_language(response, language)
        return response


sign_in = login_not_required(SignInView.as_view())
_log_out = auth_views.LogoutView.as_view()


@login_not_required
@require_http_methods(["GET", "POST"])
def sign_out(request: HttpRequest) -> HttpResponse:
    """A POST signs out. A GET (a bookmark, a typed address) never does: it gets the page with
    the button, or, when nobody is signed in, says so.
    """
    if request.method == "POST":
        response = _log_out(request)
        # Said on the page it lands on: on a shared school computer, proof the session ended.
        messages.success(request, gettext_lazy("You are signed out"))
        return response
    return render(request, "registration/sign_out.html")


def _anonymous_request(request: HttpRequest, *, email: str, purpose: str) -> bool:
    """Store the request and handle it after the answer; False past the network's ceiling."""
    stored = sign_in_request_submit(
        email=email,
        purpose=purpose,
        language=translation.get_language(),
        ip_address=client_ip(request),
    )
    if stored is None:
        return False
    after_response(lambda: sign_in_request_handle(request=stored))
    return True


def _too_many_requests(request: HttpRequest) -> HttpResponse:
    return render(request, "registration/too_many_requests.html", status=429)


@login_not_required
@require_http_methods(["GET", "POST"])
def magic_link_request(request: HttpRequest) -> HttpResponse:
    """Anyone who knows an address may ask; the answer never tells whether it exists."""
    form = SignInLinkRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        purpose = SignInRequest.Purpose.SIGN_IN_LINK
        if not _anonymous_request(request, email=form.cleaned_data["email"], purpose=purpose):
            return _too_many_requests(request)
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


STAFF_TEXT = (
    gettext_lazy("This account signs in with a password and a code"),
    gettext_lazy(
        "Accounts with administrator rights never sign in with a mailed link. Sign in with your "
        "password and the code from your authenticator app."
    ),
)


@never_cache
@login_not_required
@require_http_methods(["GET", "POST"])
def magic_link(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    """Opening the link only shows a button: mail scanners open links, people press buttons."""
    link, status = magic_link_check(pk=pk, token=token)
    language = _speak_the_links_language(request, link)
    if link is not None and not may_use_magic_links(link.user):
        title, explanation = STAFF_TEXT
        return _link_failed(request, title, explanation, "staff", link, status=403)
    if status == MagicLink.Status.VALID and request.method == "POST" and magic_link_use(link=link):
        login(request, link.user, backend="django.contrib.auth.backends.ModelBackend")
        if link.school is not None:
            member = link.school.members.filter(user=link.user, is_active=True).first()
            if member is not None:
                member_seen(member=member)  # a link's page may be deep: seen at its school
        if link.purpose == MagicLink.Purpose.DOOR:
            request.session[DOOR_SCOPE] = door_scope(link)
        fallback = link.school.get_absolute_url() if link.school else reverse("home")
        response = redirect(safe_next_url(request, link.next_path, fallback))
        if language is not None:  # the app goes on in the language its page spoke
            remember_language(response, language)
        return response
    if status == MagicLink.Status.VALID and request.method == "POST":
        status = magic_link_check(pk=pk, token=token)[1]  # used up in the meantime
    if (
        status == MagicLink.Status.USED
        and link is not None
        and request.method == "POST"
        and request.user.is_authenticated
        and request.user.pk == link.user_id
    ):
        # a double click: the first press signed this browser in, so go where it went
        fallback = link.school.get_absolute_url() if link.school else reverse("home")
        return redirect(safe_next_url(request, link.next_path, fallback))
    if status == MagicLink.Status.VALID:
        return render(request, "registration/magic_link.html", {"link": link})
    title, explanation = FAILURE_TEXT[status]
    return _link_failed(
        request, title, explanation, status, link, status=404 if status == UNKNOWN else 410
    )


def _speak_the_links_language(request: HttpRequest, link: MagicLink | None) -> str | None:
    """For someone who has not chosen a language (no cookie), a link of a school that speaks
    another language than the site's default opens in that language; returns it, else None."""
    if link is None or chosen_language(request) is not None:
        return None
    language = magic_link_language(link)
    if language == translation.get_language() or not supported(language):
        return None
    speak(request, language)
    return language


def _link_failed(request, title, explanation, reason, link, *, status: int) -> HttpResponse:
    # The token was signed for this person, so their address may be filled in for them.
    email = link.user.email if link is not None else ""
    return render(
        request,
        "registration/magic_link_failed.html",
        {
            "title": title,
            "explanation": explanation,
            "reason": reason,
            "email": email,
            "form": SignInLinkRequestForm(initial={"email": email}),
        },
        status=status,
    )


@login_not_required
@require_http_methods(["GET", "POST"])
def password_reset(request: HttpRequest) -> HttpResponse:
    """Like the link request: the same answer and work for every address, limited per address."""
    form = SignInLinkRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        purpose = SignInRequest.Purpose.PASSWORD_RESET
        if not _anonymous_request(request, email=form.cleaned_data["email"], purpose=purpose):
            return _too_many_requests(request)
        return redirect("learninglines:password-reset-done")
    return render(request, "registration/password_reset_form.html", {"form": form})


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
