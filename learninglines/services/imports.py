"""Staff import: read a school's staff list (XLSX or CSV), say what it would change, apply it.

Rules kept here (docs/staff-import.md says the same for schools):
- Any error, in the file or in one row: nothing is saved. The confirmation reads the stored file
  again and applies it in one transaction only when the outcome is still the one previewed.
- People are matched by e-mail address, whatever its capitals. An import adds and updates team
  members; it never deletes or deactivates anyone and sends no mail.
- An empty line or steering-group cell keeps what is set now. A line cell places the person in
  that line of the import year (the current school year, or else the next one) from today, or
  from the year's first day when it has not begun yet.
- Importing the same file again changes nothing: every row is "unchanged".
- A full-name column ("Naam") is split into first name, prefix and last name (split_full_name).
  Beside a first-name column it is left out; beside a last-name column it holds first names.
  Without a prefix column, a last name "van der Berg" or "Berg, van der" holds the prefix
  (split_last_name), unless the person is stored with exactly that last name.
- A private e-mail column ("E-mail privé") is used only when no other column holds addresses.
- The file is read with the csv module or openpyxl (read-only), after checks that keep a junk
  file or a zip bomb from costing more than a moment: size, zip entries, unpacked size, rows.
- Rows are numbered as the spreadsheet shows them. A workbook value we cannot see as Excel shows
  it (a formula without its saved result) is a problem, never an empty cell; a hidden row is
  read, and its row says so.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import hashlib
import io
import json
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date, timedelta

import openpyxl
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, models, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils.cell import get_column_letter, range_boundaries
from openpyxl.xml.constants import SHEET_MAIN_NS
from openpyxl.xml.functions import iterparse

from learninglines.models import (
    DIRECTION_CONTROLS,
    CoachAssignment,
    LearningLine,
    LineMembership,
    Member,
    School,
    SchoolYear,
    StaffImport,
    User,
    join_name,
)
from learninglines.services.lines import membership_move
from learninglines.services.people import member_update

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2000
# Columns read per row. An export of an administration system may have many; a header row with
# values beyond this is refused (TooManyColumns) rather than read in part: a column we did not
# read would go missing without a word.
MAX_COLUMNS = 200
# An honest staff list of 2000 rows unpacks to about 1 MB; these bounds stop a zip bomb before
# openpyxl opens it (zipfile never inflates an entry beyond the size it declares).
MAX_XLSX_UNPACKED_BYTES = 20 * 1024 * 1024
MAX_XLSX_ENTRIES = 300
# Excel keeps formatted but empty rows; after this many in a row the rest is not read.
MAX_EMPTY_ROWS_IN_A_ROW = 1000
HEADER_SEARCH_ROWS = 10
KEEP_UPLOADS = timedelta(days=1)
TEMPLATE_EXAMPLE_EMAIL = "daan.vanderberg@example.org"


class ImportField(models.TextChoices):
    FULL_NAME = "full_name", gettext_lazy("Full name")
    FIRST_NAME = "first_name", gettext_lazy("First name")
    NAME_PREFIX = "name_prefix", gettext_lazy("Name prefix")
    LAST_NAME = "last_name", gettext_lazy("Last name")
    EMAIL = "email", gettext_lazy("E-mail address")
    LINE = "line", gettext_lazy("Learning line")
    STEERING = "steering", gettext_lazy("Steering group")


# The template's columns. Their headers are the fields' names in the page's language: Dutch
# ("Voornaam", "Tussenvoegsel", ...) as schools' own lists are, English on an English page; both
# are among HEADER_ALIASES, so a filled-in template reads back in either language.
TEMPLATE_FIELDS = [
    ImportField.FIRST_NAME,
    ImportField.NAME_PREFIX,
    ImportField.LAST_NAME,
    ImportField.EMAIL,
    ImportField.LINE,
    ImportField.STEERING,
]


def _words(text: str) -> list[str]:
    """The runs of letters and digits, lower case, accents dropped: "E-mail (privé)" ->
    ["e", "mail", "prive"]."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return re.findall(r"[^\W_]+", plain)


def _key(text: str) -> str:
    """Letters and digits only, lower case, accents dropped: "E-mailadres " -> "emailadres"."""
    return "".join(_words(text))


# Header spellings seen in school administration exports (ParnasSys, Esis, Magister, Excel made
# by hand), Dutch and English, as `_key` writes them.
# fmt: off
HEADER_ALIASES = {
    ImportField.FULL_NAME: [
        "naam", "volledigenaam", "naamvolledig", "volnaam", "naammedewerker", "medewerkernaam",
        "medewerker", "weergavenaam", "name", "fullname", "displayname", "employeename",
        # both parts named in the header ("Voor- en achternaam", "Achternaam, roepnaam")
        "voorenachternaam", "voornaamachternaam", "voornaamenachternaam", "roepnaamachternaam",
        "roepnaamenachternaam", "achternaamvoornaam", "achternaamroepnaam", "firstnamelastname",
        "lastnamefirstname",
    ],
    ImportField.FIRST_NAME: [
        "voornaam", "voornamen", "roepnaam", "vnaam", "firstname", "givenname", "forename",
        "first", "callname",
    ],
    ImportField.NAME_PREFIX: [
        "tussenvoegsel", "tussenvoegsels", "tussenv", "voorvoegsel", "voorvoegsels",
        "voorv", "nameprefix", "prefix", "infix", "surnameprefix", "lastnameprefix",
    ],
    ImportField.LAST_NAME: [
        "achternaam", "familienaam", "geslachtsnaam", "lastname", "surname", "familyname",
        # the last name with its prefix in one column ("Achternaam + tussenvoegsel")
        # ("Achternaam incl. voorvoegsel", as ParnasSys calls the prefix)
        *(
            f"achternaam{link}{prefix}"
            for link in ("", "met", "incl", "inclusief")
            for prefix in ("tussenvoegsel", "tussenvoegsels", "voorvoegsel", "voorvoegsels")
        ),
        "volledigeachternaam", "achternaamvolledig",
    ],
    ImportField.EMAIL: [
        "email", "emailadres", "emailaddress", "mail", "mailadres", "emailwerk", "werkemail",
        "emailschool", "schoolemail", "workemail",
        # a Microsoft 365 export of the users: the sign-in name is the address
        "userprincipalname",
    ],
    ImportField.LINE: [
        "leerlijn", "leerlijnen", "leerlijnnaam", "naamleerlijn", "lijn", "learningline", "line",
        "linename",
    ],
    ImportField.STEERING: [
        "stuurgroep", "stuurgroeplid", "lidstuurgroep", "lidvandestuurgroep", "steeringgroup",
        "steering", "steeringgroupmember", "steeringcommittee",
    ],
}
# fmt: on
CALL_NAME_KEYS = ("roepnaam", "callname")
_ALIAS_FIELD = {alias: f for f, aliases in HEADER_ALIASES.items() for alias in aliases}

# Words that only say which address an e-mail column holds ("E-mailadres (werk)", "Mail school",
# "Zakelijk e-mailadres"). A private address ("E-mail privé") is taken only where the file has
# no other e-mail column: the school's address comes first.
EMAIL_QUALIFIERS = {
    "werk", "school", "zakelijk", "zakelijke", "work", "business", "office", "primair",
    "primary", "hoofd", "main", "adres", "address", "organisatie",
}  # fmt: skip
# Words that say whose value a column holds, as lists of staff add them ("Voornaam medewerker",
# "E-mail werknemer"): left out when a header is not recognised with them.
SUBJECT_WORDS = {
    "medewerker", "medewerkers", "werknemer", "personeel", "personeelslid", "employee", "staff",
}  # fmt: skip
PRIVATE_QUALIFIERS = {
    "prive", "prieve", "private", "personal", "persoonlijk", "persoonlijke", "thuis", "home",
}  # fmt: skip
_BRACKETED = re.compile(r"[(\[{][^)\]}]*[)\]}]")

YES = {
    "ja", "j", "yes", "y", "x", "1", "waar", "true", "wel", "stuurgroep", "✓", "✔", "☑", "✅",
    # "v" for a tick ("vinkje"), as typed where the font has no tick
    "v",
    # a role in the steering group, as some lists write it
    "lid", "voorzitter", "secretaris", "member", "chair", "√",
}  # fmt: skip
NO = {
    "nee", "neen", "n", "no", "0", "onwaar", "false", "niet", "geen", "nvt", "-", "✗", "✘",
    "❌", "☐",
}  # fmt: skip


