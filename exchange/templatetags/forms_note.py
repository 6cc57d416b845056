"""`{% required_note form %}`: one line that says what the asterisk beside a label means.

Crispy marks a required field's label with `*`; the note explains it once, above the form, and
only when the form has a required field that shows (WCAG 3.3.2: labels or instructions)."""

from django import template

register = template.Library()


@register.inclusion_tag("includes/required_note.html")
def required_note(*forms) -> dict:
    shown = any(
        field.required and not field.widget.is_hidden
        for form in forms
        if form is not None
        for field in form.fields.values()
    )
    return {"shown": shown}
