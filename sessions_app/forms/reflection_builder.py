"""Forms of the reflection-form builder: a question, and the form's settings.

Bound with `initial`, never an instance: the services change the questionnaire and its
questions (and refuse a change of meaning once someone has answered).
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from sessions_app.models import Question, Questionnaire
from sessions_app.services.reflections import QuestionData

# Who reads the answer, in plain words: shown next to each question in the builder and on print.
WHO_READS = {
    Question.Privacy.NAMED: _("Named: the steering group and the coach see your name."),
    Question.Privacy.ANONYMOUS: _(
        "Anonymous: without your name; only shown in groups of 3 or more."
    ),
    Question.Privacy.PRIVATE: _("Private: only you; a copy goes into your learning log."),
}


def who_reads(privacy: str) -> str:
    return str(WHO_READS.get(privacy, ""))


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=Question.Kind.choices)
    text = forms.CharField(label=_("Question"), max_length=300)
    help_text = forms.CharField(
        label=_("Explanation"),
        max_length=300,
        required=False,
        help_text=_("Optional: a short hint shown under the question."),
    )
    required = forms.BooleanField(label=_("An answer is required"), required=False)
    privacy = forms.ChoiceField(
        label=_("Who reads the answer"),
        choices=[(value, WHO_READS[value]) for value in Question.Privacy.values],
        widget=forms.RadioSelect,
        initial=Question.Privacy.NAMED,
    )
    choices = forms.CharField(
        label=_("Choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For single and multiple choice: one choice per line, at least two."),
    )
    scale_low = forms.CharField(
        label=_("Label at 1"),
        max_length=60,
        required=False,
        help_text=_("For a scale: for example “not useful”."),
    )
    scale_high = forms.CharField(
        label=_("Label at 5"),
        max_length=60,
        required=False,
        help_text=_("For a scale: for example “very useful”."),
    )

    @classmethod
    def initial_of(cls, question: Question) -> dict:
        return {
            "kind": question.kind,
            "text": question.text,
            "help_text": question.help_text,
            "required": question.required,
            "privacy": question.privacy,
            "choices": "\n".join(question.choices),
            "scale_low": question.scale_low,
            "scale_high": question.scale_high,
        }

    def data_object(self) -> QuestionData:
        data = self.cleaned_data
        return QuestionData(
            kind=data["kind"],
            text=data["text"],
            help_text=data["help_text"],
            required=data["required"],
            privacy=data["privacy"],
            choices=[line.strip() for line in data["choices"].splitlines() if line.strip()],
            scale_low=data["scale_low"],
            scale_high=data["scale_high"],
        )


LOCAL_INPUT = "%Y-%m-%dT%H:%M"


class QuestionnaireSettingsForm(forms.Form):
    """Title, introduction and when the form opens and closes (local time)."""

    title = forms.CharField(label=_("Title"), max_length=150)
    intro = forms.CharField(
        label=_("Introduction"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown above the questions: why you ask, and how long it takes."),
    )
    opens_at = forms.DateTimeField(
        label=_("Opens at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_INPUT),
        help_text=_("Empty: it opens by hand (or when the program reaches the reflection)."),
    )
    closes_at = forms.DateTimeField(
        label=_("Closes at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_INPUT),
        help_text=_("Empty: a week after it opens."),
    )
    open_at_reflection = forms.BooleanField(
        label=_("Open when the program reaches the reflection"),
        required=False,
        help_text=_("The projector's clock opens the form at the program's last whole-group part."),
    )

    def __init__(self, *args, for_session: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not for_session:
            del self.fields["open_at_reflection"]

    @classmethod
    def initial_of(cls, questionnaire: Questionnaire) -> dict:
        return {
            "title": questionnaire.title,
            "intro": questionnaire.intro,
            "opens_at": questionnaire.opens_at,
            "closes_at": questionnaire.closes_at,
            "open_at_reflection": questionnaire.open_at_reflection,
        }

    def clean(self):
        data = super().clean()
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("The form must close after it opens."))
        return data


def add_service_error(form: forms.Form, error: ValidationError) -> None:
    """A service's ValidationError on the form: on its field when the form has it, else on top."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)