# Words that open a Dutch (or Flemish, French, German, Arabic) surname: "van", "van der",
# "in 't", "de la", "von", "el". Lower case, as `split_full_name` compares them.
NAME_PREFIXES = {
    "van", "von", "vom", "de", "der", "den", "des", "di", "da", "du", "dos", "la", "le", "les",
    "l'", "d'", "het", "'t", "te", "ter", "ten", "in", "op", "uit", "aan", "bij", "onder",
    "over", "voor", "el", "al", "zu", "zum",
}  # fmt: skip


_INITIALS = re.compile(r"(?:[^\W\d_]\.\s*)+")
_ONE_NAME = re.compile(r"[^\W\d_][^\W\d_'-]*(?:[-'][^\W\d_]+)*")


def split_full_name(text: str) -> tuple[str, str, str]:
    """A full name as (first name, prefix, last name), the way Dutch lists write it.

    - "Daan van der Berg": the last name starts at the first prefix word after the first word
      ("van der"), or at a double name joined by a prefix ("Piet Bakker-de Wit"), or else is
      the last word: "Anne Marie Jansen" is Anne Marie, Jansen.
    - "Berg, Daan van der" or "van der Berg, Daan" (last name first, as administration systems
      export it): the prefix words before or after the comma are the prefix.
    - One word is a first name only. Capitals are kept as written.
    - What the name adds in brackets is left out ("Jan Smit (IB)"), unless it is the call
      name beside initials: "Smit, J. (Jan)" is Jan Smit.
    """
    bracketed = [part[1:-1].strip() for part in _BRACKETED.findall(text)]
    if bracketed:
        first, prefix, last = split_full_name(_BRACKETED.sub(" ", text))
        call_name = bracketed[0]
        if first and _INITIALS.fullmatch(first) and _ONE_NAME.fullmatch(call_name):
            first = call_name
        return first, prefix, last
    if "," in text:
        last, first = (part.split() for part in text.split(",", 1))
        prefix: list[str] = []
        while len(first) > 1 and first[-1].casefold() in NAME_PREFIXES:
            prefix.insert(0, first.pop())
        while len(last) > 1 and last[0].casefold() in NAME_PREFIXES:
            prefix.append(last.pop(0))
        while len(last) > 1 and last[-1].casefold() in NAME_PREFIXES:
            prefix.insert(0, last.pop())
        if not first:  # "Berg," or ", Daan": the one name there is is taken as the first name
            first, last = last, []
        return " ".join(first), " ".join(prefix), " ".join(last)
    words = text.split()
    start = end = max(1, len(words) - 1)
    for i in range(1, len(words) - 1):
        word = words[i].casefold()
        if word in NAME_PREFIXES:
            start = end = i
            while end < len(words) - 1 and words[end].casefold() in NAME_PREFIXES:
                end += 1
            break
        if word.rpartition("-")[2] in NAME_PREFIXES:  # "Bakker-de Wit": one last name
            start = end = i
            break
    return " ".join(words[:start]), " ".join(words[start:end]), " ".join(words[end:])


def split_last_name(text: str) -> tuple[str, str]:
    """A last name that holds its prefix, as (prefix, last name): "van der Berg" and "Berg, van
    der" give ("van der", "Berg"). A name without prefix words gives ("", text)."""
    if "," in text:
        last, after = (part.split() for part in text.split(",", 1))
        if last and after and all(word.casefold() in NAME_PREFIXES for word in after):
            return " ".join(after), " ".join(last)
        return "", text.strip()
    words = text.split()
    start = 0
    while start < len(words) - 1 and words[start].casefold() in NAME_PREFIXES:
        start += 1
    return " ".join(words[:start]), " ".join(words[start:])


def _first_of_full_name(text: str, prefix: str | None, last: str) -> tuple[str, str] | None:
    """The first name and prefix in a whole name ("Anouk de Vries", "Vries, Anouk de") whose
    last name is `last` (with `prefix`, when the file has a prefix column); None when `text`
    does not end with that last name (it is the first names, as a "Naam" column beside
    "Achternaam" mostly holds)."""
    tail = [_key(word) for word in f"{prefix or ''} {last}".split()]
    if "," in text:
        first, split_prefix, split_last = split_full_name(text)
        named = [_key(word) for word in f"{split_prefix} {split_last}".split()]
        if first and (named == tail or [_key(w) for w in split_last.split()] == tail):
            return first, split_prefix
        return None
    words = text.split()
    if len(words) <= len(tail) or [_key(word) for word in words[-len(tail) :]] != tail:
        return None
    words = words[: -len(tail)]
    prefix_words: list[str] = []
    while len(words) > 1 and words[-1].casefold() in NAME_PREFIXES:
        prefix_words.insert(0, words.pop())
    return " ".join(words), " ".join(prefix_words)


def _email_compound(key: str) -> bool | None:
    """For an e-mail header written as one word with its qualifier ("Werkmail", "Schoolmail",
    "Privémail", "Mailadres werk" without the space): whether it is private; None if `key` is
    not such a header.
    """
    for qualifier in EMAIL_QUALIFIERS | PRIVATE_QUALIFIERS:
        rest = ""
        if key.startswith(qualifier):
            rest = key[len(qualifier) :]
        elif key.endswith(qualifier):
            rest = key[: -len(qualifier)]
        if rest and _ALIAS_FIELD.get(rest) == ImportField.EMAIL:
            return qualifier in PRIVATE_QUALIFIERS
    return None


def header_match(header: str) -> tuple[str | None, bool]:
    """The field a header names, and whether it names a private e-mail address.

    Other capitals, spaces, accents and a small typo do not matter, nor does what a header adds
    in brackets or as a number ("Stuurgroep (ja/nee)", "Leerlijn 2026-2027"), nor which address
    an e-mail column holds ("E-mailadres (werk)", "Mail school", "E-mail privé").
    """
    key = _key(header)
    if not key:
        return None, False
    words = _words(_BRACKETED.sub(" ", header))
    core = [word for word in words if not word.isdigit()]
    private = any(word in PRIVATE_QUALIFIERS for word in _words(header))
    # "Voornaam medewerker": without the words that say whose name it is
    subject_core = "".join(word for word in core if word not in SUBJECT_WORDS)
    email_core = "".join(
        w for w in core if w not in EMAIL_QUALIFIERS | PRIVATE_QUALIFIERS | SUBJECT_WORDS
    )
    for candidate in (key, "".join(core), subject_core):
        if candidate in _ALIAS_FIELD:
            found = _ALIAS_FIELD[candidate]
            return found, private and found == ImportField.EMAIL
    if _ALIAS_FIELD.get(email_core) == ImportField.EMAIL:
        return ImportField.EMAIL, private
    email_compound = _email_compound(email_core or key)
    if email_compound is not None:
        return ImportField.EMAIL, private or email_compound
    for candidate in (key, "".join(core)):
        if len(candidate) >= 5:
            close = difflib.get_close_matches(candidate, list(_ALIAS_FIELD), n=1, cutoff=0.85)
            if close:
                found = _ALIAS_FIELD[close[0]]
                return found, private and found == ImportField.EMAIL
    return None, False


def header_field(header: str) -> str | None:
    """The field a header names (see header_match)."""
    return header_match(header)[0]


# --- Reading a file ----------------------------------------------------------------------------


class ImportFileError(Exception):
    """A file we cannot read; the message says why in words for the person who uploaded it."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class TooManyRows(ImportFileError):
    pass


class TooManyColumns(ImportFileError):
    """A header row (or a row above it) with values beyond MAX_COLUMNS."""

    def __init__(self, row: int, sheet: str = ""):
        if sheet:
            where = _("Sheet “%(sheet)s”, row %(row)d") % {"sheet": sheet, "row": row}
        else:
            where = _("Row %(row)d") % {"row": row}
        super().__init__(
            _(
                "%(where)s has values in more than %(max)d columns, so we cannot read it as a "
                "list. Delete the columns you do not need (or copy the columns you need to a new "
                "sheet), then upload the file again."
            )
            % {"where": where, "max": MAX_COLUMNS}
        )
        self.row = row


class EmptyFile(ImportFileError):
    def __init__(self):
        super().__init__(_("The file is empty."))


class NoHeaderRow(ImportFileError):
    """No row names the columns; the message describes a staff list's header row."""


@dataclass
class Table:
    """A sheet as text: its header row and the non-empty rows under it, by spreadsheet row."""

    headers: list[str]
    rows: list[tuple[int, list[str]]]
    read_as: str  # how it was read, e.g. "CSV with semicolons, Windows-1252", for the preview
    # Excel only: cells with a formula whose result the file does not hold, as (row, column
    # index), and the rows hidden in the sheet (by hand or by a filter)
    uncalculated: set[tuple[int, int]] = field(default_factory=set)
    hidden_rows: set[int] = field(default_factory=set)
    sheet: str = ""  # a workbook sheet's name
    hidden: bool = False  # a workbook sheet Excel does not show (hidden or very hidden)
    # rows with values right of the last column that has a header: {row number: those values}
    # (in a CSV most often a separator inside a name, which shifts the row's cells)
    beyond: dict[int, list[str]] = field(default_factory=dict)
    # every row with a value, the header row and the rows above it too, as (row number, cells
    # up to the last value): a table plan laid out in blocks has no single header row
    grid: list[tuple[int, list[str]]] = field(default_factory=list)


