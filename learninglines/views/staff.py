"""The admin's sign-in: password, then a code from an authenticator app (set up the first time).

Nobody is signed in until both steps are done: between them the session only remembers who gave
the right password, for a few minutes. The admin site (exchange.admin_site) routes its login
page here and mounts the other steps under /admin/login/.
"""

import time

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.contrib import messages
from django.contrib.auth import login, user_login_failed
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from learninglines.forms_staff import StaffCodeForm, StaffPasswordForm, StaffSetupForm
from learninglines.models import User
from learninglines.redirects import safe_next_url
from learninglines.staff import (
    BACKUP_CODE_COUNT,
    staff_has_authenticator,
    staff_throttled,
    staff_token_verify,
    totp_device_for_setup,
    totp_qr_data_uri,
    totp_secret_text,
    totp_setup_confirm,
)

PENDING_KEY = "staff_sign_in"
BACKUP_CODES_KEY = "staff_backup_codes"
# Time between the password and the code; after it the password is asked again.
PENDING_SECONDS = 10 * 60
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _staff_view(view):
    """Open to anyone (these pages are the way in), never cached, passwords kept out of logs."""
    return login_not_required(
        sensitive_post_parameters()(
            csrf_protect(never_cache(require_http_methods(["GET", "POST"])(view)))
        )
    )


def _pending_user(request: HttpRequest) -> User | None:
    pending = request.session.get(PENDING_KEY)
    if not pending or time.time() - pending.get("started", 0) > PENDING_SECONDS:
        return None
    return User.objects.filter(pk=pending.get("user"), is_active=True, is_staff=True).first()


def _finish(request: HttpRequest, user: User, device) -> str:
    """Sign in with the verified device; returns where to go next."""
    target = request.session.pop(PENDING_KEY, {}).get("next") or reverse("admin:index")
    login(request, user, backend=MODEL_BACKEND)
    otp_login(request, device)
    return target


def _lockout_credentials(user: User) -> dict:
    return {"username": user.email}


def _code_refused(request: HttpRequest, user: User) -> None:
    # A wrong code counts as a failed sign-in for django-axes too: guessing codes locks the
    # address out just like guessing passwords.
    user_login_failed.send(sender=__name__, credentials=_lockout_credentials(user), request=request)


@_staff_view
def staff_sign_in(request: HttpRequest, *, site) -> HttpResponse:
    """Step 1: e-mail address and password of an active staff account."""
    if request.method == "GET" and site.has_permission(request):
        return redirect("admin:index")
    fallback = reverse("admin:index")
    target = safe_next_url(request, request.POST.get("next") or request.GET.get("next"), fallback)
    form = StaffPasswordForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.get_user()
        request.session[PENDING_KEY] = {
            "user": user.pk,
            "started": int(time.time()),
            "next": target,
        }
        step = "admin:staff-code" if staff_has_authenticator(user=user) else "admin:staff-setup"
        return redirect(step)
    return render(request, "staff/sign_in.html", {"form": form, "next": target})


@_staff_view
def staff_code(request: HttpRequest) -> HttpResponse:
    """Step 2: a code from the authenticator app, or a backup code (each works once)."""
    user = _pending_user(request)
    if user is None:
        return _start_again(request)
    if not staff_has_authenticator(user=user):
        return redirect("admin:staff-setup")
    credentials = _lockout_credentials(user)
    if AxesProxyHandler.is_locked(request, credentials):
        return get_lockout_response(request, credentials=credentials)
    form = StaffCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # django-otp waits longer after each wrong code (1, 2, 4... seconds): a code typed
        # within that wait is not even tried.
        code = form.cleaned_data["code"]
        throttled = staff_throttled(user=user, token=code)
        device = None if throttled else staff_token_verify(user=user, token=code)
        if device is not None:
            return redirect(_finish(request, user, device))
        _code_refused(request, user)
        if throttled:
            form.add_error(
                "code", _("Too many wrong codes in a row. Wait a minute, then try again.")
            )
        else:
            form.add_error(
                "code",
                _(
                    "This code is not right. Type the code your app shows now (check that the "
                    "phone's clock is right), or a backup code you have not used yet."
                ),
            )
    return render(request, "staff/code.html", {"form": form, "staff_user": user})


@_staff_view
def staff_setup(request: HttpRequest) -> HttpResponse:
    """First sign-in: scan the QR code (or type the secret), confirm one code, get backup codes."""
    user = _pending_user(request)
    if user is None:
        return _start_again(request)
    if staff_has_authenticator(user=user):
        return redirect("admin:staff-code")
    credentials = _lockout_credentials(user)
    if AxesProxyHandler.is_locked(request, credentials):
        return get_lockout_response(request, credentials=credentials)
    device = totp_device_for_setup(user=user)
    form = StaffSetupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = totp_setup_confirm(device=device, token=form.cleaned_data["code"])
        if codes is not None:
            device.refresh_from_db()
            target = _finish(request, user, device)
            request.session[BACKUP_CODES_KEY] = {"codes": codes, "next": target}
            return redirect("admin:staff-backup-codes")
        _code_refused(request, user)
        form.add_error(
            "code",
            _(
                "This code is not right. Check that the app added the account above and type "
                "the code it shows now."
            ),
        )
    context = {
        "form": form,
        "staff_user": user,
        "qr_code": totp_qr_data_uri(device),
        "secret": totp_secret_text(device),
    }
    return render(request, "staff/setup.html", context)


@_staff_view
def staff_backup_codes(request: HttpRequest) -> HttpResponse:
    """The new backup codes, shown once: a reload leads on to the admin."""
    shown = request.session.pop(BACKUP_CODES_KEY, None)
    if not shown or not request.user.is_authenticated:
        return redirect("admin:index")
    context = {"codes": shown["codes"], "next": shown["next"], "count": BACKUP_CODE_COUNT}
    return render(request, "staff/backup_codes.html", context)


def _start_again(request: HttpRequest) -> HttpResponse:
    request.session.pop(PENDING_KEY, None)
    messages.info(request, _("Sign in with your password first."))
    return redirect("admin:login")
