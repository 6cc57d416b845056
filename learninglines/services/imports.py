"""Staff import: read a school's staff list (XLSX, ODS or CSV), say what it would change, apply
it.

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
  Beside a first-name and a last-name column it is left out; beside a first-name column alone
  it gives the last names; beside a last-name column it holds first names. A name column of
  numbers only (a personnel number) is not taken for the name.
  Without a prefix column, a last name "van der Berg" or "Berg, van der" holds the prefix
  (split_last_name), unless the person is stored with exactly that last name.
- A private e-mail column ("E-mail privé") is used only when no other column holds addresses.
  An Excel cell that shows a name and links to an address ("mailto:") holds that address.
- The file is read by `learninglines.tabular` (the rules of reading a file are in its
  docstring): the header row is the first with headers of a staff list (`read_staff_list`), and
  in a workbook the team is on the first sheet whose header names an e-mail and a name column.
- A workbook value we cannot see as Excel shows it (a formula without its saved result) in a
  column we import is a problem, never an empty cell; a hidden row is read, and its row says so.
- A line break inside a cell (Alt+Enter, or text wrapped by hand) is a space: a row is one
  person, so "Anne" above "Marie" is the name "Anne Marie". Under a header merged over several
  columns ("Naam" over the first and last name), a row's values are read as one value. A row
  that totals the list ("Totaal: 12") is no person: the preview says it is left out.
- A heading row over a group of the team ("Onderbouw", "Groep 1-2") is skipped, and the
  preview names it (`_heading` says what is one); a name alone is a person without an address.
- A form's export (Google Forms, Microsoft Forms) has questions as headers ("Wat is je
  voornaam?"): they are recognised without their question words (`_question_core`).
"""

from __future__ import annotations

import codecs
import csv
import difflib
import hashlib
import io
import json
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

import openpyxl
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, models, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy
from openpyxl.utils.cell import get_column_letter

