"""Fill Dutch msgstr values from a Python file defining NL = {msgid: msgstr}; tidy both headers.

Usage: python scripts/apply_translations.py translations.py
Plural entries take a (singular, plural) pair; an entry with a context is keyed
(context, msgid).
Entries already translated are overwritten only when the file names them.
"""

import runpy
import sys
from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parent.parent / "locale"
HEADERS = {
    "Project-Id-Version": "brengen-en-halen",
    "Report-Msgid-Bugs-To": "",
    "Last-Translator": "Brengen & Halen team",
    "Language-Team": "",
    "Content-Type": "text/plain; charset=UTF-8",
}


def tidy(po: polib.POFile, language: str) -> None:
    po.metadata.update(HEADERS)
    po.metadata["Language"] = language
    po.metadata_is_fuzzy = []
    po.header = "Translations of Brengen & Halen."


def main(path: str) -> None:
    translations = runpy.run_path(path)["NL"]
    nl = polib.pofile(str(LOCALE / "nl" / "LC_MESSAGES" / "django.po"))
    tidy(nl, "nl")
    applied = 0
    for entry in nl:
        key = (entry.msgctxt, entry.msgid) if entry.msgctxt else entry.msgid
        if key in translations:
            value = translations[key]
            if entry.msgid_plural:  # a (singular, plural) pair
                entry.msgstr_plural = {0: value[0], 1: value[1]}
            else:
                entry.msgstr = value
            if entry.fuzzy:
                entry.flags.remove("fuzzy")
            applied += 1
    nl.save()
    en = polib.pofile(str(LOCALE / "en" / "LC_MESSAGES" / "django.po"))
    tidy(en, "en")
    en.save()
    missing = [e.msgid for e in nl if not e.obsolete and not e.translated()]
    print(f"Dutch: {applied} applied, {len(missing)} still untranslated.")
    for msgid in missing:
        print(f"  - {msgid!r}")


if __name__ == "__main__":
    main(sys.argv[1])
