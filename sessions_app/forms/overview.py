"""The school overview's filters, read from the URL (GET) so a view can be bookmarked and shared.

The choices come from lists the view already holds (the school's years, the chosen year's
lines): validating costs no query.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from learninglines.models import LearningLine, SchoolYear
from sessions_app.selectors.overview import OverviewFilter

# The parameters kept when the coach switches school: a year and a line belong to one school.
KEPT_ACROSS_SCHOOLS = ("from", "to")


def year_from_query(years: list[SchoolYear], value: str | None) -> SchoolYear | None:
    """`?year=` among this school's years (else a 404); without it the current year, else the
    latest one."""
    if value:
        chosen = next((y for y in years if str(y.pk) == value), None)
        if chosen is None:
            raise Http404("No such school year")
        return chosen
    today = timezone.localdate()
    current = next((y for y in years if y.start <= today <= y.end), None)
    return current or (years[0] if years else None)


class OverviewFilterForm(forms.Form):
    """Line and date range within the chosen year; the year itself is chosen before."""

    year = forms.ChoiceField(label=gettext_lazy("School year"), required=False)
    line = forms.CharField(label=gettext_lazy("Learning line"), required=False)

    def __init__(self, data, *, years: list[SchoolYear], year: SchoolYear, lines: list):
        super().__init__(data)
        self.chosen_year = year
        self.lines = {str(line.pk): line for line in lines}
        self.fields["year"].choices = [(str(y.pk), y.name) for y in years]
        self.fields["year"].initial = str(year.pk)
        # "from" is a Python keyword: these two fields are added by name.
        self.fields["from"] = forms.DateField(
            label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
        )
        self.fields["to"] = forms.DateField(
            label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
        )

    def clean_line(self) -> LearningLine | None:
        value = self.cleaned_data.get("line")
        if not value:
            return None
        if value not in self.lines:
            raise ValidationError(_("That line is not one of this school year's lines."))
        return self.lines[value]

    def clean_year(self) -> str:
        # Checked before the form is made (a foreign year is a 404): always the chosen one.
        return str(self.chosen_year.pk)

    def clean(self):
        cleaned = super().clean()
        year = self.chosen_year
        for name in ("from", "to"):
            day = cleaned.get(name)
            if day and not (year.start <= day <= year.end):
                self.add_error(
                    name,
                    _("Choose a date in school year %(year)s: %(start)s to %(end)s.")
                    % {
                        "year": year.name,
                        "start": formats.date_format(year.start, "j F Y"),
                        "end": formats.date_format(year.end, "j F Y"),
                    },
                )
        start, end = cleaned.get("from"), cleaned.get("to")
        if start and end and start > end:
            self.add_error("to", _("The end date comes before the start date."))
        return cleaned

    def filters(self) -> OverviewFilter:
        """What to count: the valid parts of the form (an invalid part counts as not given)."""
        self.is_valid()
        cleaned = self.cleaned_data
        start, end = cleaned.get("from"), cleaned.get("to")
        if "to" in self.errors:
            end = None
        return OverviewFilter(year=self.chosen_year, line=cleaned.get("line"), start=start, end=end)
