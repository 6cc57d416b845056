from django import forms
from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext_lazy as _


class EmailAuthenticationForm(auth_forms.AuthenticationForm):
    """Sign in with e-mail address and password."""

    username = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    error_messages = {
        "invalid_login": _(
            "This e-mail address and password do not match. No password yet? Ask for a sign-in "
            "link instead."
        ),
        "inactive": _("This account is no longer active."),
    }


class SignInLinkRequestForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
