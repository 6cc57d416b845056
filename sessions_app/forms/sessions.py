"""Forms of plenary sessions: when and where, the program, attendance, and plan changes."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from learninglines.models import Member
from learninglines.tabular import MAX_UPLOAD_BYTES, TABLE_PLAN, too_large_message
from sessions_app.models import Assignment, PlenarySession
from sessions_app.selectors.sessions import ExpectedMember
from sessions_app.services.attendance import PresenceData, presence_of
from sessions_app.services.program import AssignmentData


class SessionForm(forms.ModelForm):
    """Bound with `initial`, never an instance: the service changes the session."""

    class Meta:
        model = PlenarySession
        fields = ["title", "date", "start_time", "end_time", "place", "group_size"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "start_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "end_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }
        help_texts = {
            "place": _("For example the hall or the gym."),
            "group_size": _(
                "Empty: one member of each learning line per table. A larger number makes "
                "fewer, larger tables."
            ),
        }

    def clean(self):
        data = super().clean()
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", _("The session must end after it starts."))
        return data


ROUND_WHOLE_GROUP = ""


class AssignmentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=150)
    instructions = forms.CharField(
        label=_("Instructions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What each person tells, what the others ask."),
    )
    duration_minutes = forms.IntegerField(label=_("Minutes"), min_value=1, max_value=240)
    table_round = forms.TypedChoiceField(
        label=_("Where"),
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("A table round re-seats everyone; the whole group stays where it is."),
    )

    def __init__(self, *args, rounds: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(ROUND_WHOLE_GROUP, _("The whole group"))]
        choices += [(str(n), _("Table round %(n)s") % {"n": n}) for n in range(1, rounds + 1)]
        if rounds < 12:
            choices.append((str(rounds + 1), _("A new table round (%(n)s)") % {"n": rounds + 1}))
        self.fields["table_round"].choices = choices

    @classmethod
    def initial_of(cls, assignment: Assignment) -> dict:
        return {
            "title": assignment.title,
            "instructions": assignment.instructions,
            "duration_minutes": assignment.duration_minutes,
            "table_round": assignment.table_round or ROUND_WHOLE_GROUP,
        }

    def data_object(self) -> AssignmentData:
        data = self.cleaned_data
        return AssignmentData(
            title=data["title"],
            instructions=data["instructions"],
            duration_minutes=data["duration_minutes"],
            table_round=data["table_round"],
        )


PRESENT, ABSENT, PARTLY = "present", "absent", "partly"


class AttendanceForm(forms.Form):
    """One row per expected member: there / absent / part of the session (from, until round).

    Each row carries the state the page showed (`was_<pk>`), so the service writes only the
    rows this person changed.
    """

    def __init__(self, *args, expected: list[ExpectedMember], rounds: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.expected = expected
        self.rounds = rounds
        round_choices = [(str(n), str(n)) for n in range(1, rounds + 1)]
        for item in expected:
            pk = item.member.pk
            state = presence_of(item.attendance)
            status = ABSENT if state.absent else PARTLY if not state.is_default else PRESENT
            self.fields[f"status_{pk}"] = forms.ChoiceField(
                label=item.member.full_name,
                choices=[
                    (PRESENT, pgettext_lazy("attendance", "there")),
                    (ABSENT, pgettext_lazy("attendance", "absent")),
                    (PARTLY, _("part of it")),
                ],
                initial=status,
                # Radios, so each choice gets its own id (the template renders them by hand).
                widget=forms.RadioSelect,
            )
            self.fields[f"first_{pk}"] = forms.TypedChoiceField(
                label=_("from round"),
                choices=round_choices,
                coerce=int,
                initial=str(state.first_round or 1),
                required=False,
            )
            self.fields[f"last_{pk}"] = forms.TypedChoiceField(
                label=_("until round"),
                choices=round_choices,
                coerce=int,
                initial=str(state.last_round or rounds),
                required=False,
            )
            self.fields[f"was_{pk}"] = forms.CharField(
                widget=forms.HiddenInput, initial=self.encode(state), required=False
            )

    def clean(self):
        """ "Part of it" from the first round until the last is the whole session: the service
        would store "there" and the page say "Nothing changed", while the person at the door
        meant someone coming later or leaving early and forgot to choose the round."""
        data = super().clean()
        if self.rounds < 2:
            return data
        for item in self.expected:
            pk = item.member.pk
            if data.get(f"status_{pk}") != PARTLY:
                continue
            first = data.get(f"first_{pk}") or 1
            last = data.get(f"last_{pk}") or self.rounds
            if first <= 1 and last >= self.rounds:
                self.add_error(
                    f"status_{pk}",
                    _(
                        "%(name)s: for “part of it”, choose a later “from round” or an earlier "
                        "“until round”."
                    )
                    % {"name": item.member.full_name},
                )
        return data

    @staticmethod
    def encode(state: PresenceData) -> str:
        return f"{int(state.absent)}:{state.first_round or ''}:{state.last_round or ''}"

    @staticmethod
    def decode(value: str) -> PresenceData:
        try:
            absent, first, last = value.split(":")
            return PresenceData(
                absent == "1", int(first) if first else None, int(last) if last else None
            )
        except ValueError:
            return PresenceData()

    def rows(self):
        """(item, bound status, first, last, was) per member, for the template."""
        for item in self.expected:
            pk = item.member.pk
            yield (
                item,
                self[f"status_{pk}"],
                self[f"first_{pk}"],
                self[f"last_{pk}"],
                self[f"was_{pk}"],
            )

    def changes(self) -> dict[int, tuple[PresenceData, PresenceData]]:
        out = {}
        for item in self.expected:
            pk = item.member.pk
            status = self.cleaned_data.get(f"status_{pk}")
            if status is None:
                continue
            was = self.decode(self.cleaned_data.get(f"was_{pk}") or "")
            if status == ABSENT:
                now = PresenceData(absent=True)
            elif status == PARTLY:
                now = PresenceData(
                    False,
                    self.cleaned_data.get(f"first_{pk}") or None,
                    self.cleaned_data.get(f"last_{pk}") or None,
                )
            else:
                now = PresenceData()
            out[pk] = (was, now)
        return out


class PlanVersionForm(forms.Form):
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class PlanChangeForm(PlanVersionForm):
    """Swap `first` with `second`, or move `first` to `table`, within one round."""

    round = forms.IntegerField(min_value=1, max_value=12)
    first = forms.IntegerField(min_value=1, label=_("Person"))
    second = forms.IntegerField(min_value=1, required=False, label=_("Swap with"))
    table = forms.IntegerField(min_value=1, required=False, label=_("Move to table"))

    def clean(self):
        data = super().clean()
        if not data.get("second") and not data.get("table"):
            raise forms.ValidationError(_("Choose someone to swap with, or a table to move to."))
        return data


class PlanLockForm(PlanVersionForm):
    """Every table of a round shares one lock form on the plan page: the pressed button sends
    `lock=3` or `unlock=3`. `cleaned_data` gives `table` and `locked`."""

    round = forms.IntegerField(min_value=1, max_value=12)
    lock = forms.IntegerField(min_value=1, required=False)
    unlock = forms.IntegerField(min_value=1, required=False)

    def clean(self):
        data = super().clean()
        lock, unlock = data.get("lock"), data.get("unlock")
        if (lock is None) == (unlock is None):
            raise forms.ValidationError("Name one table to lock or unlock.")
        data["table"], data["locked"] = (lock, True) if lock is not None else (unlock, False)
        return data


class PlanGenerateForm(PlanVersionForm):
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput, required=False)
    tables = forms.IntegerField(min_value=1, required=False)
    auto = forms.BooleanField(required=False)


class ApartPairForm(forms.Form):
    first = forms.ModelChoiceField(queryset=Member.objects.none(), label=_("Team member"))
    second = forms.ModelChoiceField(queryset=Member.objects.none(), label=_("and"))

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["first"].queryset = members
        self.fields["second"].queryset = members
        self.fields["first"].label_from_instance = lambda m: m.full_name
        self.fields["second"].label_from_instance = lambda m: m.full_name

    def clean(self):
        data = super().clean()
        if data.get("first") and data.get("first") == data.get("second"):
            raise forms.ValidationError(_("Choose two different people."))
        return data


class EarlierSessionForm(forms.Form):
    """A session held without this app: when, and its table plan as a file (services/earlier).

    Confirming the preview sends the same fields again with `token` (the previewed tables,
    signed) instead of the file."""

    title = forms.CharField(label=_("Title"), max_length=150)
    date = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    start_time = forms.TimeField(
        label=_("Start time"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    end_time = forms.TimeField(
        label=_("End time"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    place = forms.CharField(label=_("Place"), max_length=150, required=False)
    file = forms.FileField(
        label=_("Table plan"),
        required=False,
        help_text=_(
            "An Excel file (.xlsx), a LibreOffice file (.ods) or a CSV file, at most 2 MB."
        ),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,.ods,.csv,.txt,text/csv,"
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,"
                "application/vnd.oasis.opendocument.spreadsheet"
            }
        ),
    )
    token = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", _("The session must end after it starts."))
        upload = data.get("file")
        if not data.get("token"):
            if not upload:
                self.add_error("file", _("Choose a file to upload."))
            elif upload.size > MAX_UPLOAD_BYTES:
                # Checked before reading: a 10 MB upload is never read into memory here.
                self.add_error("file", too_large_message(TABLE_PLAN))
        return data