_FORCED_TEXT = re.compile(r'="((?:[^"]|"")*)"', re.DOTALL)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str):
        # ="0612345678": how some exports keep a value text in Excel; Excel shows what is inside
        forced = _FORCED_TEXT.fullmatch(value.strip())
        if forced:
            value = forced.group(1).replace('""', '"')
    # Collapses runs of spaces and non-breaking spaces that exports leave in names, and writes
    # "ë" as one character where a copy from a PDF or a Mac has "e" and a combining diaeresis.
    # Direction controls go, as when a member is saved (Member.save): the rows are bulk-created.
    text = unicodedata.normalize("NFC", str(value)).translate(DIRECTION_CONTROLS)
    return " ".join(text.split())


def _no_header_error() -> ImportFileError:
    return NoHeaderRow(
        _(
            "We found no header row we recognise. The first row must name the columns, for "
            "example First name, Last name and E-mail address. Download the template to see how."
        )
    )


def _staff_header(header: str) -> bool:
    return header_field(header) is not None


def _table(
    raw_rows: Iterable[Iterable], read_as: str, known: Callable[[str], bool] = _staff_header
) -> Table:
    """Find the header row among the first rows, then collect the rows under it.

    The header row is the first with two headers `known` recognises (an export may put a title
    above it), or else the first non-empty row with one, so the others can be chosen by hand.
    """
    seen: list[tuple[int, list[str]]] = []
    header_at = None
    rows: list[tuple[int, list[str]]] = []
    grid: list[tuple[int, list[str]]] = []
    empty_run = 0
    for number, raw in enumerate(raw_rows, start=1):
        values = list(raw)
        cells = [_cell(value) for value in values[:MAX_COLUMNS]]
        if header_at is None and any(
            value not in (None, "") and _cell(value) for value in values[MAX_COLUMNS:]
        ):
            # the header row (or a title above it) reaches further than we read
            raise TooManyColumns(number)
        if not any(cells):
            empty_run += 1
            if empty_run > MAX_EMPTY_ROWS_IN_A_ROW:
                break
            continue
        empty_run = 0
        grid.append((number, cells[: max(i for i, c in enumerate(cells) if c) + 1]))
        if header_at is None:
            seen.append((number, cells))
            if sum(known(c) for c in cells) >= 2:
                header_at = len(seen) - 1
                continue
            if len(seen) < HEADER_SEARCH_ROWS:
                continue
            header_at = next(
                (i for i, (_n, c) in enumerate(seen) if any(known(x) for x in c)), None
            )
            if header_at is None:
                raise _no_header_error()
            rows.extend(seen[header_at + 1 :])
            continue
        rows.append((number, cells))
        if len(rows) > MAX_ROWS:
            raise TooManyRows(
                _("The file has more than %(max)d rows. Split it into smaller files.")
                % {"max": MAX_ROWS}
            )
    if not seen:  # no value at all: separators, spaces, formatted cells
        raise EmptyFile()
    if header_at is None:
        header_at = next((i for i, (_n, c) in enumerate(seen) if any(known(x) for x in c)), None)
        if header_at is None:
            raise _no_header_error()
        rows.extend(seen[header_at + 1 :])
    headers = seen[header_at][1]
    while headers and not headers[-1]:
        headers = headers[:-1]
    width = len(headers)
    # The header again further down (lists put together from several exports, or an export
    # that repeats it on every printed page) is not a person.
    header_keys = [_key(h) for h in headers]
    beyond = {n: [x for x in c[width:] if x] for n, c in rows if any(c[width:])}
    rows = [(n, (c + [""] * width)[:width]) for n, c in rows]
    return Table(
        headers=headers,
        rows=[(n, c) for n, c in rows if [_key(x) for x in c] != header_keys],
        read_as=read_as,
        beyond=beyond,
        grid=grid,
    )


def _not_a_spreadsheet() -> ImportFileError:
    return ImportFileError(
        _(
            "This file is not a spreadsheet we can read. Upload an Excel file (.xlsx) or a CSV "
            "file; in Excel choose Save as and pick one of these."
        )
    )


def _cp1252_byte(error: UnicodeDecodeError) -> tuple[str, int]:
    """A byte that is not UTF-8, read as Windows-1252 (see _decode)."""
    return error.object[error.start : error.end].decode("cp1252", errors="replace"), error.end


codecs.register_error("staff-import-cp1252", _cp1252_byte)


def _name_letters(text: str) -> int:
    """How many characters outside ASCII read as the letters of a name: lower case, or a
    capital that opens a word. A byte read in the wrong encoding gives punctuation († ™) or
    a capital inside a word ("ZoÎ") instead. The few letters Windows-1252 has among its
    punctuation (š ž œ ƒ) are where Mac Roman has ö, û, É: they do not count."""
    count = 0
    for before, char in zip(" " + text, text, strict=False):
        if ord(char) < 128 or char in "ŠšŽžŸŒœƒ" or not char.isalpha():
            continue
        if char.islower() or not before.isalpha():
            count += 1
    return count


def _utf16_without_bom(content: bytes) -> str | None:
    """The byte order ("le" or "be") when `content` looks like UTF-16 text without a byte order
    mark (every other byte zero, as in ASCII text), else None."""
    sample = content[:2000]
    pairs = len(sample) // 2
    if pairs < 2:
        return None
    if sample[1::2].count(0) > 0.4 * pairs and sample[0::2].count(0) == 0:
        return "le"
    if sample[0::2].count(0) > 0.4 * pairs and sample[1::2].count(0) == 0:
        return "be"
    return None


def _decode(content: bytes) -> tuple[str, str]:
    """The text of a CSV file and the name of its encoding.

    UTF-8 first. A file that is not UTF-8 throughout is read byte by byte as Windows-1252 where
    it is not UTF-8: rows pasted from an older export into a UTF-8 file keep their "ë" and the
    rest keeps its own. A file without any UTF-8 in it may be Mac Roman (Excel for Mac's plain
    "CSV"), where "ë" is a byte that Windows-1252 reads as a quotation mark: the reading with
    more letters in the names wins. UTF-16 comes with a byte order mark (Excel's "Unicode
    text"), or is recognised by its zero bytes.
    """
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return content.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:  # binary after the mark, or cut off halfway a character
            raise _not_a_spreadsheet() from None
    try:
        return content.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        pass
    order = _utf16_without_bom(content)
    if order is not None:
        try:
            return content.decode(f"utf-16-{order}"), "UTF-16"
        except UnicodeDecodeError:
            raise _not_a_spreadsheet() from None
    mixed = content.decode("utf-8-sig", errors="staff-import-cp1252")
    try:
        windows = content.decode("cp1252")
    except UnicodeDecodeError:
        windows = None
    if windows is not None and mixed != windows:
        return mixed, "UTF-8, Windows-1252"
    mac = content.decode("mac_roman")
    if windows is None or _name_letters(mac) > _name_letters(windows):
        if any(char < " " and char not in "\t\r\n" for char in mac):
            raise _not_a_spreadsheet()
        return mac, "Mac Roman"
    return windows, "Windows-1252"


_SEP_LINE = re.compile(r'"?sep=([^\r\n"])"?[ \t]*(?:\r\n|\r|\n|$)', re.IGNORECASE)