from learninglines.models import (
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
from learninglines.tabular import (
    STAFF_LIST,
    ImportFileError,
    Table,
    is_formula_error,
    read_table,
    spreadsheet_safe,
    text_key,
    text_words,
    uncalculated_message,
)

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


# Header spellings seen in school administration exports (ParnasSys, Esis, Magister, Excel made
# by hand), Dutch and English, as `text_key` writes them.
# fmt: off
HEADER_ALIASES = {
    ImportField.FULL_NAME: [
        "naam", "volledigenaam", "naamvolledig", "volnaam", "naammedewerker", "medewerkernaam",
        "medewerker", "weergavenaam", "name", "fullname", "displayname", "employeename",
        # both parts named in the header ("Voor- en achternaam", "Achternaam, roepnaam")
        "voorenachternaam", "voornaamachternaam", "voornaamenachternaam", "roepnaamachternaam",
        "roepnaamenachternaam", "achternaamvoornaam", "achternaamroepnaam", "firstnamelastname",
        "lastnamefirstname",
        # a form's question ("Hoe heet je?")
        "hoeheetje", "hoeheetu", "wiebenje", "whoareyou",
    ],
    ImportField.FIRST_NAME: [
        "voornaam", "voornamen", "roepnaam", "vnaam", "firstname", "givenname", "forename",
        "first", "callname",
        # either, as a list typed by hand asks for it ("Voornaam/roepnaam")
        "voornaamroepnaam", "roepnaamvoornaam", "voornaamofroepnaam",
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


# The apostrophe of "'t" as Word, Pages and Numbers type it (curly), a backtick or an accent
_APOSTROPHES = {ord(c): "'" for c in "\u2019\u2018`\u00b4"}
# A hyphen, or the dash a word processor makes of it, between the parts of a double name
# written with spaces ("Jansen - de Vries")
_NAME_DASHES = {"-", "\u2013", "\u2014"}


# A form of address or a title before a name ("Mw. A. de Vries", "Dhr. drs. J. Smit"): no part
# of the name. Those that could be a name are taken only with a full stop ("Dr.", "Ing.").
TITLES = {"dhr", "mevr", "mw", "mevrouw", "meneer", "drs", "mr", "mrs", "ms"}
TITLES_WITH_A_STOP = {"dr", "ir", "ing", "prof", "miss"}
_HYPHENS = re.compile("[-\u2010\u2011]")


def _without_titles(words: list[str], keep: int) -> list[str]:
    """`words` without the titles they open with, keeping at least `keep` words."""
    words = list(words)
    while len(words) > keep and (
        text_key(words[0]) in TITLES
        or (words[0].endswith(".") and text_key(words[0]) in TITLES_WITH_A_STOP)
    ):
        words.pop(0)
    return words


def _is_prefix(word: str) -> bool:
    """Whether `word` is a prefix word, whatever its capitals and apostrophe ("Van", "'t" with
    a curly apostrophe)."""
    return word.casefold().translate(_APOSTROPHES) in NAME_PREFIXES


_INITIALS = re.compile(r"(?:[^\W\d_]\.\s*)+")
_ONE_NAME = re.compile(r"[^\W\d_][^\W\d_'-]*(?:[-'][^\W\d_]+)*")


def split_full_name(text: str) -> tuple[str, str, str]:
    """A full name as (first name, prefix, last name), the way Dutch lists write it.

    - "Daan van der Berg": the last name starts at the first prefix word after the first word
      ("van der"), or at a double name joined by a prefix ("Piet Bakker-de Wit") or by a
      hyphen with spaces ("Marieke Jansen - de Vries"), or else is the last word: "Anne Marie
      Jansen" is Anne Marie, Jansen. The apostrophe of "van 't" may be a curly one.
    - "Berg, Daan van der" or "van der Berg, Daan" (last name first, as administration systems
      export it): the prefix words before or after the comma are the prefix.
    - One word is a first name only. Capitals are kept as written.
    - What the name adds in brackets is left out ("Jan Smit (IB)"), unless it is the call
      name beside initials: "Smit, J. (Jan)" is Jan Smit. So is a form of address or a title
      before it ("Mw. A. de Vries", "Smit, dhr. drs. J.").
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
        first = _without_titles(first, keep=1)
        prefix: list[str] = []
        while len(first) > 1 and _is_prefix(first[-1]):
            prefix.insert(0, first.pop())
        while len(last) > 1 and _is_prefix(last[0]):
            prefix.append(last.pop(0))
        while len(last) > 1 and _is_prefix(last[-1]):
            prefix.insert(0, last.pop())
        if not first:  # "Berg," or ", Daan": the one name there is is taken as the first name
            first, last = last, []
        return " ".join(first), " ".join(prefix), " ".join(last)
    words = _without_titles(text.split(), keep=2)  # "Mw. Jansen" is no first name alone
    start = end = max(1, len(words) - 1)
    for i in range(1, len(words) - 1):
        word = words[i]
        if _is_prefix(word):
            start = end = i
            while end < len(words) - 1 and _is_prefix(words[end]):
                end += 1
            break
        if _is_prefix(_HYPHENS.split(word)[-1]):  # "Bakker-de Wit": one last name
            start = end = i
            break
        if word in _NAME_DASHES and i > 1:  # "Jansen - de Vries": one last name
            start = end = i - 1
            break
    return " ".join(words[:start]), " ".join(words[start:end]), " ".join(words[end:])


def split_last_name(text: str) -> tuple[str, str]:
    """A last name that holds its prefix, as (prefix, last name): "van der Berg" and "Berg, van
    der" give ("van der", "Berg"). A name without prefix words gives ("", text)."""
    if "," in text:
        last, after = (part.split() for part in text.split(",", 1))
        if last and after and all(_is_prefix(word) for word in after):
            return " ".join(after), " ".join(last)
        return "", text.strip()
    words = text.split()
    start = 0
    while start < len(words) - 1 and _is_prefix(words[start]):
        start += 1
    return " ".join(words[:start]), " ".join(words[start:])


def _first_of_full_name(text: str, prefix: str | None, last: str) -> tuple[str, str] | None:
    """The first name and prefix in a whole name ("Anouk de Vries", "Vries, Anouk de") whose
    last name is `last` (with `prefix`, when the file has a prefix column); None when `text`
    does not end with that last name (it is the first names, as a "Naam" column beside
    "Achternaam" mostly holds)."""
    tail = [text_key(word) for word in f"{prefix or ''} {last}".split()]
    if "," in text:
        first, split_prefix, split_last = split_full_name(text)
        named = [text_key(word) for word in f"{split_prefix} {split_last}".split()]
        if first and (named == tail or [text_key(w) for w in split_last.split()] == tail):
            return first, split_prefix
        return None
    words = text.split()
    if len(words) <= len(tail) or [text_key(word) for word in words[-len(tail) :]] != tail:
        return None
    words = words[: -len(tail)]
    prefix_words: list[str] = []
    while len(words) > 1 and _is_prefix(words[-1]):
        prefix_words.insert(0, words.pop())
    return " ".join(words), " ".join(prefix_words)


def _last_of_full_name(text: str, first: str) -> tuple[str, str] | None:
    """The prefix and last name in a whole name beside a first-name column ("Anouk de Vries",
    "Vries, A.M. de (Anouk)", or the last name alone: "de Vries", "Jansen"); None when `text`
    holds no more than the first name."""
    plain = " ".join(_BRACKETED.sub(" ", text).split())
    words = plain.split()
    if "," in plain:
        _first, prefix, last = split_full_name(text)
    elif len(words) == 1 or _is_prefix(words[0]):
        prefix, last = split_last_name(plain)
    else:
        _first, prefix, last = split_full_name(text)
    if not last or text_key(last) == text_key(first):
        return None
    return prefix, last


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


# A form's export (Google Forms, Microsoft Forms) has its questions as headers: "Wat is je
# voornaam?", "What is your name?", "In welke leerlijn zit je?", "Vul je e-mailadres in". A
# header that opens with one of QUESTION_OPENERS (or ends with "?") is read without the words
# of QUESTION_WORDS: what is left names the field ("voornaam", "name", "leerlijn").
QUESTION_OPENERS = {
    "wat", "wie", "hoe", "welke", "welk", "in", "bij", "zit", "ben", "hoort", "vul", "geef",
    "noem", "typ", "schrijf", "je", "jouw", "uw", "mijn", "what", "whats", "which", "who", "how",
    "are", "do", "please", "enter", "type", "give", "your", "my",
}  # fmt: skip
QUESTION_WORDS = QUESTION_OPENERS | {
    "is", "zijn", "luidt", "heet", "hier", "op", "in", "de", "het", "een", "van", "je", "jij",
    "u", "lid", "s", "the", "a", "of", "you", "member", "here", "below", "onder", "graag",
}  # fmt: skip


def _question_core(header: str) -> str | None:
    """What a form's question asks for, as a header ("Wat is je voornaam?" -> "voornaam"); None
    when `header` is no question or asks for nothing else."""
    words = text_words(_BRACKETED.sub(" ", header))
    if not words or not (words[0] in QUESTION_OPENERS or header.rstrip().endswith("?")):
        return None
    core = [word for word in words if word not in QUESTION_WORDS]
    if not core or core == words:
        return None
    return " ".join(core)


def header_match(header: str) -> tuple[str | None, bool]:
    """The field a header names, and whether it names a private e-mail address.

    Other capitals, spaces, accents and a small typo do not matter, nor does what a header adds
    in brackets or as a number ("Stuurgroep (ja/nee)", "Leerlijn 2026-2027"), nor which address
    an e-mail column holds ("E-mailadres (werk)", "Mail school", "E-mail privé").
    """
    key = text_key(header)
    if not key:
        return None, False
    words = text_words(_BRACKETED.sub(" ", header))
    core = [word for word in words if not word.isdigit()]
    private = any(word in PRIVATE_QUALIFIERS for word in text_words(header))
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
    question = _question_core(header)
    if question is not None:
        found, private_address = header_match(question)
        if found is not None:
            return found, private or private_address
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


# --- Reading the staff list --------------------------------------------------------------------


def _staff_header(header: str) -> bool:
    return header_field(header) is not None


def _names_email(table: Table) -> bool:
    return any(header_field(h) == ImportField.EMAIL for h in table.headers)


_NAME_FIELDS = {ImportField.FULL_NAME, ImportField.FIRST_NAME, ImportField.LAST_NAME}


def _names_people(table: Table) -> bool:
    """A header naming an e-mail column and a name column: a list of people with addresses,
    not a cover page with a contact's address ("Contactpersoon | E-mail")."""
    fields = {header_field(h) for h in table.headers}
    return ImportField.EMAIL in fields and bool(fields & _NAME_FIELDS)


def read_staff_list(content: bytes) -> Table:
    """The staff list in `content` (XLSX or CSV); ImportFileError says why it cannot be read.

    The team is on the first sheet whose header names an e-mail column and a name column (a
    sheet of pupils before it has names too, a cover page an address); failing that, on the
    first whose header names an e-mail column, else on the first with a header row."""
    return read_table(
        content, known=_staff_header, prefer=_names_people, rank=_names_email, kind=STAFF_LIST
    )


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
    # a name header over numbers only ("Medewerker": a personnel number), so left out
    numbers: bool = False


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
    # heading rows over a group of the team ("Onderbouw"), skipped: (row number, text)
    headings: list[tuple[int, str]] = field(default_factory=list)

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
    def left_out(self) -> str:
        """The rows under the header that are no person (a row that totals the list), for the
        preview; empty when there are none."""
        if self.table is None or not self.table.left_out:
            return ""
        rows = ", ".join(
            _("row %(row)d (“%(text)s”)") % {"row": number, "text": text}
            for number, text in sorted(self.table.left_out.items())
        )
        return _("Not a person, so left out: %(rows)s.") % {"rows": rows}

    @property
    def skipped_headings(self) -> str:
        """The heading rows skipped (`_heading`), for the preview; empty when there are none."""
        if not self.headings:
            return ""
        rows = ", ".join(
            _("row %(row)d (“%(text)s”)") % {"row": number, "text": text}
            for number, text in self.headings
        )
        count = len(self.headings)
        return ngettext(
            "Skipped %(count)d heading row: %(rows)s.",
            "Skipped %(count)d heading rows: %(rows)s.",
            count,
        ) % {"count": count, "rows": rows}

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


_NUMBER = re.compile(r"[0-9]+")
# Outlook's contacts put the prefix of a Dutch name ("Anouk de Vries") in the middle name
MIDDLE_NAME_KEYS = {"middlename", "middlenames", "middle", "tweedenaam", "tussennaam"}


def _prefix_column(index: int, rows: list[tuple[int, list[str]]]) -> bool:
    """Whether the column holds prefix words only ("de", "van der"), at least once."""
    values = [cells[index] for _number, cells in rows if index < len(cells) and cells[index]]
    return bool(values) and all(all(_is_prefix(w) for w in value.split()) for value in values)


def _number_columns(rows: list[tuple[int, list[str]]]) -> set[int]:
    """The columns with values that are all whole numbers ("1001", "000123")."""
    numbers: set[int] = set()
    others: set[int] = set()
    for _number, cells in rows:
        for index, value in enumerate(cells):
            if value:
                (numbers if _NUMBER.fullmatch(value) else others).add(index)
    return numbers - others


def _columns(
    headers: list[str], mapping: dict, rows: list[tuple[int, list[str]]] = ()
) -> list[Column]:
    """The field of each column of `headers`: as chosen in `mapping`, else as its header says.
    A name header over numbers only (AFAS's "Medewerker" is the personnel number) is not taken
    for the name: another column named so is (the "Naam" beside it). A middle-name column
    ("Middle Name") of prefix words only is the prefix, where no header names one."""
    columns = []
    taken: set[str] = set()
    numbers = _number_columns(rows)
    matches = {index: header_match(header) for index, header in enumerate(headers) if header}
    if all(found != ImportField.NAME_PREFIX for found, _private in matches.values()):
        # a middle-name column of prefix words only ("de", "van der") holds the prefixes
        for index, (found, _private) in matches.items():
            middle = found is None and text_key(headers[index]) in MIDDLE_NAME_KEYS
            if middle and _prefix_column(index, rows):
                matches[index] = (ImportField.NAME_PREFIX, False)
                break
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
            and any(word in text_key(headers[index]) for word in CALL_NAME_KEYS)
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
            only_numbers = index in numbers and recognised in _NAME_FIELDS | {
                ImportField.NAME_PREFIX
            }
            if only_numbers:
                auto = None
            columns.append(
                Column(
                    index,
                    header,
                    auto or "",
                    auto is not None,
                    False,
                    private=left_out,
                    numbers=only_numbers,
                )
            )
        else:
            columns.append(Column(index, header, chosen, False, True))
        taken.add(columns[-1].field)
    # A "Naam" column beside the parts of the name is not the full name: beside a first-name
    # and a last-name column it is left out; beside a first-name column alone it holds the
    # last names (the call name beside "Vries, A.M. de"); beside a last-name or prefix column
    # it holds the first names.
    for column in columns:
        if column.field != ImportField.FULL_NAME or column.chosen:
            continue
        if ImportField.FIRST_NAME in taken and ImportField.LAST_NAME in taken:
            column.field, column.recognised = "", False
        elif ImportField.FIRST_NAME in taken:
            column.field = ImportField.LAST_NAME
            column.named_full = True
            taken.add(ImportField.LAST_NAME)
        elif ImportField.LAST_NAME in taken or ImportField.NAME_PREFIX in taken:
            column.field = ImportField.FIRST_NAME
            column.named_full = True
            taken.add(ImportField.FIRST_NAME)
    return columns


# The first word of a heading row over a group of the team, besides one word alone and texts
# with a number (see _heading): "Team Noord", "Intern begeleiders", "Locatie De Linde",
# "Lower school". No word here is a first name ("Staf" is one, so it is left out).
HEADING_WORDS = {
    "onderbouw", "middenbouw", "bovenbouw", "kleuterbouw", "bouw", "groep", "groepen", "unit",
    "units", "cluster", "klas", "klassen", "team", "teams", "directie", "management", "mt",
    "ib", "oop", "obp", "ondersteuning", "ondersteunend", "onderwijsondersteunend",
    "onderwijsondersteunende", "intern", "interne", "vakleerkrachten", "vakdocenten",
    "leerkrachten", "leraren", "docenten", "administratie", "locatie", "vestiging", "school",
    "afdeling", "overig", "overige", "extern", "externe", "nieuw", "nieuwe", "invallers",
    "invalpool", "stagiaires", "stagiairs", "kleuters", "medewerkers", "personeel",
    "group", "groups", "year", "years", "class", "department", "staff", "teachers",
    "teaching", "support", "office", "admin", "senior", "leadership", "lower", "middle",
    "upper", "early", "other", "new", "site", "location", "campus",
}  # fmt: skip
_HEADING_DECORATION = re.compile(r"^[\W_]*[-=*#~_>]|[-=*#~_<][\W_]*$|:\s*$")


def _heading(
    cells: list[str], headers: list[str], email: int | None, first_only: int | None
) -> str | None:
    """The text of a heading row over a group of the team ("Onderbouw", "Groep 1-2",
    "Directie"), None when the row is not one: a person's row, whatever is missing in it.

    A heading row has one filled cell only, in the first column, where the header has
    several columns; that column is not the e-mail column, and the row has no address anywhere
    (no "@", no "mailto:" link, nothing right of the last header, no formula we cannot read).
    Its text reads as a heading, not as a name:
    - a first word that names a group (HEADING_WORDS, or a word ending in "bouw"):
      "Directie", "Team Noord", "Intern begeleiders", "Locatie De Linde", "Lower school";
    - or a number in it: "Groep 1-2", "Groep 7/8", "Unit 3", "Year 5";
    - or set off as a heading: "Vakleerkrachten:", "--- Bovenbouw ---", "## Directie";
    - or one word, without a full stop or comma ("OOP", "Ondersteuning", "Conciërges"),
      where a person's row fills more than that cell: not in the first-name column of a list
      without a last-name column (`first_only`), where "Sanne" alone is a colleague whose
      address is missing. Elsewhere a first name alone is taken for a heading too: the
      preview names every heading it skips.
    So "Jan de Vries", "Juf Anna", "Vries, J. de" or "J." alone in that cell is a person
    without an address: an error, as it was.
    """
    filled = [index for index, value in enumerate(cells) if value]
    named = [index for index, header in enumerate(headers) if header]
    if len(filled) != 1 or len(named) < 2 or filled[0] not in (0, named[0]):
        return None
    text = cells[filled[0]]
    words = text_words(text)
    if filled[0] == email or "@" in text or is_formula_error(text) or not words:
        return None
    if words[0] in HEADING_WORDS or words[0].endswith("bouw"):
        return text
    if any(char.isdigit() for char in text) or _HEADING_DECORATION.search(text):
        return text
    if len(words) == 1 and not re.search(r"[.,]", text) and filled[0] != first_only:
        return text
    return None


def _read_columns(
    table: Table, mapping: dict
) -> tuple[list[Column], list[tuple[int, list[str]]], list[tuple[int, str]]]:
    """The columns of `table` (as `_columns`), its rows of people, and its heading rows as
    (row number, text): the columns are recognised from the people's rows alone, so a
    heading ("Groep 1-2") makes no column of numbers or first value."""
    columns = _columns(table.headers, mapping, table.rows)
    fields = {c.field: c.index for c in reversed(columns) if c.field}
    email = fields.get(ImportField.EMAIL)
    # the first names, where no column holds the last names: a person's row may fill no more
    first_only = None if ImportField.LAST_NAME in fields else fields.get(ImportField.FIRST_NAME)
    # rows with more than their cells show: an address linked, values right of the headers, a
    # formula we cannot read
    marked = {row for row, _column in (*table.mailto, *table.uncalculated)} | set(table.beyond)
    rows: list[tuple[int, list[str]]] = []
    headings: list[tuple[int, str]] = []
    for number, cells in table.rows:
        text = None if number in marked else _heading(cells, table.headers, email, first_only)
        if text is None:
            rows.append((number, cells))
        else:
            headings.append((number, text))
    if headings:
        columns = _columns(table.headers, mapping, rows)
    return columns, rows, headings


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


def _line_lookup(lines: list[LearningLine]) -> dict[str, LearningLine]:
    lookup = {}
    for line in lines:
        lookup[text_key(line.letter)] = line
        lookup[text_key(f"{line.letter} {line.name}")] = line
    for line in lines:  # a name wins over a letter
        lookup[text_key(line.name)] = line
    return lookup


_LINE_WORDS = ("leerlijn", "lijn", "learningline", "line")


def _find_line(lookup: dict[str, LearningLine], text: str) -> LearningLine | None:
    """The line a cell names: its name or letter as `_line_lookup` keys them, also after a word
    "Leerlijn" or "Lijn" ("Lijn A", "Leerlijn: Rekenen") and as "Rekenen (A)"."""
    key = text_key(text)
    if key in lookup:
        return lookup[key]
    for word in _LINE_WORDS:
        if key.startswith(word) and key[len(word) :] in lookup:
            return lookup[key[len(word) :]]
    inside = re.fullmatch(r"(.+?)\s*\((.+)\)\s*", text)
    if inside:
        name, letter = lookup.get(text_key(inside.group(1))), lookup.get(text_key(inside.group(2)))
        if name is not None and (letter is None or letter == name):
            return name
    return None


def _parse_steering(text: str) -> bool | None:
    # "Ja (voorzitter)": what a cell adds in brackets does not change its answer
    text = text.replace("\ufe0f", "")  # the variation selector of an emoji tick "✔️"
    for key in (text_key(text) or text.strip(), text_key(_BRACKETED.sub(" ", text))):
        if key in YES:
            return True
        if key in NO:
            return False
    # "ja, voorzitter", "Lid stuurgroep": words that each say yes
    words = text_words(_BRACKETED.sub(" ", text))
    if words and all(word in YES for word in words):
        return True
    if words and all(word in NO for word in words):
        return False
    raise ValueError(text)


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
    # "daan@school.example (werk)": what the cell adds in brackets is no part of the address
    without_note = _BRACKETED.sub(" ", text)
    if "@" in without_note:
        text = without_note
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
    words = set(text_words(value))
    holding = [line.name for line in lines if words and words <= set(text_words(line.name))]
    if len(holding) == 1:
        return holding[0]
    names = {text_key(line.name): line.name for line in lines}
    close = difflib.get_close_matches(text_key(value), list(names), n=1, cutoff=0.6)
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
        table = read_staff_list(content)
    except ImportFileError as error:
        return Preview(None, [], [error.message], [], year, start)
    columns, people_rows, headings = _read_columns(table, mapping or {})
    for column in columns:
        column.sample = next((c[column.index] for _n, c in people_rows if c[column.index]), "")
    problems = _column_problems(columns)
    uncalculated = _uncalculated_problem(table, columns)
    if uncalculated:
        problems.append(uncalculated)
    if problems:
        return Preview(table, columns, problems, [], year, start, headings)

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
    full_as_last = any(c.named_full and c.field == ImportField.LAST_NAME for c in columns)
    rows: list[RowResult] = []
    for number, cells in people_rows:
        # "#N/A" where a formula failed is no value: read as empty, and the row says so
        failed = {c.index: c for c in imported if is_formula_error(cells[c.index])}
        failed_fields = {c.field for c in failed.values()}
        notes = [formula_error_message(cells[i], c.header) for i, c in failed.items()]
        if failed:
            cells = ["" if i in failed else value for i, value in enumerate(cells)]
        email_text = cell(cells, ImportField.EMAIL)
        if email_text is not None and "@" not in email_text:
            # a cell that shows a name ("Daan van der Berg") and links to the address
            email_text = table.mailto.get((number, index[ImportField.EMAIL]), email_text)
        email = _email(email_text)
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
            if full_as_last and row.last_name:
                # a "Naam" column beside the first name alone: its last name (and prefix)
                split = _last_of_full_name(row.last_name, row.first_name or "")
                if split is None:
                    row.last_name = None
                else:
                    prefix, row.last_name = split
                    if row.name_prefix is None:
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
    return Preview(table, columns, problems, rows, year, start, headings)


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
        columns = _read_columns(read_staff_list(bytes(staff_import.content)), {})[0]
    except ImportFileError:
        columns = []
    detected = {str(c.index): c.field for c in columns}
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
