"""Forms of ambitions and small exchanges: they validate and normalise; services do the writing.

Moments come from `datetime-local` inputs: local time of the school, made aware by Django.
"""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from learninglines.models import LearningLine
from sessions_app.models import MAX_MOMENTS, Ambition, ExchangeParticipant, PeerExchange

LOCAL_MOMENT = "%Y-%m-%dT%H:%M"


class MomentField(forms.DateTimeField):
    """A local date and time; a time the clocks skip or pass twice is refused in plain words."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError as error:
            if error.code != "ambiguous_timezone":
                raise
            raise ValidationError(
                _(
                    "The clocks change that night, so this time does not exist or comes twice. "
                    "Choose another time."
                ),
                code="clock_change",
            ) from error


def moment_field(label, *, required: bool = False) -> forms.DateTimeField:
    return MomentField(
        label=label,
        required=required,
        input_formats=[LOCAL_MOMENT, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_MOMENT),
    )


# The service's names for what a form shows under another field.
ALIASES = {"moments": "moment_1", "on": None}


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """A service's ValidationError on the form: on the field it names, else on the form."""
    if hasattr(error, "error_dict"):
        for key, messages in error.message_dict.items():
            name = ALIASES.get(key, key)
            form.add_error(name if name in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


class AmbitionForm(forms.Form):
    text = forms.CharField(
        label=_("What do I want to learn this year, and from whom?"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=2000,
        help_text=_(
            "For example: how colleagues in the lower years let children plan their own work."
        ),
    )
    sharing = forms.ChoiceField(
        label=_("Who may read it?"),
        choices=[
            (Ambition.Sharing.PRIVATE, _("Only me")),
            (Ambition.Sharing.TEAM, _("My team: colleagues see it when they pick someone to ask")),
        ],
        widget=forms.RadioSelect,
        initial=Ambition.Sharing.PRIVATE,
    )


class ServiceRequiredCharField(forms.CharField):
    """Marked required on the page (its asterisk), but an empty value passes the form: the
    service refuses it, together with every other missing part of the invitation at once."""

    def __init__(self, **kwargs):
        super().__init__(required=True, **kwargs)

    def validate(self, value):
        """No "This field is required.": the service's own words say what is missing."""


class ExchangeStartForm(forms.Form):
    """The invitation; `invitees` are pks of the colleagues the view offers."""

    topic = ServiceRequiredCharField(
        label=_("What do you want to exchange about?"),
        max_length=200,
        help_text=_("A few words, for example: question cards while reading aloud."),
    )
    kind = forms.ChoiceField(
        label=_("What kind of exchange?"),
        choices=PeerExchange.Kind.choices,
        widget=forms.RadioSelect,
        initial=PeerExchange.Kind.CONVERSATION,
    )
    invitees = forms.TypedMultipleChoiceField(
        label=_("Whom do you invite?"),
        coerce=int,
        required=False,
        error_messages={
            # A colleague who left the school after the page was opened (or yourself).
            "invalid_choice": _(
                "Someone you ticked can no longer be invited: they are no longer at the school. "
                "Tick your colleagues again."
            )
        },
    )
    moment_1 = moment_field(_("First moment"))
    moment_2 = moment_field(_("Second moment (optional)"))
    moment_3 = moment_field(_("Third moment (optional)"))
    self_arranged = forms.BooleanField(label=_("We arrange a moment ourselves"), required=False)
    minutes = forms.IntegerField(
        label=_("How long (minutes)?"), min_value=10, max_value=240, initial=45
    )

    def __init__(self, *args, colleagues=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["invitees"].choices = [(m.pk, m.full_name) for m in colleagues]

    def moments(self) -> list[datetime]:
        names = [f"moment_{n}" for n in range(1, MAX_MOMENTS + 1)]
        return [self.cleaned_data[name] for name in names if self.cleaned_data.get(name)]


class ProposeForm(forms.Form):
    starts_at = moment_field(_("Another moment"), required=True)


class CancelForm(forms.Form):
    note = forms.CharField(label=_("A short note for the others"), max_length=300, required=False)


class HeldForm(forms.Form):
    held = forms.TypedChoiceField(choices=[("1", "1"), ("0", "0")], coerce=lambda v: v == "1")
    on = forms.DateField(
        label=_("On which day?"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class NotesForm(forms.Form):
    brought = forms.CharField(
        label=_("What did I bring?"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    took = forms.CharField(
        label=_("What did I take?"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    took_from = forms.TypedChoiceField(
        label=_("From which learning line did it come?"),
        coerce=int,
        empty_value=None,
        required=False,
    )
    sharing = forms.ChoiceField(
        label=_("Who may read my notes?"),
        choices=[
            (ExchangeParticipant.Sharing.PRIVATE, _("Only me")),
            (
                ExchangeParticipant.Sharing.PARTICIPANTS,
                _("The colleagues of this exchange"),
            ),
            (
                ExchangeParticipant.Sharing.LINE,
                _("The colleagues of my learning line (as in the log)"),
            ),
        ],
        widget=forms.RadioSelect,
        initial=ExchangeParticipant.Sharing.PRIVATE,
        help_text=_(
            "The steering group and the coach never read your notes; they only see how many "
            "took something from each line."
        ),
    )
    copy_to_log = forms.BooleanField(label=_("Also put it in my learning log"), required=False)

    def __init__(self, *args, lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = {line.pk: line for line in lines}
        self.fields["took_from"].choices = [("", _("(not from a line)"))] + [
            (line.pk, f"{line.letter} · {line.name}") for line in lines
        ]

    def took_from_line(self) -> LearningLine | None:
        return self.lines.get(self.cleaned_data.get("took_from"))
