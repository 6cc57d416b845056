"""Both catalogues are complete and not fuzzy, the compiled files match, no string is missing."""

import gettext
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import models

from learninglines.models import User

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = [code for code, _name in settings.LANGUAGES]


def catalogue(language: str) -> polib.POFile:
    return polib.pofile(str(ROOT / "locale" / language / "LC_MESSAGES" / "django.po"))


def test_project_languages_are_dutch_first_then_english():
    assert settings.LANGUAGE_CODE == "nl"
    assert LANGUAGES == ["nl", "en"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_is_complete_and_not_fuzzy(language):
    po = catalogue(language)
    assert len(po) > 0
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []
    assert not po.metadata_is_fuzzy


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalogue_matches_the_po_file(language):
    po = catalogue(language)
    expected = {}
    for entry in po.translated_entries():
        key = entry.msgid if not entry.msgctxt else f"{entry.msgctxt}\x04{entry.msgid}"
        if entry.msgid_plural:
            for index, text in entry.msgstr_plural.items():
                expected[(key, int(index))] = text
        else:
            expected[key] = entry.msgstr
    mo_path = ROOT / "locale" / language / "LC_MESSAGES" / "django.mo"
    with mo_path.open("rb") as handle:
        compiled = dict(gettext.GNUTranslations(handle)._catalog)
    compiled.pop("", None)  # the header
    assert compiled == expected, "run `make messages` and commit the .mo files"


def test_every_marked_string_is_in_the_catalogues(tmp_path):
    """Extract the strings from a copy of the source; every one must already be translated."""
    if not shutil.which("xgettext"):
        pytest.fail("xgettext is missing: run `make test`, which installs Debian's gettext.")
    for folder in ["exchange", "learninglines", "sessions_app", "templates", "locale"]:
        shutil.copytree(
            ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(ROOT / "manage.py", tmp_path / "manage.py")
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("DJANGO_") and k != "DATABASE_URL"
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "nl", "--no-obsolete"],
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    extracted = polib.pofile(str(tmp_path / "locale" / "nl" / "LC_MESSAGES" / "django.po"))
    missing = [entry.msgid for entry in extracted if not entry.translated()]
    assert missing == [], "new strings: run `make messages` and translate them"


# --- no Dutch in the English interface -------------------------------------------------------

# Dutch words of the interface itself (buttons, headings, navigation, dates) that the demo's data
# does not use as words: one of them on an English page is text that was not translated.
DUTCH_CHROME = re.compile(
    r"\b(Opslaan|Annuleren|Uitloggen|Inloggen|Leerlijnen|Leerlijn|Stuurgroep|Tafelindeling"
    r"|Bijeenkomsten|Spelregels|Terug|Verwijderen|Wijzigen|Overzicht|Aanwezig|Afwezig|Plannen"
    r"|Teamleden|Mijn|Nog|Geen|Niet|Toevoegen|Bekijken|Downloaden|Afdrukken|Deelnemers)\b"
    r"|\b\d{1,2} (januari|februari|maart|mei|juni|juli|augustus|oktober|mrt|okt)\b"
    r"|\b(maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag) \d"
)
SHOWN_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt", "data-confirm", "value"}


class _ShownText(HTMLParser):
    """The text a page shows or reads out, and its links."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._hidden += 1
        for name, value in attrs:
            if value and (name in SHOWN_ATTRIBUTES or name.endswith("-text")):
                self.parts.append(value)
        href = dict(attrs).get("href")
        if tag == "a" and href and href.startswith("/") and not href.startswith("/static/"):
            self.links.append(href.split("#")[0])

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.parts.append(data)


def _data_texts() -> list[str]:
    """Every text the database holds (names, the school's own texts): data, not interface."""
    texts = set()
    for model in apps.get_models():
        fields = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, (models.CharField, models.TextField))
        ]
        for row in model.objects.values_list(*fields) if fields else []:
            for value in row:
                if value and len(value) > 2:
                    texts.add(value)
                    texts.update(line.strip() for line in value.splitlines() if line.strip())
    return sorted(texts, key=len, reverse=True)


# Pages that change something, or sign out, even on GET; and downloads.
NOT_CRAWLED = re.compile(r"/logout/|/i18n/|/erase/|/delete/|/renew/|\.ics$|\.csv$|\.xlsx$")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "email",
    [
        "sanne.jansen@regenboog.example",  # teacher
        "anouk.devries@regenboog.example",  # steering group
        "karin.hoekstra@coach.example",  # coach of two schools
    ],
)
def test_english_pages_show_no_dutch_interface_text(client, email):
    """Every kind of page a role reaches from the home page (one page per URL pattern), in
    English: besides the data, no Dutch word of the interface."""
    call_command("seed_demo", allow_production=True)
    data = _data_texts()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(User.objects.get(email=email))
    queue, seen_patterns, leaks = ["/", "/privacy/", "/me/data/", "/no-such-page/"], set(), []
    while queue:
        url = queue.pop(0)
        pattern = re.sub(r"\d+", "N", url.split("?")[0])
        if pattern in seen_patterns or NOT_CRAWLED.search(url):
            continue
        seen_patterns.add(pattern)
        response = client.get(url)
        if response.status_code == 302:
            queue.append(response["Location"])
        if "html" not in response.get("Content-Type", ""):
            continue
        page = _ShownText()
        page.feed(response.content.decode())
        queue.extend(page.links)
        for part in page.parts:
            for text in data:
                if text in part:
                    part = part.replace(text, " ")
            if found := DUTCH_CHROME.search(part):
                leaks.append(f"{url}: {found.group(0)!r} in {part.strip()[:120]!r}")
    assert len(seen_patterns) > 20
    assert leaks == []
