"""Forms for the team page: a member's details and their line."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from learninglines.models import LearningLine


class MemberForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=80)
    name_prefix = forms.CharField(
        label=_("Name prefix"),
        max_length=30,
        required=False,
        help_text=_('For example "van", "de", "van der".'),
    )
    last_name = forms.CharField(label=_("Last name"), max_length=120, required=False)
    email = forms.EmailField(label=_("E-mail address"))
    is_steering = forms.BooleanField(label=_("Member of the steering group"), required=False)
    line = forms.ModelChoiceField(
        label=_("Learning line"),
        queryset=LearningLine.objects.none(),
        required=False,
        empty_label=_("No line (yet)"),
    )

    def __init__(self, *args, lines=None, **kwargs):
        super().__init__(*args, **kwargs)
        if lines is None:
            del self.fields["line"]
        else:
            self.fields["line"].queryset = lines


class MoveForm(forms.Form):
    """Put a member in another line (or none) from a date; the old line stays in the history."""

    line = forms.ModelChoiceField(
        label=_("New learning line"),
        queryset=LearningLine.objects.none(),
        required=False,
        empty_label=_("No line from that date"),
    )
    start = forms.DateField(
        label=_("From"),
        initial=timezone.localdate,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )

    def __init__(self, *args, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["line"].queryset = lines


class TeamFilterForm(forms.Form):
    q = forms.CharField(label=_("Search by name or address"), required=False, max_length=100)
    line = forms.CharField(label=_("Learning line"), required=False)

    def __init__(self, *args, lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["line"].widget = forms.Select(
            choices=[("", _("All lines")), ("none", _("In no line"))]
            + [(str(line.pk), str(line)) for line in lines]
        )
