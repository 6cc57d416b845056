"""Forms for the team page: a member's details and their line."""

from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from learninglines.models import LearningLine, SchoolYear


def year_group_label(year: SchoolYear, today=None) -> str:
    """How the line choice names a school year: a year opened ahead says when it begins."""
    today = today or timezone.localdate()
    if year.start > today:
        return gettext("School year %(name)s (from %(date)s)") % {
            "name": year.name,
            "date": formats.date_format(year.start, "j F Y"),
        }
    return gettext("School year %(name)s") % {"name": year.name}


def lines_per_year(lines) -> list[list[LearningLine]]:
    """The lines in one list per school year, in the order given (year by year, as
    `lines_for_placing` gives them)."""
    groups: dict[int, list[LearningLine]] = {}
    for line in lines:
        groups.setdefault(line.year_id, []).append(line)
    return list(groups.values())


class _LinesPerYear(ModelChoiceIterator):
    """One group (an <optgroup>) per school year once lines of more than one year are offered;
    a plain list for one year. Needs the lines with their year (`select_related("year")`)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        groups = lines_per_year(self.queryset)
        if len(groups) < 2:
            yield from (self.choice(line) for lines in groups for line in lines)
            return
        for lines in groups:
            yield (year_group_label(lines[0].year), [self.choice(line) for line in lines])


class LineChoiceField(forms.ModelChoiceField):
    iterator = _LinesPerYear


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
    line = LineChoiceField(
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

    line = LineChoiceField(
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

    def __init__(self, *args, lines, ahead: SchoolYear | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["line"].queryset = lines
        if ahead is not None:  # a later school year is open: what the date means for its lines
            self.fields["start"].help_text = gettext(
                "For a line of school year %(name)s, leave this date as it is: the place then "
                "starts on %(date)s."
            ) % {"name": ahead.name, "date": formats.date_format(ahead.start, "j F Y")}


class TeamFilterForm(forms.Form):
    """Search the team; filter on a line, on "in no line" today and, while a school year opened
    ahead has not begun, on "no place in that year yet" (`NO_PLACE_AHEAD`). Lines of more than
    one year come in one group per year, as in the move form."""

    NO_PLACE_AHEAD = "none-next"

    q = forms.CharField(label=_("Search by name or address"), required=False, max_length=100)
    line = forms.CharField(label=_("Learning line"), required=False)

    def __init__(self, *args, lines=(), ahead: SchoolYear | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("All lines")), ("none", _("In no line"))]
        if ahead is not None:
            choices.append(
                (
                    self.NO_PLACE_AHEAD,
                    gettext("No place in %(year)s yet") % {"year": ahead.name},
                )
            )
        groups = lines_per_year(lines)
        if len(groups) < 2:  # one school year: a plain list, as before a year is opened ahead
            choices += [(str(line.pk), str(line)) for group in groups for line in group]
            groups = []
        # what the page's <select> shows: (None, options) outside a group, (label, options) in one
        self.line_options: list[tuple[str | None, list[tuple[str, str]]]] = [(None, choices)] + [
            (year_group_label(group[0].year), [(str(line.pk), str(line)) for line in group])
            for group in groups
        ]
        self.fields["line"].widget = forms.Select(
            choices=[
                option
                for label, options in self.line_options
                for option in ([(label, options)] if label else options)
            ]
        )
