"""Forms of line meetings: plan or change one, its notes, and who came."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from learninglines.models import Attendance, LineMeeting
from learninglines.selectors.meetings import AttendanceRow


class MeetingForm(forms.ModelForm):
    """When, where and what about; native date and time pickers on phones.

    Bound with `initial`, never an instance: the service changes the meeting, not the form.
    """

    class Meta:
        model = LineMeeting
        fields = ["date", "start_time", "end_time", "topic", "place", "agenda"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "start_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "end_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "agenda": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "place": _("For example the room or the school's address."),
            "agenda": _("What you will talk about or do, one point a line."),
        }


class MeetingNotesForm(forms.Form):
    # The card's heading already says "Notes": the field says what goes in.
    notes = forms.CharField(
        label=_("What the group did and agreed"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Written afterwards. Every teacher of the school can read them."),
    )


class AttendanceForm(forms.Form):
    """One radio group per member of the line on the meeting's date."""

    def __init__(self, *args, rows: list[AttendanceRow], **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            self.fields[f"member_{row.member.pk}"] = forms.ChoiceField(
                label=row.member.full_name,
                # "not known" clears what was recorded (a choice made by mistake)
                choices=[
                    ("", pgettext_lazy("attendance", "not known")),
                    *Attendance.Status.choices,
                ],
                required=False,
                initial=row.status,
                widget=forms.RadioSelect,
            )

    def statuses(self) -> dict[int, str]:
        return {row.member.pk: self.cleaned_data[f"member_{row.member.pk}"] for row in self.rows}

    def bound_rows(self):
        """(row, bound field) pairs for the template, in register order."""
        return [(row, self[f"member_{row.member.pk}"]) for row in self.rows]
