"""Django's own words that the app shows, in the app's Dutch.

Django's Dutch catalogue speaks to the reader as "u"; this app says "je" everywhere. The
password rules a teacher reads when setting a password come from Django's validators, so they
are listed here: `make messages` keeps them in the app's catalogue, which Django reads first
(`LOCALE_PATHS`), and the Dutch there says "je". The curly apostrophes are Django's own, so the
words match.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

PASSWORD_RULES = (
    gettext_noop("Your password can’t be too similar to your other personal information."),  # noqa: RUF001
    ngettext_lazy(
        "Your password must contain at least %(min_length)d character.",
        "Your password must contain at least %(min_length)d characters.",
    ),
    gettext_noop("Your password can’t be a commonly used password."),  # noqa: RUF001
    gettext_noop("Your password can’t be entirely numeric."),  # noqa: RUF001
    gettext_noop("Your old password was entered incorrectly. Please enter it again."),
)