def _read_csv(content: bytes, known: Callable[[str], bool]) -> Table:
    text, encoding = _decode(content)
    if "\x00" in text:
        raise _not_a_spreadsheet()
    # Excel may open a CSV with a line "sep=;" that names the separator; it does not show that
    # line, so the rows are numbered from the line after it, as Excel numbers them.
    sep_line = _SEP_LINE.match(text)
    if sep_line:
        text = text[sep_line.end() :]
        delimiters = [sep_line.group(1)]
    else:
        try:
            sniffed = csv.Sniffer().sniff(text[:8192], delimiters=";,\t").delimiter
        except csv.Error:
            sniffed = ";"
        delimiters = [sniffed, ";", ",", "\t"]
    best, best_score, errors, broken = None, -1, [], []
    # The sniffer guesses; the delimiter that yields the most recognised headers wins.
    for delimiter in dict.fromkeys(delimiters):
        try:
            # newline="": a line may end in \r\n, \n or a lone \r (Excel's "CSV (Macintosh)")
            rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
            table = _table(rows, "", known)
        except (TooManyRows, EmptyFile):  # nothing but separators is empty whatever they are
            raise
        except ImportFileError as error:
            errors.append(error)
            continue
        except csv.Error:
            # a cell larger than the csv module takes: a quotation mark never closed swallowed
            # the rest of the file, or the file is not text in rows at all
            broken.append(delimiter)
            continue
        score = sum(known(h) for h in table.headers)
        if score > best_score:
            best, best_score = (table, delimiter), score
    if best is None:
        for delimiter in broken:
            row = _quote_left_open(text, delimiter)
            if row is not None:
                raise _unclosed_quote_error(row)
        if broken and not errors:
            raise _not_a_spreadsheet()
        # a header row too wide says more than "no header row" read with another separator
        raise next((e for e in errors if isinstance(e, TooManyColumns)), errors[-1])
    table, delimiter = best
    swallowing = _unclosed_quote(text, delimiter, len(table.headers))
    if swallowing is not None:
        raise _unclosed_quote_error(swallowing)
    names = {";": _("semicolons"), ",": _("commas"), "\t": _("tabs")}
    table.read_as = _("CSV with %(separator)s, %(encoding)s") % {
        "separator": names.get(delimiter, f"“{delimiter}”"),
        "encoding": encoding,
    }
    return table


def _unclosed_quote_error(row: int) -> ImportFileError:
    return ImportFileError(
        _(
            'Row %(row)d has a quotation mark (") that is not closed, so the rows under it '
            "were read as one cell. Remove that quotation mark or close it, then upload the "
            "file again."
        )
        % {"row": row}
    )


def _quote_left_open(text: str, delimiter: str) -> int | None:
    """The row (as Excel numbers it) where a quoted cell opens that the file never closes."""
    row, opened_at, quoted, at_cell_start = 1, None, False, True
    index, end = 0, len(text)
    while index < end:
        char = text[index]
        if quoted:
            if char == '"':
                if index + 1 < end and text[index + 1] == '"':
                    index += 1  # "" inside a quoted cell is one quotation mark
                else:
                    quoted = False
        elif char == '"' and at_cell_start:
            quoted, opened_at = True, row
        elif char == "\r" or char == "\n":
            if char == "\r" and index + 1 < end and text[index + 1] == "\n":
                index += 1
            row += 1
        at_cell_start = not quoted and char in (delimiter, "\r", "\n")
        index += 1
    return opened_at if quoted else None


def _unclosed_quote(text: str, delimiter: str, width: int) -> int | None:
    """The row with a cell that runs on over whole rows under it, if any.

    A quotation mark typed at the start of a cell and never closed makes the csv module read
    every following line into that one cell; in a column we do not import, those people would
    be left out without a word. A cell over several lines in quotes, as Excel writes it, has
    no line with the separators of a row.
    """
    # a swallowed row has about as many separators as the header (width - 1); text that runs
    # over lines in a cell seldom has more than one or two
    separators = max(1, min(width - 1, max(2, width - 2)))
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    for number, cells in enumerate(rows, start=1):
        for cell in cells:
            if any(line.count(delimiter) >= separators for line in cell.splitlines()[1:]):
                return number
    return None


_MERGE_CELL = f"{{{SHEET_MAIN_NS}}}mergeCell"
_ROW = f"{{{SHEET_MAIN_NS}}}row"
_CELL = f"{{{SHEET_MAIN_NS}}}c"
_FORMULA = f"{{{SHEET_MAIN_NS}}}f"
_VALUE = f"{{{SHEET_MAIN_NS}}}v"


@dataclass
class SheetMarks:
    """What read-only openpyxl does not tell about a sheet."""

    # cells merged over several rows, as {first row: [(column, last row)]}
    merged: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    # cells with a formula and no result saved with it, as (row, column index): openpyxl and
    # other programs that write workbooks without calculating them leave the result out, and
    # we would read an empty cell where Excel shows the result
    uncalculated: set[tuple[int, int]] = field(default_factory=set)
    hidden_rows: set[int] = field(default_factory=set)
    sheet: str = ""  # a workbook sheet's name
    hidden: bool = False  # a workbook sheet Excel does not show (hidden or very hidden)


def _sheet_marks(sheet) -> SheetMarks:
    """The merged cells, formulas without a result and hidden rows of `sheet`, read from the
    sheet's XML with the parser openpyxl uses."""
    marks = SheetMarks()
    try:
        # the sheet's XML in the workbook openpyxl has open (a private method of its read-only
        # sheet: should a later openpyxl lack it, the sheet is read without these marks, as
        # before, rather than refused)
        with sheet._get_source() as source:
            for _event, element in iterparse(source):
                tag = element.tag
                if tag in (_FORMULA, _VALUE):
                    continue  # read with their cell, then cleared with it
                if tag == _CELL:
                    children = {child.tag: child for child in element}
                    value = children.get(_VALUE)
                    # an empty result is saved as an empty text ("str"); an empty number is
                    # not a result at all
                    no_result = value is None or (not value.text and element.get("t") != "str")
                    if _FORMULA in children and no_result:
                        try:
                            column, row, _c, _r = range_boundaries(element.get("r", ""))
                        except (TypeError, ValueError):
                            column = None
                        if column is not None and column <= MAX_COLUMNS:
                            marks.uncalculated.add((row, column - 1))
                elif tag == _ROW:
                    number = element.get("r", "")
                    hidden = element.get("hidden") in ("1", "true")
                    if hidden and number.isascii() and number.isdigit():
                        marks.hidden_rows.add(int(number))
                elif tag == _MERGE_CELL:
                    try:
                        column, first, _last_col, last = range_boundaries(element.get("ref", ""))
                    except (TypeError, ValueError):
                        continue
                    if last > first and column <= MAX_COLUMNS:
                        marks.merged.setdefault(first, []).append((column, last))
                element.clear()
    except Exception:  # see above; the values themselves are read by openpyxl
        return SheetMarks()
    return marks


def _fill_merged_down(rows: Iterable[Iterable], merged: dict[int, list[tuple[int, int]]]):
    """`rows` with a value merged over several rows in each row it covers, as Excel shows it:
    a line or "ja" merged beside a group of people holds for each of them."""
    covering: list[tuple[int, int, object]] = []  # (column, last row, value)
    for number, raw in enumerate(rows, start=1):
        row = list(raw)
        covering = [c for c in covering if c[1] >= number]
        for column, _last, value in covering:
            row.extend([None] * (column - len(row)))
            row[column - 1] = value
        for column, last in merged.get(number, []):
            covering.append((column, last, row[column - 1] if column <= len(row) else None))
        yield row


def _sheets_in_order(workbook) -> list:
    """The sheets in the order we look for the team: the one open when the file was saved,
    then the other visible ones as the tabs show them, then hidden ones (an old list someone
    hid is not what Excel shows)."""
    sheets = workbook.worksheets
    try:
        active = workbook.active
    except Exception:  # a damaged index of the active sheet: the tabs' order
        active = None
    visible = [sheet for sheet in sheets if sheet.sheet_state == "visible"]
    if active in visible:
        visible.remove(active)
        visible.insert(0, active)
    return visible + [sheet for sheet in sheets if sheet.sheet_state != "visible"]


