"""Forms for school years, learning lines and their steps."""

from django import forms
from django.utils.translation import gettext_lazy as _

from learninglines.models import LearningLine, LineColour, LineStep


class LineForm(forms.ModelForm):
    """What the steering group and coach set: name, goal, description and colour."""

    class Meta:
        model = LearningLine
        fields = ["name", "goal", "description", "colour"]
        widgets = {
            "goal": forms.Textarea(attrs={"rows": 2}),
            "description": forms.Textarea(attrs={"rows": 4}),
            "colour": forms.RadioSelect,
        }
        help_texts = {
            "goal": _("One or two sentences: what the group wants to learn this year."),
            "colour": _(
                "Each colour is shown with the line's letter, so colour is never the only cue."
            ),
        }

    def __init__(self, *args, year=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.year = year
        self.fields["colour"].required = False
        self.fields["colour"].choices = LineColour.choices

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        year = self.year or getattr(self.instance, "year", None)
        taken = LearningLine.objects.filter(year=year, name__iexact=name).exclude(
            pk=self.instance.pk
        )
        if year is not None and taken.exists():
            if all(line.is_archived for line in taken):
                raise forms.ValidationError(
                    _(
                        "An archived line of this school year has this name. Bring it back "
                        "from the list of archived lines, or choose another name."
                    )
                )
            raise forms.ValidationError(_("This school year already has a line with this name."))
        return name


class LineContentForm(forms.ModelForm):
    """What the members of a line shape themselves: its description."""

    class Meta:
        model = LearningLine
        fields = ["description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}


class StepForm(forms.Form):
    pk = forms.IntegerField(required=False, widget=forms.HiddenInput)
    title = forms.CharField(label=_("Step"), max_length=200, required=False)
    status = forms.ChoiceField(
        label=_("Status"), choices=LineStep.Status.choices, initial=LineStep.Status.PLANNED
    )
    target_date = forms.DateField(
        label=_("Target date"),
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )


class BaseStepFormSet(forms.BaseFormSet):
    """Blank rows are skipped; a row with a date or status change but no title is an error,
    and so is an existing step whose title was cleared: a step is removed only by ticking
    Delete (saving deletes the steps not kept, so an empty title would delete it unasked).
    Each row has a place number: the steps are saved in that order (`ordered_rows`)."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if forms.formsets.ORDERING_FIELD_NAME in form.fields:
            field = form.fields[forms.formsets.ORDERING_FIELD_NAME]
            field.label = _("Place")
            field.widget.attrs.update(min=1, max=self.max_num)

    def ordered_rows(self) -> list[dict]:
        """The rows with a title that are kept, by place number (rows without one last, in the
        order they came), so renumbering a step moves it."""
        rows = [
            (row.get(forms.formsets.ORDERING_FIELD_NAME), index, row)
            for index, row in enumerate(self.cleaned_data)
            if row and row.get("title", "").strip() and not row.get("DELETE")
        ]
        rows.sort(key=lambda item: (item[0] is None, item[0] or 0, item[1]))
        return [row for _place, _index, row in rows]

    def clean(self):
        super().clean()
        for form in self.forms:
            if not hasattr(form, "cleaned_data"):
                continue
            data = form.cleaned_data
            if data.get("title", "").strip() or data.get("DELETE"):
                continue
            if data.get("pk"):
                form.add_error("title", _("Give this step a name, or tick Delete to remove it."))
            elif data.get("target_date"):
                form.add_error("title", _("Give this step a name, or clear its date."))
            elif data.get("status", LineStep.Status.PLANNED) != LineStep.Status.PLANNED:
                form.add_error("title", _("Give this step a name, or set its status to planned."))


StepFormSet = forms.formset_factory(
    StepForm,
    formset=BaseStepFormSet,
    extra=2,
    can_delete=True,
    can_order=True,
    max_num=30,
    validate_max=True,
)


class YearOpenForm(forms.Form):
    """Open the next school year, copying the lines chosen (and, per line, their members)."""

    # the year shown as the latest when the page was made: a second press opens nothing more
    after = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, lines=(), after=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["after"].initial = after.pk if after is not None else None
        self.lines = list(lines)
        for line in self.lines:
            self.fields[f"copy_{line.pk}"] = forms.BooleanField(
                label=_("Copy %(line)s") % {"line": line},
                required=False,
                initial=True,
                widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
            )
            self.fields[f"members_{line.pk}"] = forms.BooleanField(
                label=_("with its members"),
                required=False,
                initial=True,
                widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
            )

    def rows(self):
        return [(line, self[f"copy_{line.pk}"], self[f"members_{line.pk}"]) for line in self.lines]

    def choices(self) -> tuple[set[int], set[int]]:
        copy = {line.pk for line in self.lines if self.cleaned_data.get(f"copy_{line.pk}")}
        carry = {pk for pk in copy if self.cleaned_data.get(f"members_{pk}")}
        return copy, carry
