"""Forms of the staff sign-in: password first, then a code from the authenticator app."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from learninglines.forms import EmailAuthenticationForm
from learninglines.staff import may_open_admin, normalise_token


class StaffPasswordForm(EmailAuthenticationForm):
    """The admin's first step. It authenticates through django.contrib.auth.authenticate with
    the request, as the site's sign-in does, so django-axes counts failures and locks out."""

    error_messages = {
        "invalid_login": _(
            "This e-mail address and password do not belong to an administrator account."
        ),
        "inactive": _("This account is no longer active."),
    }

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not may_open_admin(user):
            # The same answer as a wrong password: the admin does not tell who is a teacher.
            raise ValidationError(self.error_messages["invalid_login"], code="invalid_login")


class StaffCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        help_text=_("The 6 digits from your authenticator app, or one of your backup codes."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "none",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
    )

    def clean_code(self) -> str:
        code = normalise_token(self.cleaned_data["code"])
        if not code:
            raise ValidationError(_("Type the code."), code="required")
        return code


class StaffSetupForm(StaffCodeForm):
    code = forms.CharField(
        label=_("Code from the app"),
        max_length=32,
        help_text=_("The 6 digits your authenticator app shows now."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "spellcheck": "false",
            }
        ),
    )
