"""Forms by concern: `signin`, and one module per feature."""

from learninglines.forms.signin import EmailAuthenticationForm, SignInLinkRequestForm

__all__ = ["EmailAuthenticationForm", "SignInLinkRequestForm"]
