"""Complete the English catalogue: source strings are English, so an empty msgstr takes the msgid.

Run by `make messages` after makemessages. Entries someone translated (reworded English) are kept;
fuzzy flags on English entries are cleared because the source text is the translation.
"""

from pathlib import Path

import polib

CATALOGUE = Path(__file__).resolve().parent.parent / "locale" / "en" / "LC_MESSAGES" / "django.po"


def main() -> None:
    po = polib.pofile(str(CATALOGUE))
    filled = 0
    for entry in po:
        if entry.obsolete:
            continue
        if entry.msgid_plural:
            if not all(entry.msgstr_plural.values()) or entry.fuzzy:
                entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
                filled += 1
        elif not entry.msgstr or entry.fuzzy:
            entry.msgstr = entry.msgid
            filled += 1
        if entry.fuzzy:
            entry.flags.remove("fuzzy")
    po.save()
    print(f"English catalogue: {filled} entries filled from the source text.")


if __name__ == "__main__":
    main()
