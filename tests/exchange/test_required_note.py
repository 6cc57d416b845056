"""Crispy marks a required field's label with `*`: every form page says once what it means."""

import re

import pytest

from tests.exchange.test_templates import ROOT, TEMPLATES

CRISPY = re.compile(r"\|crispy\b|\|as_crispy_field\b")
NOTE = "Velden met een * zijn verplicht."


@pytest.mark.parametrize(
    "template",
    [path for path in TEMPLATES if CRISPY.search(path.read_text(encoding="utf-8"))],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_a_template_that_renders_a_form_explains_the_asterisk(template):
    text = template.read_text(encoding="utf-8")
    note = text.find("{% required_note ")
    assert note != -1
    assert note < CRISPY.search(text).start()  # above the fields


@pytest.mark.django_db
def test_the_note_shows_where_a_field_is_required(client, steering):
    assert NOTE in client.get("/login/").content.decode()
    client.force_login(steering.user)
    page = client.get("/s/de-regenboog/team/add/").content.decode()
    assert page.count(NOTE) == 1
    assert page.count('<span class="asteriskField">*</span>') >= 2  # first name, address


@pytest.mark.django_db
def test_no_note_without_a_required_field():
    from django import forms
    from django.template import Context, Template

    class Optional(forms.Form):
        note = forms.CharField(required=False)
        token = forms.CharField(widget=forms.HiddenInput)

    template = Template("{% load forms_note %}{% required_note form %}")
    assert template.render(Context({"form": Optional()})).strip() == ""
