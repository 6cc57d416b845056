"""The learning-log form, which says in plain words who will read an entry."""

from __future__ import annotations

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from learninglines.models import LearningLine, LogEntry


def sharing_choices(*, line: LearningLine | None, colleagues: int) -> list[tuple[str, str]]:
    """The two sharing choices, each saying who reads the entry (for the author's line today)."""
    private = _("Only me. Nobody else can read it: not the steering group, not the coach.")
    if line is None:
        shared = _(
            "Me and my learning line. You are not in a line on this date yet, so for now nobody "
            "else can read it."
        )
    else:
        shared = ngettext(
            "Me and my learning line %(line)s: %(count)d colleague in the line on the entry's "
            "date can read it. The steering group and the coach cannot, unless they are in your "
            "line.",
            "Me and my learning line %(line)s: the %(count)d colleagues in the line on the "
            "entry's date can read it. The steering group and the coach cannot, unless they are "
            "in your line.",
            colleagues,
        ) % {"line": str(line), "count": colleagues}
    return [(LogEntry.Sharing.PRIVATE, private), (LogEntry.Sharing.LINE, shared)]


# A part of an entry is a few paragraphs; the same limit as an exchange's notes keeps a pasted
# document from filling the log's list.
PART_LENGTH = 5000

PARTS = ("tried", "effect", "to_bring")

# The id of the form's own message above the fields (log_form.html), which describes the three
# parts when none is written.
PARTS_ERROR_ID = "log-form-error"


class LogEntryForm(forms.ModelForm):
    """Bound with `initial`, never an instance: the service changes the entry, not the form."""

    class Meta:
        model = LogEntry
        fields = ["date", "tried", "effect", "to_bring", "sharing"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "tried": forms.Textarea(attrs={"rows": 3}),
            "effect": forms.Textarea(attrs={"rows": 3}),
            "to_bring": forms.Textarea(attrs={"rows": 3}),
            "sharing": forms.RadioSelect,
        }

    def __init__(
        self,
        *args,
        line: LearningLine | None = None,
        colleagues: int = 0,
        note: str = "",
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        # The text copied from a reflection is not a field, but it makes an entry say something.
        self.note = note
        self.fields["sharing"].choices = sharing_choices(line=line, colleagues=colleagues)
        self.fields["sharing"].label = _("Who may read it")
        for name in PARTS:
            field = self.fields[name]
            field.max_length = PART_LENGTH
            field.validators.append(MaxLengthValidator(PART_LENGTH))
            field.widget.attrs["maxlength"] = str(PART_LENGTH)

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(name) for name in PARTS) and not self.note:
            # The message belongs to the form, not to a field; still each part is marked
            # invalid (also in red) and reads it out, after what Django ties to the part itself
            # (its own message when it is too long).
            for name in PARTS:
                described = f"{self[name].aria_describedby or ''} {PARTS_ERROR_ID}".strip()
                attrs = self.fields[name].widget.attrs
                attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
                attrs.update({"aria-invalid": "true", "aria-describedby": described})
            raise forms.ValidationError(_("Write at least one of the three parts."))
        return cleaned
