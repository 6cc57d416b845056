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
    """One radio group per member of the line on the meeting's date, and beside each, hidden,
    what the page showed (`was_<pk>`): only what this person changed is saved, so two people
    filling in the list at once do not undo each other's answers."""

    def __init__(self, *args, rows: list[AttendanceRow], **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            self.fields[f"was_{row.member.pk}"] = forms.CharField(
                required=False, initial=row.status or "", widget=forms.HiddenInput
            )
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
        """What this person changed: member pk -> status ("" clears it). A form sent without
        what it showed (an older page) counts every row as changed."""
        changed = {}
        for row in self.rows:
            pk = row.member.pk
            now = self.cleaned_data[f"member_{pk}"]
            if f"was_{pk}" not in self.data or self.cleaned_data[f"was_{pk}"] != now:
                changed[pk] = now
        return changed

    def bound_rows(self):
        """(row, bound field, hidden "was" field) for the template, in register order."""
        return [
            (row, self[f"member_{row.member.pk}"], self[f"was_{row.member.pk}"])
            for row in self.rows
        ]