def _xlsx_sheets(content: bytes, known: Callable[[str], bool]) -> Iterator[Table | ImportFileError]:
    """Each sheet of a workbook, in `_sheets_in_order`, read as a Table, or the ImportFileError
    that says why that sheet holds none (a damaged file raises it)."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            entries = archive.infolist()
            if (
                len(entries) > MAX_XLSX_ENTRIES
                or sum(e.file_size for e in entries) > MAX_XLSX_UNPACKED_BYTES
            ):
                raise ImportFileError(
                    _(
                        "This file unpacks to far more than a staff list can hold, so we did "
                        "not open it. Save the list again as a new Excel file or as CSV."
                    )
                )
            names = {e.filename for e in entries}
            if "xl/workbook.xml" not in names:
                # An OpenDocument file (LibreOffice) says what it is in an entry "mimetype".
                if "mimetype" in names and archive.open("mimetype").read(100).startswith(
                    b"application/vnd.oasis.opendocument.spreadsheet"
                ):
                    raise ImportFileError(
                        _(
                            "This is an OpenDocument spreadsheet (.ods). Open it in LibreOffice "
                            "or Excel, choose Save as and pick Excel (.xlsx) or CSV, then upload "
                            "that file."
                        )
                    )
                if "xl/workbook.bin" in names:
                    raise ImportFileError(
                        _(
                            "This is an Excel binary workbook (.xlsb). Open it in Excel, choose "
                            "Save as and pick Excel workbook (.xlsx) or CSV, then upload that "
                            "file."
                        )
                    )
                if "Index.zip" in names or any(
                    name.startswith("Index/") and name.endswith(".iwa") for name in names
                ):
                    raise ImportFileError(
                        _(
                            "This is a Numbers file. Open it in Numbers, choose File, Export To, "
                            "Excel (or CSV), then upload that file."
                        )
                    )
                raise _not_a_spreadsheet()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        # NotImplementedError: a zip of a version or compression zipfile does not know
        raise _not_a_spreadsheet() from None
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # a damaged file can fail anywhere inside openpyxl
        raise _not_a_spreadsheet() from None
    try:
        for sheet in _sheets_in_order(workbook):
            # Some programs write a wrong size into the sheet; read what is really there.
            sheet.reset_dimensions()
            if sheet.sheet_state != "visible":
                # the list came from a sheet Excel does not show: say so, it may be an old one
                read_as = _("Excel, hidden sheet “%(sheet)s”") % {"sheet": sheet.title}
            elif len(workbook.worksheets) > 1:
                read_as = _("Excel, sheet “%(sheet)s”") % {"sheet": sheet.title}
            else:
                read_as = "Excel"
            try:
                # First the values alone, which openpyxl reads lazily: a sheet without a header
                # row or with far too many rows is passed by after a few rows. Merged cells
                # only repeat values that are already there, so they make no such sheet fit.
                _table(sheet.iter_rows(values_only=True), read_as, known)
            except TooManyRows:
                raise
            except TooManyColumns as error:
                # another sheet may hold the list (this one a timetable, say)
                yield TooManyColumns(error.row, sheet.title if len(workbook.worksheets) > 1 else "")
                continue
            except ImportFileError as error:
                yield error
                continue
            # Then with what only the sheet's whole XML tells: merged cells, formulas without
            # a result, hidden rows.
            rows = sheet.iter_rows(values_only=True)
            marks = _sheet_marks(sheet)
            if marks.merged:
                rows = _fill_merged_down(rows, marks.merged)
            table = _table(rows, read_as, known)
            table.uncalculated = marks.uncalculated
            table.hidden_rows = marks.hidden_rows
            table.sheet = sheet.title
            table.hidden = sheet.sheet_state != "visible"
            yield table
    except ImportFileError:
        raise
    except Exception:  # as above: any failure to parse is "cannot read"
        raise _not_a_spreadsheet() from None
    finally:
        workbook.close()


def _read_xlsx(content: bytes, known: Callable[[str], bool]) -> Table:
    first_error = None
    first_table = None
    with closing(_xlsx_sheets(content, known)) as sheets:
        for found in sheets:
            if isinstance(found, ImportFileError):
                # an empty sheet says less than one with values but no header row, and that
                # less than a sheet too wide to read (its header row may be out of reach)
                if (
                    first_error is None
                    or isinstance(first_error, EmptyFile)
                    or (isinstance(found, TooManyColumns) and isinstance(first_error, NoHeaderRow))
                ):
                    first_error = found
                continue
            # The team is on the first sheet whose header names an e-mail column (a sheet of
            # pupils before it has names too); failing that, on the first with a header row.
            # Another kind of list (`known` given) is on the first sheet with a header row.
            if known is not _staff_header or any(
                header_field(h) == ImportField.EMAIL for h in found.headers
            ):
                return found
            if first_table is None:
                first_table = found
    if first_table is not None:
        return first_table
    raise first_error or _no_header_error()


def read_sheets(content: bytes, *, known: Callable[[str], bool]) -> list[Table]:
    """Every sheet of a workbook with a header row `known` recognises (a CSV is one sheet), in
    the order of `_sheets_in_order`; `Table.sheet` holds a workbook sheet's name. Raises
    ImportFileError as read_table does, NoHeaderRow when no sheet has a header row."""
    if not content.startswith(b"PK\x03\x04"):
        return [read_table(content, known=known)]
    read_table(content, known=known)  # the same checks and errors first
    with closing(_xlsx_sheets(content, known)) as sheets:
        return [found for found in sheets if isinstance(found, Table)]


def read_table(content: bytes, *, known: Callable[[str], bool] = _staff_header) -> Table:
    """The staff list in `content` (XLSX or CSV); ImportFileError says why it cannot be read.

    `known` tells a header of another kind of list (a table plan) when the file is not a staff
    list; the header row is found by it (NoHeaderRow when there is none)."""
    if not content.strip():
        raise EmptyFile()
    if len(content) > MAX_UPLOAD_BYTES:
        raise ImportFileError(too_large_message())
    if content.startswith(b"PK\x03\x04"):
        return _read_xlsx(content, known)
    if content.startswith(b"\xd0\xcf\x11\xe0"):
        # Excel keeps a workbook with a password in the container of an old .xls file.
        if "EncryptedPackage".encode("utf-16-le") in content:
            raise ImportFileError(
                _(
                    "This Excel file is protected with a password, so we cannot read it. Open "
                    "it in Excel, remove the password, save it and upload it again."
                )
            )
        raise ImportFileError(
            _(
                "This is an old Excel file (.xls). Open it in Excel, choose Save as and pick "
                "Excel workbook (.xlsx) or CSV, then upload that file."
            )
        )
    return _read_csv(content, known)


def too_large_message() -> str:
    return _(
        "The file is larger than %(size)d MB. A staff list is much smaller: save only the sheet "
        "with the team, as .xlsx or CSV."
    ) % {"size": MAX_UPLOAD_BYTES // (1024 * 1024)}


# --- The preview -------------------------------------------------------------------------------


class Outcome(models.TextChoices):
    NEW = "new", pgettext_lazy("import outcome", "new")
    UPDATED = "updated", pgettext_lazy("import outcome", "updated")
    UNCHANGED = "unchanged", pgettext_lazy("import outcome", "unchanged")
    SKIPPED = "skipped", pgettext_lazy("import outcome", "skipped")
    ERROR = "error", pgettext_lazy("import outcome", "error")


@dataclass
class Column:
    index: int
    header: str
    field: str  # "" when the column is not imported
    recognised: bool  # the header itself names the field
    chosen: bool  # chosen by hand on the preview
    sample: str = ""  # the column's first value, to help choose its field
    private: bool = False  # a private e-mail address, left out beside the school's addresses
    # a full-name header ("Naam") read as the first names beside a last-name column
    named_full: bool = False


@dataclass
class RowResult:
    number: int
    outcome: str
    email: str
    name: str
    notes: list[str] = field(default_factory=list)  # the changes, or the errors, in words
    member: Member | None = None
    first_name: str | None = None  # None: the file has no such column, keep what is set
    name_prefix: str | None = None
    last_name: str | None = None
    steering: bool | None = None
    line: LearningLine | None = None
    current_line: LearningLine | None = None  # an existing member's line on the start date
    from_full_name: bool = False  # name parts split from one cell (a full name, or a last name)

    @property
    def is_error(self) -> bool:
        return self.outcome == Outcome.ERROR

    @property
    def outcome_label(self) -> str:
        return str(Outcome(self.outcome).label)


@dataclass
class Preview:
    table: Table | None
    columns: list[Column]
    problems: list[str]  # about the file as a whole; each one blocks the import
    rows: list[RowResult]
    year: SchoolYear | None
    start: date | None

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(Outcome.values, 0)
        for row in self.rows:
            counts[row.outcome] += 1
        return counts

    @property
    def error_rows(self) -> list[RowResult]:
        return [row for row in self.rows if row.is_error]

    @property
    def has_unrecognised_columns(self) -> bool:
        return any(not column.field for column in self.columns)

    @property
    def can_confirm(self) -> bool:
        return not self.problems and not self.error_rows and bool(self.rows)

    @property
    def changes(self) -> int:
        counts = self.counts
        return counts[Outcome.NEW] + counts[Outcome.UPDATED]

    @property
    def fingerprint(self) -> str:
        """Changes when what the confirmation would do changes (not with the language)."""
        data = [
            [
                r.number,
                r.outcome,
                r.email,
                r.first_name,
                r.name_prefix,
                r.last_name,
                r.steering,
                r.line.pk if r.line else None,
                r.member.pk if r.member else None,
            ]
            for r in self.rows
        ]
        data.append([c.field for c in self.columns])
        data.append(len(self.problems))
        data.append(self.start.isoformat() if self.start else None)
        return hashlib.sha256(json.dumps(data).encode()).hexdigest()[:32]


def import_year(*, school: School, today: date) -> tuple[SchoolYear | None, date | None]:
    """The year an import places people in, and from which day (module docstring)."""
    year = SchoolYear.objects.current(school, today)
    if year is None:
        year = SchoolYear.objects.filter(school=school, start__gt=today).order_by("start").first()
    return year, (max(today, year.start) if year else None)


def _columns(headers: list[str], mapping: dict) -> list[Column]:
    columns = []
    taken: set[str] = set()
    matches = {index: header_match(header) for index, header in enumerate(headers) if header}
    # a private e-mail column only where no other column holds e-mail addresses
    school_email = any(f == ImportField.EMAIL and not p for f, p in matches.values())
    # The call name ("Roepnaam") is the first name colleagues use: beside the official first
    # names ("Voornamen") of an administration export, it is the one taken.
    call_name = next(
        (
            index
            for index, (found, _private) in matches.items()
            if found == ImportField.FIRST_NAME
            and str(index) not in mapping
            and any(word in _key(headers[index]) for word in CALL_NAME_KEYS)
        ),
        None,
    )
    for index, header in enumerate(headers):
        if not header:
            continue
        recognised, private = matches[index]
        left_out = private and school_email
        if left_out:
            recognised = None
        chosen = mapping.get(str(index))
        if chosen is not None and chosen not in ImportField.values:
            chosen = ""
        if chosen is None:
            # Two headers naming one field: the first is used, the next waits for a choice.
            auto = recognised if recognised not in taken else None
            if auto == ImportField.FIRST_NAME and call_name not in (None, index):
                auto = None
            columns.append(
                Column(index, header, auto or "", auto is not None, False, private=left_out)
            )
        else:
            columns.append(Column(index, header, chosen, False, True))
        taken.add(columns[-1].field)
    # A "Naam" column beside the parts of the name is not the full name: beside a first-name
    # column it is left out, beside a last-name or prefix column it holds the first names.
    for column in columns:
        if column.field != ImportField.FULL_NAME or column.chosen:
            continue
        if ImportField.FIRST_NAME in taken:
            column.field, column.recognised = "", False
        elif ImportField.LAST_NAME in taken or ImportField.NAME_PREFIX in taken:
            column.field = ImportField.FIRST_NAME
            column.named_full = True
            taken.add(ImportField.FIRST_NAME)
    return columns


def _column_problems(columns: list[Column]) -> list[str]:
    problems = []
    labels = dict(ImportField.choices)
    used: dict[str, list[str]] = {}
    for column in columns:
        if column.field:
            used.setdefault(column.field, []).append(column.header)
    for name, headers in used.items():
        if len(headers) > 1:
            problems.append(
                _("Several columns are set to “%(field)s”: %(headers)s. Choose one.")
                % {"field": labels[name], "headers": ", ".join(f"“{h}”" for h in headers)}
            )
    if ImportField.EMAIL not in used:
        problems.append(
            _("No column holds the e-mail addresses. Choose it for one of the columns below.")
        )
    parts = (ImportField.FIRST_NAME, ImportField.NAME_PREFIX, ImportField.LAST_NAME)
    if ImportField.FULL_NAME in used and any(f in used for f in parts):
        problems.append(
            _(
                "One column is set to “%(full)s” and another to a part of the name. Choose the "
                "full name or the parts, not both."
            )
            % {"full": labels[ImportField.FULL_NAME]}
        )
    elif ImportField.FIRST_NAME not in used and ImportField.FULL_NAME not in used:
        problems.append(
            _("No column holds the first names. Choose it for one of the columns below.")
        )
    return problems


def _uncalculated_problem(table: Table, columns: list[Column]) -> str | None:
    """Formulas without a saved result in the columns we import: we would read them as empty
    cells (an address missing, a line or steering group kept) where Excel shows a value."""
    imported = {column.index for column in columns if column.field}
    numbers = {number for number, _cells in table.rows}
    cells = sorted(
        (number, index)
        for number, index in table.uncalculated
        if index in imported and number in numbers
    )
    return uncalculated_message([f"{get_column_letter(i + 1)}{number}" for number, i in cells])


def uncalculated_message(cells: list[str]) -> str | None:
    """The problem of formulas without a saved result in `cells` ("B4", or "Sheet!B4"), naming
    the first five; None when there are none."""
    if not cells:
        return None
    names = ", ".join(cells[:5])
    if len(cells) > 5:
        more = len(cells) - 5
        names = ngettext("%(cells)s and %(count)d more", "%(cells)s and %(count)d more", more) % {
            "cells": names,
            "count": more,
        }
    return _(
        "These cells hold a formula whose result is not saved in the file, so we cannot read "
        "them: %(cells)s. Open the file in Excel or LibreOffice, save it there and upload it "
        "again."
    ) % {"cells": names}


def _line_lookup(lines: list[LearningLine]) -> dict[str, LearningLine]:
    lookup = {}
    for line in lines:
        lookup[_key(line.letter)] = line
        lookup[_key(f"{line.letter} {line.name}")] = line
    for line in lines:  # a name wins over a letter
        lookup[_key(line.name)] = line
    return lookup


_LINE_WORDS = ("leerlijn", "lijn", "learningline", "line")


def _find_line(lookup: dict[str, LearningLine], text: str) -> LearningLine | None:
    """The line a cell names: its name or letter as `_line_lookup` keys them, also after a word
    "Leerlijn" or "Lijn" ("Lijn A", "Leerlijn: Rekenen") and as "Rekenen (A)"."""
    key = _key(text)
    if key in lookup:
        return lookup[key]
    for word in _LINE_WORDS:
        if key.startswith(word) and key[len(word) :] in lookup:
            return lookup[key[len(word) :]]
    inside = re.fullmatch(r"(.+?)\s*\((.+)\)\s*", text)
    if inside:
        name, letter = lookup.get(_key(inside.group(1))), lookup.get(_key(inside.group(2)))
        if name is not None and (letter is None or letter == name):
            return name
    return None


def _parse_steering(text: str) -> bool | None:
    # "Ja (voorzitter)": what a cell adds in brackets does not change its answer
    text = text.replace("\ufe0f", "")  # the variation selector of an emoji tick "✔️"
    for key in (_key(text) or text.strip(), _key(_BRACKETED.sub(" ", text))):
        if key in YES:
            return True
        if key in NO:
            return False
    # "ja, voorzitter", "Lid stuurgroep": words that each say yes
    words = _words(_BRACKETED.sub(" ", text))
    if words and all(word in YES for word in words):
        return True
    if words and all(word in NO for word in words):
        return False
    raise ValueError(text)


# What a cell shows when its formula fails (a VLOOKUP that finds nothing): the file saves it as
# the value, in an .xlsx in English, in a CSV in Excel's language. Never a name, line or address.
EXCEL_ERRORS = {
    "#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA",
    "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!",
    # Dutch Excel
    "#LEEG!", "#DEEL/0!", "#WAARDE!", "#VERW!", "#NAAM?", "#GETAL!", "#N/B", "#OVERLOOP!",
    "#BEREKENEN!",
}  # fmt: skip


def is_formula_error(text: str) -> bool:
    """Whether a cell holds the error a failed formula shows ("#N/A", "#VERW!")."""
    return text.strip().upper() in EXCEL_ERRORS


def formula_error_message(value: str, column: str) -> str:
    return _(
        "“%(value)s” in column “%(column)s” is the error of a formula in your file. Correct "
        "the formula or type the value, then upload the file again."
    ) % {"value": value, "column": column}


_INVISIBLE = re.compile("[\u200b-\u200f\u2060\ufeff\u00ad]")
# quotes and brackets around an address, also the curly quotes Word and Outlook type
_QUOTES = "<>\"'“”\u2018\u2019„\u201a«»"


def _email(text: str) -> str:
    # "Daan Berg <daan@school.example>", as an address book copies it: the address inside
    inside = re.search(r"<([^<>]*@[^<>]*)>", text)
    if inside:
        text = inside.group(1)
    # invisible characters a copy from a web page or a chat brings along, quotes, and the
    # separator of a list of addresses ("daan@school.example;")
    text = _INVISIBLE.sub("", text).strip().strip(_QUOTES).strip().rstrip(";,").strip()
    if text.lower().startswith("mailto:"):
        text = text[7:]
    return User.objects.normalize_email(text)


def _line_suggestion(value: str, lines: list[LearningLine]) -> str | None:
    """The line a misspelt or shortened name most likely means: the one line whose name holds
    every word of it ("Burgerschap" for "Burgerschap en samenleven", not the similar-looking
    "Eigenaarschap"), else the closest spelling ("Lezn" for "Lezen")."""
    words = set(_words(value))
    holding = [line.name for line in lines if words and words <= set(_words(line.name))]
    if len(holding) == 1:
        return holding[0]
    names = {_key(line.name): line.name for line in lines}
    close = difflib.get_close_matches(_key(value), list(names), n=1, cutoff=0.6)
    return names[close[0]] if close else None


def _line_error(value: str, lines: list[LearningLine], year: SchoolYear | None) -> str:
    if year is None:
        return _(
            "Unknown learning line “%(value)s”: there is no current school year yet. Leave the "
            "line empty, or open the school year and make the lines first."
        ) % {"value": value}
    if not lines:
        return _(
            "Unknown learning line “%(value)s”: school year %(year)s has no learning lines yet. "
            "Make them first, or leave the line empty."
        ) % {"value": value, "year": year.name}
    suggestion = _line_suggestion(value, lines)
    if suggestion:
        return _("Unknown learning line “%(value)s”. Did you mean “%(suggestion)s”?") % {
            "value": value,
            "suggestion": suggestion,
        }
    return _("Unknown learning line “%(value)s”. The lines of %(year)s are: %(names)s.") % {
        "value": value,
        "year": year.name,
        "names": ", ".join(f"“{line.name}”" for line in lines),
    }


def _check_length(row: RowResult, label: str, value: str | None, limit: int) -> None:
    if value and len(value) > limit:
        row.notes.append(
            _("%(field)s is longer than %(max)d characters.") % {"field": label, "max": limit}
        )


def _describe_changes(row: RowResult, member: Member, current: LearningLine | None, start: date):
    notes = []
    old_parts = (member.first_name, member.name_prefix, member.last_name)
    new_parts = (
        row.first_name,
        member.name_prefix if row.name_prefix is None else row.name_prefix,
        member.last_name if row.last_name is None else row.last_name,
    )
    if old_parts != new_parts:
        notes.append(
            _("name “%(old)s” becomes “%(new)s”")
            % {"old": member.full_name, "new": join_name(*new_parts)}
        )
    if row.steering is not None and row.steering != member.is_steering:
        notes.append(
            _("joins the steering group") if row.steering else _("leaves the steering group")
        )
    if row.line is not None and (current is None or current.pk != row.line.pk):
        when = formats.date_format(start, "j F Y")
        if current is None:
            notes.append(_("into line %(line)s from %(date)s") % {"line": row.line, "date": when})
        else:
            notes.append(
                _("moves from line %(old)s to %(new)s from %(date)s")
                % {"old": current, "new": row.line, "date": when}
            )
    return notes


def staff_import_preview(
    *, school: School, content: bytes, mapping: dict | None = None, by: User | None = None
) -> Preview:
    """What importing `content` would do to `school`'s team, row by row; saves nothing.

    A file that cannot be read at all gives a preview with one problem and no rows. Costs a
    fixed number of queries whatever the number of rows.
    """
    today = timezone.localdate()
    year, start = import_year(school=school, today=today)
    try:
        table = read_table(content)
    except ImportFileError as error:
        return Preview(None, [], [error.message], [], year, start)
    columns = _columns(table.headers, mapping or {})
    for column in columns:
        column.sample = next((c[column.index] for _n, c in table.rows if c[column.index]), "")
    problems = _column_problems(columns)
    uncalculated = _uncalculated_problem(table, columns)
    if uncalculated:
        problems.append(uncalculated)
    if problems:
        return Preview(table, columns, problems, [], year, start)

    lines = list(year.lines.active().select_related("year", "school")) if year else []
    lookup = _line_lookup(lines)
    members = {m.user.email: m for m in Member.objects.filter(school=school).select_related("user")}
    coaching = CoachAssignment.objects.current().filter(school=school)
    coaches = set(coaching.values_list("user__email", flat=True))
    current_line = {
        ms.member_id: ms.line
        for ms in LineMembership.objects.on(start or today)
        .filter(member__school=school)
        .select_related("line")
    }
    index = {c.field: c.index for c in columns if c.field}
    labels = dict(ImportField.choices)

    def cell(cells: list[str], name: str) -> str | None:
        return cells[index[name]] if name in index else None

    imported = [c for c in columns if c.field]
    full_as_first = any(c.named_full and c.field == ImportField.FIRST_NAME for c in columns)
    rows: list[RowResult] = []
    for number, cells in table.rows:
        # "#N/A" where a formula failed is no value: read as empty, and the row says so
        failed = {c.index: c for c in imported if is_formula_error(cells[c.index])}
        failed_fields = {c.field for c in failed.values()}
        notes = [formula_error_message(cells[i], c.header) for i, c in failed.items()]
        if failed:
            cells = ["" if i in failed else value for i, value in enumerate(cells)]
        email = _email(cell(cells, ImportField.EMAIL))
        row = RowResult(number=number, outcome=Outcome.ERROR, email=email, name="", notes=notes)
        full_name = cell(cells, ImportField.FULL_NAME)
        if full_name is not None:
            # every part of the name comes from this one cell, so each is the file's truth
            row.first_name, row.name_prefix, row.last_name = split_full_name(full_name)
            row.from_full_name = True
        else:
            row.first_name = cell(cells, ImportField.FIRST_NAME)
            row.name_prefix = cell(cells, ImportField.NAME_PREFIX)
            row.last_name = cell(cells, ImportField.LAST_NAME)
            if full_as_first and row.first_name and row.last_name:
                # a "Naam" column beside "Achternaam" that holds the whole name after all
                split = _first_of_full_name(row.first_name, row.name_prefix, row.last_name)
                if split is not None:
                    row.first_name, prefix = split
                    if row.name_prefix is None and prefix:
                        row.name_prefix = prefix
                    row.from_full_name = True
            if row.name_prefix is None and row.last_name:
                # no prefix column: a last name "van der Berg" holds the prefix
                prefix, last = split_last_name(row.last_name)
                stored = members.get(email)
                as_stored = stored is not None and row.last_name == " ".join(
                    p for p in (stored.name_prefix, stored.last_name) if p
                )
                if as_stored:
                    row.name_prefix, row.last_name = stored.name_prefix, stored.last_name
                elif prefix:
                    row.name_prefix, row.last_name = prefix, last
                    row.from_full_name = True
        row.name = join_name(row.first_name, row.name_prefix, row.last_name)
        if not email:
            if ImportField.EMAIL not in failed_fields:
                row.notes.append(_("The e-mail address is missing."))
        else:
            try:
                validate_email(email)
                if len(email) > User._meta.get_field("email").max_length:
                    raise ValidationError("too long")
            except ValidationError:
                if email.count("@") > 1:
                    row.notes.append(
                        _(
                            "“%(value)s” holds more than one e-mail address. Keep one address "
                            "per row: the one of the school."
                        )
                        % {"value": email}
                    )
                else:
                    row.notes.append(
                        _("“%(value)s” is not a valid e-mail address.") % {"value": email}
                    )
            if email == TEMPLATE_EXAMPLE_EMAIL:
                row.notes.append(_("This is the template's example row: remove it."))
            if email in coaches and email not in members:
                row.notes.append(
                    _("This address belongs to the school's coach, who is never a team member.")
                )
        if not row.first_name and not failed_fields & {
            ImportField.FIRST_NAME,
            ImportField.FULL_NAME,
        }:
            row.notes.append(_("The first name is missing."))
        _check_length(row, labels[ImportField.FIRST_NAME], row.first_name, 80)
        _check_length(row, labels[ImportField.NAME_PREFIX], row.name_prefix, 30)
        _check_length(row, labels[ImportField.LAST_NAME], row.last_name, 120)
        steering_text = cell(cells, ImportField.STEERING) or ""
        if steering_text:
            try:
                row.steering = _parse_steering(steering_text)
            except ValueError:
                row.notes.append(
                    _(
                        "“%(value)s” is not a steering-group value: write yes or no, or leave "
                        "it empty."
                    )
                    % {"value": steering_text}
                )
        line_text = cell(cells, ImportField.LINE) or ""
        if line_text:
            row.line = _find_line(lookup, line_text)
            if row.line is None:
                row.notes.append(_line_error(line_text, lines, year))
        row.member = members.get(email)
        member = row.member
        taking_self_out = (
            member is not None
            and by is not None
            and member.user_id == by.pk
            and member.is_steering
            and row.steering is False
        )
        if taking_self_out:
            row.notes.append(
                _(
                    "You cannot take yourself out of the steering group with an import: ask "
                    "another member of the steering group."
                )
            )
        if member is not None and not member.is_active and not row.notes:
            row.outcome = Outcome.SKIPPED
            row.notes.append(
                _(
                    "Deactivated in this school, so not changed. To bring them back, reactivate "
                    "them on the team page first."
                )
            )
        elif not row.notes:
            if member is None:
                row.outcome = Outcome.NEW
                if row.line is not None:
                    when = formats.date_format(start, "j F Y")
                    row.notes.append(
                        _("in line %(line)s from %(date)s") % {"line": row.line, "date": when}
                    )
                if row.steering:
                    row.notes.append(_("in the steering group"))
            else:
                row.current_line = current_line.get(member.pk)
                row.notes = _describe_changes(row, member, row.current_line, start)
                row.outcome = Outcome.UPDATED if row.notes else Outcome.UNCHANGED
        rows.append(row)

    # The same address twice: every row that has it says where the other ones are.
    numbers: dict[str, list[int]] = {}
    for row in rows:
        if row.email:
            numbers.setdefault(row.email, []).append(row.number)
    for row in rows:
        others = [n for n in numbers.get(row.email, []) if n != row.number]
        if others:
            if not row.is_error:
                row.outcome, row.notes = Outcome.ERROR, []
            row.notes.append(
                _("The same e-mail address is also on row %(rows)s.")
                % {"rows": ", ".join(str(n) for n in others)}
            )
    # A hidden row (by hand, or by a filter) is imported too: say so, where Excel hides it.
    # Values right of the last column with a header are not read: say which, since in a CSV
    # they mostly mean a separator inside a name shifted the row.
    for row in rows:
        if row.number in table.beyond:
            row.notes.append(
                _(
                    "Not read: “%(values)s”, right of the last column with a header. Is there "
                    "a comma or semicolon in a name? Then check this row's cells."
                )
                % {"values": "”, “".join(table.beyond[row.number])}
            )
        if row.number in table.hidden_rows:
            row.notes.append(
                _("Hidden in your file (by hand or by a filter), but read like the other rows.")
            )
    if not rows:
        problems.append(
            _("The file has a header row but no people under it. Add one row per team member.")
        )
    return Preview(table, columns, problems, rows, year, start)


# --- Stored uploads and the confirmation -------------------------------------------------------


def staff_import_create(*, school: School, by: User, file_name: str, content: bytes) -> StaffImport:
    """Keep an uploaded file until it is confirmed (or pruned after a day)."""
    staff_import = StaffImport(
        school=school, uploaded_by=by, file_name=file_name[:255] or "upload", content=content
    )
    staff_import.full_clean()
    staff_import.save()
    return staff_import


def staff_import_set_mapping(*, staff_import: StaffImport, mapping: dict[str, str]) -> StaffImport:
    """Keep the field chosen per column ("": do not import it) where it differs from the header."""
    try:
        headers = read_table(bytes(staff_import.content)).headers
    except ImportFileError:
        headers = []
    detected = {str(c.index): c.field for c in _columns(headers, {})}
    staff_import.mapping = {
        str(index): value
        for index, value in mapping.items()
        if (value == "" or value in ImportField.values) and detected.get(str(index)) != value
    }
    staff_import.save(update_fields=["mapping"])
    return staff_import


def staff_import_prune(*, now=None) -> int:
    """Delete uploads older than a day: they hold personal data nobody confirmed."""
    cutoff = (now or timezone.now()) - KEEP_UPLOADS
    deleted, _by_model = StaffImport.objects.filter(created_at__lt=cutoff).delete()
    return deleted


class ImportChanged(Exception):
    """The outcome is no longer the one previewed (the team or the file's choices changed)."""


class ImportNotReady(Exception):
    """The file still has errors: nothing was saved."""


class ImportGone(Exception):
    """The upload was imported meanwhile (a second click on "confirm"), or pruned."""


@dataclass(frozen=True)
class ImportResult:
    new: int
    updated: int
    unchanged: int
    skipped: int


def staff_import_apply(*, staff_import: StaffImport, by: User, fingerprint: str) -> ImportResult:
    """Apply a previewed import in one transaction, then delete the stored upload.

    Refused (nothing saved) when any row has an error or when the outcome differs from the
    preview with `fingerprint`, and with ImportGone when the upload was imported (or pruned)
    meanwhile. New members get no mail.

    New members, and people placed in a line who have no line from that day on, are written in
    bulk: a few queries for 500 rows. The preview has checked every field that `member_add`
    would (address, lengths, one row per address), and someone without a membership from the
    start date cannot overlap one. Updates of existing members go through `member_update` and
    moves between lines through `membership_move`, row by row: they are few, and those
    services keep their rules.
    """
    school = staff_import.school
    try:
        with transaction.atomic():
            # A second confirmation (a double click) waits here for the first, then finds the
            # upload gone instead of importing it again.
            upload = StaffImport.objects.select_for_update().filter(pk=staff_import.pk)
            if upload.values_list("pk", flat=True).first() is None:
                raise ImportGone()
            preview = staff_import_preview(
                school=school,
                content=bytes(staff_import.content),
                mapping=staff_import.mapping,
                by=by,
            )
            if not preview.can_confirm:
                raise ImportNotReady()
            if preview.fingerprint != fingerprint:
                raise ImportChanged()
            start = preview.start
            new_rows = [row for row in preview.rows if row.outcome == Outcome.NEW]
            placements = [
                (member, row.line)
                for member, row in zip(_members_create(school, new_rows), new_rows, strict=True)
                if row.line is not None
            ]
            updated = [row for row in preview.rows if row.outcome == Outcome.UPDATED]
            # Without a school year no row names a line, and nobody is placed.
            in_a_line_from_start = set(
                LineMembership.objects.filter(member__in=[row.member for row in updated])
                .filter(models.Q(end__isnull=True) | models.Q(end__gte=start))
                .values_list("member_id", flat=True)
                if start
                else []
            )
            for row in updated:
                _member_update(row)
                if row.line is None or row.line == row.current_line:
                    continue
                if row.member.pk in in_a_line_from_start:
                    membership_move(member=row.member, line=row.line, start=start)
                else:
                    placements.append((row.member, row.line))
            LineMembership.objects.bulk_create(
                LineMembership(member=member, line=line, start=start) for member, line in placements
            )
            staff_import.delete()
    except IntegrityError:
        # Someone added one of these people (or a line membership) at this very moment.
        raise ImportChanged() from None
    counts = preview.counts
    return ImportResult(
        new=counts[Outcome.NEW],
        updated=counts[Outcome.UPDATED],
        unchanged=counts[Outcome.UNCHANGED],
        skipped=counts[Outcome.SKIPPED],
    )


def _members_create(school: School, rows: list[RowResult]) -> list[Member]:
    """New team members for `rows`, on the existing account of their address where there is one."""
    users = {u.email: u for u in User.objects.filter(email__in=[row.email for row in rows])}
    fresh = []
    for row in rows:
        if row.email not in users:
            user = User(email=row.email)
            user.set_unusable_password()  # they sign in with a link, as after `member_add`
            users[row.email] = user
            fresh.append(user)
    User.objects.bulk_create(fresh)
    members = [
        Member(
            user=users[row.email],
            school=school,
            first_name=row.first_name,
            name_prefix=row.name_prefix or "",
            last_name=row.last_name or "",
            is_steering=bool(row.steering),
        )
        for row in rows
    ]
    return Member.objects.bulk_create(members)


def _member_update(row: RowResult) -> None:
    member = row.member
    name_prefix = member.name_prefix if row.name_prefix is None else row.name_prefix
    last_name = member.last_name if row.last_name is None else row.last_name
    steering = member.is_steering if row.steering is None else row.steering
    old = (member.first_name, member.name_prefix, member.last_name, member.is_steering)
    if old != (row.first_name, name_prefix, last_name, steering):
        member_update(
            member=member,
            first_name=row.first_name,
            name_prefix=name_prefix,
            last_name=last_name,
            is_steering=steering,
        )


# --- The template ------------------------------------------------------------------------------


def spreadsheet_text(value: str) -> str:
    """`value` without the control characters a workbook cannot hold (openpyxl refuses a cell
    with one, so a single pasted character would make a whole export fail)."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def spreadsheet_safe(value: str) -> str:
    """A spreadsheet never runs a school's text as a formula: = + - @ get an apostrophe first
    (control characters go before looking, so none hides the first character)."""
    value = spreadsheet_text(value)
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _template_rows(school: School) -> list[list[str]]:
    year, _start = import_year(school=school, today=timezone.localdate())
    line = year.lines.active().order_by("letter").first() if year else None
    line_name = spreadsheet_safe(line.name) if line else ""
    example = ["Daan", "van der", "Berg", TEMPLATE_EXAMPLE_EMAIL, line_name, _("no")]
    return [[str(field.label) for field in TEMPLATE_FIELDS], example]


def staff_import_template(*, school: School, kind: str) -> bytes:
    """An empty staff list to fill in: the headers and one example row (XLSX or CSV), in the
    page's language.

    The CSV is what Dutch Excel opens directly: semicolons, UTF-8 with a byte order mark.
    """
    rows = _template_rows(school)
    if kind == "csv":
        out = io.StringIO()
        csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
        return codecs.BOM_UTF8 + out.getvalue().encode("utf-8")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Team"
    for row in rows:
        sheet.append(row)
    for column, width in zip("ABCDEF", (14, 14, 18, 32, 22, 12), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
