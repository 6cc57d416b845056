"""An earlier plenary session recorded from a spreadsheet: a table plan made on paper or by
another tool, so its encounters count as history for the next plan.

A school's first year with the app often starts after its first plenary sessions. Their tables
are history all the same (the history of a plan is every round of the school year's held
sessions): recording one lets the next plan seat people with colleagues they have not met yet.

Rules kept here (docs/earlier-sessions.md says the same for schools):
- The file is an Excel workbook (.xlsx) or a CSV file, read as the staff import reads it. Two
  layouts are understood, by their header row:
  * per table: a round column ("Ronde"), a table column ("Tafel", "Groep") and one or more
    columns with people ("Naam", "E-mailadres", "Persoon 1", "Persoon 2", ...); rows with the
    same round and table are one table;
  * per person: a column with the person ("Naam" or "E-mailadres", or first name, prefix and
    last name) and a column per round ("Ronde 1", "Round 2", "R3") holding that person's table
    in that round; an empty cell: not there in that round;
  * a workbook with a sheet per round ("Ronde 1", "Ronde 2", ...), each with a table column and
    people;
  * block layouts, without a header row naming the columns (plans made by hand or by a group
    generator): a column per table under a row "Tafel 1 | Tafel 2", or a row per table that
    starts with "Tafel 1" (also as a list under it), rounds opened by a row "Ronde 2" or on a
    sheet per round. Each is read into the rows the layout per table is read into (_Entry).
- A person is found by e-mail address, or by name as the team page writes it ("Anna de Vries",
  "Vries, Anna de"), whatever the capitals and accents; a name two colleagues share must be
  given as an e-mail address.
- Any problem, in the file or in one row, saves nothing; the preview lists every problem with
  its row.
- The session is recorded as held on its date, which lies in the current school year and not
  after today. Each seat records the member's line on that date. Someone whose line in this app
  starts after that date (the team was entered later) is placed in that line from the
  session's date, which the preview says before anything is saved. Someone who has left the
  team is left out (their encounters no longer matter for a plan), as the preview says.
- Members in a line on that date without a seat are recorded absent; a member seated in some
  rounds only, from the first of them to the last.
- Recording mails nobody and opens no reflection form; it starts a new cycle of line meetings
  when the session is the year's latest.
- The preview's tables are signed with the date they were read for: another date needs another
  preview. The same tables on the same date and start time are recorded once (a second click
  on the confirmation records nothing: AlreadyRecorded names the session).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, time

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl.utils import get_column_letter

from learninglines.models import LineMembership, Member, School, SchoolYear
from learninglines.services.imports import (
    ImportField,
    ImportFileError,
    NoHeaderRow,
    Table,
    header_field,
    is_formula_error,
    read_sheets,
    uncalculated_message,
)
from learninglines.services.lines import cycle_start_new
from sessions_app.models import Assignment, PlenarySession, Seat, SessionAttendance
from sessions_app.services.plans import pair_counts, plan_record

MAX_ROUNDS = 12  # an assignment's table round is 1 to 12
MAX_PROBLEMS_SHOWN = 50
SIGNING_SALT = "sessions_app.earlier-session"
SIGNED_FOR_SECONDS = 2 * 60 * 60
OTHER_SCHOOL = "other_school"

ROUND_WORDS = {"ronde", "round", "rnd", "rondenummer", "roundnumber", "r"}
TABLE_WORDS = {
    "tafel", "table", "tafelnummer", "tablenumber", "groep", "group", "groepnummer",
    "groupnumber", "kwartet", "quartet", "tafelgroep", "tafelnr", "groepnr",
}  # fmt: skip
PERSON_WORDS = {
    "persoon", "person", "deelnemer", "participant", "collega", "colleague", "teamlid",
    "member", "lid", "leerkracht", "teacher", "docent", "wie", "who",
    # a column that lists a whole table
    "personen", "persons", "people", "deelnemers", "participants", "collegas", "colleagues",
    "teamleden", "leden", "members", "leerkrachten", "teachers", "docenten", "namen", "names",
}  # fmt: skip
# a round cell or table that says someone was not there: no seat in that round
ABSENT_WORDS = {
    "afwezig", "afw", "nietaanwezig", "absent", "notpresent", "ziek", "ziekgemeld", "sick", "ill",
    "verhinderd", "afgemeld", "vrij", "verlof", "nvt", "na", "geen", "none", "niet", "not", "nee",
    "no",
}  # fmt: skip
NAME_PARTS = {ImportField.FIRST_NAME, ImportField.NAME_PREFIX, ImportField.LAST_NAME}
# "Ronde 1", "R1", "Round 2", "1e ronde", "2nd round", "Tafel ronde 3", "Ronde 3 tafel"
_ROUND_HEADER = re.compile(
    r"(?:tafel|table)?(?:ronde|round|rnd|r)(\d{1,2})(?:tafel|table)?"
    r"|(\d{1,2})(?:e|de|ste|st|nd|rd|th)?(?:tafelronde|ronde|round)(?:tafel|table)?"
)
_NUMBER = re.compile(r"\d+")
# a round cell: "1", "R1", "Ronde 1", "1e ronde", "Round 2", "2nd", also with the round's time
# after it ("Ronde 1 (9.00-9.20)", "R2 - 10:15"); not a time alone ("10:00") or "1.5"
_TIME = r"\d{1,2}[:.]\d{2}(?::\d{2})?"
_ROUND_CELL = re.compile(
    r"(?:ronde|round|rnd|r)?\s*(\d{1,2})\s*(?:e|de|ste|st|nd|rd|th)?\s*(?:ronde|round)?"
    rf"(?:(?:\s*[(,\-\u2013]\s*|\s+){_TIME}(?:\s*[-\u2013]\s*{_TIME})?\s*\)?)?"
)
_TABLE_NUMBER = re.compile(r"(?:t|tafel|table|groep|group|g)?(\d{1,4})")
# "3.0", "Tafel 2.5": a number with decimals, as another tool or a formula writes it
_DECIMAL = re.compile(
    r"(?:(?:tafel|table|groep|group|nr|no|nummer)\.?\s*)*(\d{1,4})[.,](\d+)", re.IGNORECASE
)
_NOT_IN_ADDRESS = "\\s<>()\\[\\]\"'\u201c\u201d\u2018\u2019:;,"
_ADDRESS = re.compile(f"[^{_NOT_IN_ADDRESS}]+@[^{_NOT_IN_ADDRESS}]+")
_LOST_LETTER = "?"  # what Excel writes for a letter its CSV's character set lacks
_LIST_SEPARATOR = re.compile(r"\s*(?:[,;/|+&]|\ben\b|\band\b)\s*", re.IGNORECASE)


# letters that have no accent to drop: a file written without them ("Yilmaz" for the Turkish
# dotless i, which Windows-1252 lacks) still names the person
_PLAIN_LETTERS = str.maketrans(
    {"\u0131": "i", "ł": "l", "ø": "o", "đ": "d", "ð": "d", "æ": "ae", "œ": "oe"}
)


def _words(text: str) -> list[str]:
    """Letters and digits, lower case, accents dropped: "Tafel 3 (zaal)" -> tafel, 3, zaal."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return re.findall(r"[^\W_]+", plain.translate(_PLAIN_LETTERS))


@dataclass(frozen=True)
class _Column:
    index: int
    kind: str  # "round", "round_n", "table", "person", "email" or a name part
    number: int | None = None  # "round_n": the round


def _column(index: int, header: str) -> _Column | None:
    words = _words(header)
    joined = "".join(words)
    core = "".join(w for w in words if not w.isdigit())
    numbered = _ROUND_HEADER.fullmatch(joined)
    if numbered:
        return _Column(index, "round_n", int(numbered.group(1) or numbered.group(2)))
    if core in ROUND_WORDS and core != "r" and core == joined:
        return _Column(index, "round")
    if core in TABLE_WORDS:
        return _Column(index, "table")
    if core in PERSON_WORDS:
        return _Column(index, "person", 1 if core != joined else None)
    found = header_field(header)
    if found == ImportField.EMAIL:
        return _Column(index, "email")
    if found == ImportField.FULL_NAME:
        return _Column(index, "person", 1 if core != joined else None)
    if found in NAME_PARTS:
        return _Column(index, str(found))
    return None


def _known(header: str) -> bool:
    """A header of a layout per table or per person, or a cell that names a table or round in
    a block layout ("Tafel 1", "Groep 2: Anna en Sem", "Ronde 1"): where a plan starts."""
    return (
        _column(0, header) is not None
        or _table_label(header) is not None
        or _round_label(header) is not None
    )


# --- finding people ---------------------------------------------------------------------------


def _name_key(text: str) -> str:
    return " ".join(_words(text))


class _Team:
    """The school's members, found by e-mail address or by a name as the team page writes it."""

    def __init__(self, school: School):
        self.by_email: dict[str, Member] = {}
        self.by_name: dict[str, set[Member]] = defaultdict(set)
        self.by_initial: dict[str, set[Member]] = defaultdict(set)
        for member in Member.objects.filter(school=school).select_related("user"):
            self.by_email[member.user.email.casefold()] = member
            first, prefix, last = member.first_name, member.name_prefix, member.last_name
            for name in (
                member.full_name,
                f"{last} {first} {prefix}",
                f"{prefix} {last} {first}",
                f"{last} {prefix} {first}",
                f"{first} {last}",
                f"{last} {first}",
            ):
                key = _name_key(name)
                if key:
                    self.by_name[key].add(member)
            # "A. de Vries", "Vries, A. de": the first name's initial, when no name is written
            # out so (a first name of one letter would be written out, and found by name)
            initial = _name_key(first)[:1]
            for name in (
                f"{initial} {prefix} {last}",
                f"{last} {initial} {prefix}",
                f"{prefix} {last} {initial}",
                f"{initial} {last}",
                f"{last} {initial}",
            ):
                key = _name_key(name)
                if initial and key:
                    self.by_initial[key].add(member)

    def find(self, text: str) -> tuple[Member | None, str | None]:
        """The member `text` names, or the problem in words."""
        if "@" in text:
            # "Anna de Vries <anna@school.nl>" as a mail program copies it, "mailto:anna@..."
            addresses = _ADDRESS.findall(text)
            member = self.by_email.get(addresses[0].casefold()) if len(addresses) == 1 else None
            if member is None:
                return None, _("nobody in this team has the address “%(text)s”") % {"text": text}
            return member, None
        key = _name_key(text)
        found = self.by_name.get(key) or self.by_initial.get(key, set())
        if not found and _LOST_LETTER in text.replace("\ufffd", _LOST_LETTER):
            return None, self._lost_letter_problem(text)
        if not found:
            return None, _("nobody in this team is called “%(text)s”") % {"text": text}
        if len(found) > 1:
            return None, _(
                "%(count)d colleagues are called “%(text)s”: write the e-mail address instead"
            ) % {"count": len(found), "text": text}
        return next(iter(found)), None

    def _lost_letter_problem(self, text: str) -> str:
        """A name with a letter the file lost ("Y?lmaz": a CSV saved by Excel in a character
        set without the dotless i writes "?"). Not guessed: the problem names whom it may be."""
        pattern = re.compile(
            " ".join(
                "[^ ]".join(re.escape(_name_key(part)) for part in word.split(_LOST_LETTER))
                for word in text.replace("\ufffd", _LOST_LETTER).split()
            )
        )
        matches = {
            m for key, found in self.by_name.items() if pattern.fullmatch(key) for m in found
        }
        if len(matches) == 1:
            return _(
                "“%(text)s” is probably %(name)s, but the file lost a letter (“?”) when it was "
                "saved: save it as Excel (.xlsx) or as CSV UTF-8, or write the e-mail address"
            ) % {"text": text, "name": next(iter(matches)).full_name}
        return _(
            "nobody in this team is called “%(text)s”; a “?” in a name is a letter the file "
            "lost when it was saved: save it as Excel (.xlsx) or as CSV UTF-8"
        ) % {"text": text}

    def find_all(self, text: str) -> tuple[list[Member], str | None]:
        """The members a cell names: one, or several in a list ("Anna de Vries, Daan van der
        Berg", also with ";", "/", "&", "en", "and"); the first problem in words."""
        parts = [part for part in _LIST_SEPARATOR.split(text) if part]
        if "@" in text and len(parts) > 1:
            # "Daan van der Berg en noor@school.nl": two people, not Noor's address with a name
            found = [member for part in parts if (member := self.find(part)[0]) is not None]
            if len(found) == len(parts) and len(set(found)) == len(found):
                return found, None
        member, problem = self.find(text)
        if member is not None:
            return [member], None
        if len(parts) < 2:
            return [], problem
        found = [self.find(part) for part in parts]
        if all(member is None for member, _problem in found):
            return [], problem  # not a list of names: the cell as a whole is the problem
        missing = next((part_problem for member, part_problem in found if member is None), None)
        return ([], missing) if missing else ([member for member, _problem in found], None)


# --- reading the file -------------------------------------------------------------------------


@dataclass
class EarlierPlan:
    """What a file says: the tables of each round as member pks, or the problems."""

    rounds: list[list[list[int]]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    read_as: str = ""
    names: dict[int, str] = field(default_factory=dict)  # member pk: name, for the preview
    repeats_within: int = 0
    absent: int = 0
    day: date | None = None  # the session's date the plan was read for

    @property
    def seated(self) -> int:
        return len({pk for rnd in self.rounds for table in rnd for pk in table})

    @property
    def named_rounds(self) -> list[list[list[str]]]:
        """The tables of each round as names, for the preview."""
        return [[[self.names[pk] for pk in table] for table in rnd] for rnd in self.rounds]

    @property
    def tables_per_round(self) -> list[int]:
        return [len(rnd) for rnd in self.rounds]

    @property
    def shown_problems(self) -> list[str]:
        return self.problems[:MAX_PROBLEMS_SHOWN]

    @property
    def more_problems(self) -> int:
        return max(0, len(self.problems) - MAX_PROBLEMS_SHOWN)


def _layout_problem() -> str:
    return _(
        "We could not tell how this file holds the tables. We read these layouts: a header row "
        "with Round, Table and one or more columns with people (Name or E-mail address); a "
        "column Name (or E-mail address) and a column per round (Round 1, Round 2, ...); a "
        "column per table, under a row Table 1 | Table 2 | ..., with a person in each cell; "
        "or a row per table that starts with Table 1 and lists its people. Open each round "
        "with a row Round 1, Round 2, ... or put it on a sheet of its own named so."
    )


def _table_key(text: str) -> str:
    """The table a cell names: "Tafel 3", "T3", "tafel nr. 03" and "3" are table "3"; "Tafel A"
    and "A" table "a". A cell saying someone was not there ("afwezig", "ziek", "n.v.t.") names
    no table."""
    words = _words(text)
    while len(words) > 1 and (words[0] in TABLE_WORDS or words[0] in ("nr", "no", "nummer")):
        words = words[1:]
    joined = "".join(words)
    if joined in ABSENT_WORDS:
        return ""
    decimal = _DECIMAL.fullmatch(text.strip())
    if decimal:
        # "3.0" (a number as another tool writes it) is table 3; "2.5" is not table 25
        whole, fraction = decimal.groups()
        return str(int(whole)) if not fraction.strip("0") else f"{int(whole)}.{fraction}"
    number = _TABLE_NUMBER.fullmatch(joined)
    if number:
        return str(int(number.group(1)))
    return " ".join(words)


def _table_order(label: str) -> tuple:
    number = _NUMBER.match(label)
    return (0, int(number.group()), label) if number else (1, 0, label)


def _person_per_cell(columns: list[_Column]) -> bool:
    """Whether each person column holds a person of its own (numbered or repeated columns),
    rather than the name and address columns together one person."""
    people = [c for c in columns if c.kind in ("person", "email")]
    return (
        any(c.number for c in people)
        or len([c for c in people if c.kind == "person"]) > 1
        or len([c for c in people if c.kind == "email"]) > 1
    )


def _person_cells(row: list[str], columns: list[_Column]) -> list[str]:
    """The people a row names: one per cell in numbered or repeated person columns, else one
    person from the name and address columns (the address first)."""
    people = [c for c in columns if c.kind in ("person", "email")]
    if _person_per_cell(columns):
        return [row[c.index] for c in people if row[c.index]]
    for kind in ("email", "person"):
        for column in people:
            if column.kind == kind and row[column.index]:
                return [row[column.index]]
    parts = {c.kind: row[c.index] for c in columns if c.kind in NAME_PARTS}
    name = " ".join(
        parts.get(str(kind), "")
        for kind in (ImportField.FIRST_NAME, ImportField.NAME_PREFIX, ImportField.LAST_NAME)
    ).strip()
    return [name] if name else []


def _formula_problem(where: str, value: str) -> str:
    return _(
        "%(where)s: “%(value)s” is the error of a formula in your file. Correct the formula or "
        "type the value, then upload the file again."
    ) % {"where": where, "value": value}


def _name_and_address_problem(row: list[str], columns: list[_Column], team: _Team) -> str | None:
    """A row with one person's name and address that name two colleagues: which one sat there
    is not ours to guess."""
    address = next((row[c.index] for c in columns if c.kind == "email" and row[c.index]), "")
    name = next((row[c.index] for c in columns if c.kind == "person" and row[c.index]), "")
    if not name:
        parts = {c.kind: row[c.index] for c in columns if c.kind in NAME_PARTS}
        name = " ".join(
            parts.get(str(kind), "")
            for kind in (ImportField.FIRST_NAME, ImportField.NAME_PREFIX, ImportField.LAST_NAME)
        ).strip()
    if _person_per_cell(columns) or not address or not name or "@" in name:
        return None
    by_address, _problem = team.find(address)
    by_name, _problem = team.find(name)
    if by_address is None or by_name is None or by_address == by_name:
        return None
    return _(
        "the name “%(name)s” and the address “%(address)s” are two colleagues (%(named)s and "
        "%(addressed)s): correct one of them"
    ) % {
        "name": name,
        "named": by_name.full_name,
        "address": address,
        "addressed": by_address.full_name,
    }


@dataclass(frozen=True)
class _Row:
    """Where a person was read: a row of the sheet, or of a sheet per round; in a layout with a
    person per cell, its column too."""

    number: int
    sheet: str = ""
    column: int | None = None  # index, 0 for column A

    def where(self, *, start: bool = True) -> str:
        if self.column is not None:
            return self._where_cell(start=start)
        if self.sheet:
            text = (
                _("Sheet “%(sheet)s”, row %(row)d")
                if start
                else _("sheet “%(sheet)s”, row %(row)d")
            )
            return text % {"sheet": self.sheet, "row": self.number}
        return (_("Row %(row)d") if start else _("row %(row)d")) % {"row": self.number}

    def _where_cell(self, *, start: bool) -> str:
        values = {
            "sheet": self.sheet,
            "row": self.number,
            "column": get_column_letter((self.column or 0) + 1),
        }
        if self.sheet:
            text = (
                _("Sheet “%(sheet)s”, row %(row)d, column %(column)s")
                if start
                else _("sheet “%(sheet)s”, row %(row)d, column %(column)s")
            )
        else:
            text = (
                _("Row %(row)d, column %(column)s")
                if start
                else _("row %(row)d, column %(column)s")
            )
        return text % values


Tables = dict[tuple[int, str], list[tuple[_Row, Member]]]  # (round, table label): people


def _layout(sheet: Table) -> tuple[list[_Column], Counter, bool]:
    columns = [c for i, h in enumerate(sheet.headers) if (c := _column(i, h)) is not None]
    kinds = Counter(c.kind for c in columns)
    has_people = bool(kinds["person"] or kinds["email"] or NAME_PARTS & set(kinds))
    return columns, kinds, has_people


def _whole_layout(sheet: Table) -> bool:
    """A sheet with a plan in the layout per table or per person (earlier_plan_read)."""
    _columns, kinds, has_people = _layout(sheet)
    return has_people and bool((kinds["round"] and kinds["table"]) or kinds["round_n"])


def _a_round_of_tables(sheet: Table) -> bool:
    """A sheet of one round: a table column and people, no round column."""
    _columns, kinds, has_people = _layout(sheet)
    return kinds["table"] == 1 and has_people and not kinds["round"]


def _round_number(text: str) -> int | None:
    """The round a round cell names, or None: one number, with or without the word round
    ("Ronde 1", "1e ronde", "R1"), perhaps with the round's time after it. A time alone
    ("10:00", Excel's 10:00:00) or a decimal ("1.5") is no round, although it holds digits."""
    found = _ROUND_CELL.fullmatch(text.strip().casefold())
    return int(found.group(1)) if found else None


def _round_of_sheet(name: str) -> int | None:
    numbered = _ROUND_HEADER.fullmatch("".join(_words(name)))
    return int(numbered.group(1) or numbered.group(2)) if numbered else None


# A date cell as the spreadsheet reader writes it: what Excel made of "1-2" or "3/4" typed into a
# table or round column (a date is never a table, a round or a person)
_EXCEL_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})(?: 00:00:00)?")


def _value_problems(plan: EarlierPlan, at: _Row, cells) -> bool:
    """Whether a cell of the row is the error of a formula ("#N/A" is no table nor person, and
    would read as "n.a.") or a date (what Excel made of a table typed as 1-2): each a problem."""
    failed = [_formula_problem(at.where(), value) for value in cells if is_formula_error(value)]
    failed += [
        _(
            "%(where)s: “%(value)s” is a date: Excel turns what is typed as 1-2 or 3/4 into one. "
            "Type the table or round as text (such as Tafel 1-2), then upload the file again."
        )
        % {"where": at.where(), "value": date.group(1)}
        for date in (_EXCEL_DATE.fullmatch(value) for value in cells)
        if date
    ]
    plan.problems.extend(failed)
    return bool(failed)


def _cell_problems(
    plan: EarlierPlan, at: _Row, row: list[str], columns: list[_Column], team: _Team, cells
) -> bool:
    """Whether the row has a problem before its round, table and people are read: a cell with
    the error of a formula ("#N/A" is no table nor person, and would read as "n.a."), a date
    (what Excel made of a table typed as 1-2), or a name and address that are two colleagues."""
    if _value_problems(plan, at, cells):
        return True
    mixed = _name_and_address_problem(row, columns, team)
    if mixed:
        plan.problems.append(_("%(where)s: %(problem)s.") % {"where": at.where(), "problem": mixed})
        return True
    return False


def _read_per_table(
    plan: EarlierPlan, sheet: Table, team: _Team, tables: Tables, *, of_round: int | None = None
) -> None:
    """Rows of a round (or `of_round`, the sheet's), a table and one or more people.

    An empty round cell is the round of the row above, and an empty table cell in the same
    round the table above: a round or table merged over its rows (a CSV keeps the value in the
    first row only), or written once above them. A row with a round alone opens that round. A
    table that says nobody was there ("Afwezig") seats nobody."""
    columns, _kinds, _people = _layout(sheet)
    round_at = next((c.index for c in columns if c.kind == "round"), None)
    table_at = next(c.index for c in columns if c.kind == "table")
    previous_round = previous_table = ""
    for number, row in sheet.rows:
        at = _Row(number, sheet.sheet if of_round else "")
        people = _person_cells(row, columns)
        own_round = row[round_at] if round_at is not None else ""
        table_text = row[table_at]
        if not people and not table_text and not own_round:
            continue
        if _cell_problems(plan, at, row, columns, team, [own_round, table_text, *people]):
            continue
        round_text = str(of_round) if round_at is None else own_round or previous_round
        if not table_text and (not own_round or own_round == previous_round):
            table_text = previous_table
        if own_round and own_round != previous_round and not people and not row[table_at]:
            previous_round, previous_table = round_text, ""  # a round's heading row
            continue
        previous_round, previous_table = round_text, table_text
        _read_entry(plan, _Entry(at, round_text, table_text, people), team, tables)


@dataclass(frozen=True)
class _Entry:
    """The row model every layout is read into: where, the round and table as the file writes
    them ("Ronde 2", "Tafel 3", "Afwezig") and the cells with the people at that table."""

    at: _Row
    round: str
    table: str
    people: list[str]


def _read_entry(plan: EarlierPlan, entry: _Entry, team: _Team, tables: Tables) -> None:
    """Seat the people of `entry` at its round and table, or say what is wrong with it."""
    at, round_text, table_text, people = entry.at, entry.round, entry.table, entry.people
    round_number = _round_number(round_text)
    label = _table_key(table_text)
    if not round_text:
        plan.problems.append(_("%(where)s: the round is empty.") % {"where": at.where()})
    elif round_number is None:
        plan.problems.append(
            _("%(where)s: “%(text)s” is not a round number (1, 2, 3, …).")
            % {"where": at.where(), "text": round_text}
        )
    elif not table_text:
        plan.problems.append(_("%(where)s: the table is empty.") % {"where": at.where()})
    elif not label:
        return  # "Afwezig": not at a table in this round
    elif not people:
        plan.problems.append(_("%(where)s names nobody.") % {"where": at.where()})
    else:
        for text in people:
            members, problem = team.find_all(text)
            if problem:
                plan.problems.append(
                    _("%(where)s: %(problem)s.") % {"where": at.where(), "problem": problem}
                )
            for member in members:
                tables[(round_number, label)].append((at, member))


def _read_per_person(plan: EarlierPlan, sheet: Table, team: _Team, tables: Tables) -> None:
    """Rows of a person and a table per round column."""
    columns, _kinds, _people = _layout(sheet)
    by_round = {c.number: c.index for c in columns if c.kind == "round_n"}
    for number, row in sheet.rows:
        at = _Row(number)
        people = _person_cells(row, columns)
        if _cell_problems(
            plan, at, row, columns, team, [*people, *(row[i] for i in by_round.values())]
        ):
            continue
        seats = {r: _table_key(row[i]) for r, i in by_round.items() if _table_key(row[i])}
        if not people:
            if seats:
                plan.problems.append(_("%(where)s names nobody.") % {"where": at.where()})
            continue
        member, problem = team.find(people[0])
        if problem:
            plan.problems.append(
                _("%(where)s: %(problem)s.") % {"where": at.where(), "problem": problem}
            )
            continue
        for r, label in seats.items():
            tables[(r, label)].append((at, member))


# --- plans laid out in blocks: a column per table, or a row per table ---------------------------
#
# Plans made by hand (in Excel, or in a Word table copied into Excel) and by online group
# generators have no header row that names the columns: the tables are named in the cells
# ("Tafel 1", "Groep 2", "Table A", "Afwezig") and each round is opened by a row that names it
# ("Ronde 2"). Each detector below reads one such layout into the entries (_Entry) the layout
# per table is read into, so the same checks and problems apply.

# "Tafel 3", "Groep 2", "Table A", "Kwartet 1", "Team 4", "Tafel nr. 3", "Tafel 3 (aula)"; or a
# "table" of people who were not there; perhaps followed by the table's people after a colon
# or dash ("Groep 1: Anna, Daan en Sem", as a group generator writes it)
_TABLE_LABEL = re.compile(
    r"((?:tafel|table|tafelgroep|groepje|groep|group|kwartet|quartet|team)\s*"
    r"(?:(?:nr|no|nummer)\.?\s*)?(?:\d{1,4}|[a-z])(?!\w)"
    r"|afwezig|absent|niet aanwezig|not present|ziek|afgemeld|verhinderd)"
    r"\s*(?:\([^)]*\))?\s*(?:[:\-\u2013]\s*(.*))?",
    re.IGNORECASE | re.DOTALL,
)
# "Ronde 2", "Round 2", "R2", "2e ronde", "Tafelronde 2", perhaps followed by a time or title
# ("Ronde 2 (9.20-9.40)", "Ronde 2: kennismaken"); a number alone is no round's heading
_ROUND_LABEL = re.compile(
    r"(?:(?:tafel)?(?:ronde|round|rnd)\s*(\d{1,2})|r(\d{1,2})"
    r"|(\d{1,2})\s*(?:e|de|ste|st|nd|rd|th)?\s*(?:tafelronde|ronde|round))"
    r"(?!\w|[.,:]\d)(\s*(?:[(:\-\u2013,]|\d{1,2}[.:]\d{2}).*)?",
    re.IGNORECASE | re.DOTALL,
)
_CORNER_WORDS = (ROUND_WORDS - {"r"}) | TABLE_WORDS | {"team"}  # "Ronde" above the rounds' cells
MAX_LEFT_OUT_SHOWN = 5


def _table_label(text: str) -> tuple[str, str] | None:
    """A cell that names a table ("Tafel 3"), and what follows it in the cell (its people)."""
    found = _TABLE_LABEL.fullmatch(text.strip())
    return (found.group(1), (found.group(2) or "").strip()) if found else None


def _round_label(text: str) -> int | None:
    """The round a cell names with the word round ("Ronde 2", "R2", "Ronde 2 (9.20-9.40)")."""
    found = _ROUND_LABEL.fullmatch(text.strip())
    if not found:
        return None
    return int(found.group(1) or found.group(2) or found.group(3))


def _corner(text: str) -> bool:
    """A cell that heads a column of rounds or tables: "Ronde", "Tafel"."""
    return "".join(_words(text)) in _CORNER_WORDS


def _round_row(cells: dict[int, str]) -> dict[int, int] | None:
    """A row that opens rounds: each cell a round ("Ronde 2"), perhaps after a corner cell
    ("Tafel | Ronde 1 | Ronde 2"), as {column: round}; several: rounds side by side."""
    items = sorted(cells.items())
    if len(items) > 1 and _corner(items[0][1]):
        items = items[1:]
    rounds = {column: number for column, text in items if (number := _round_label(text))}
    return rounds if rounds and len(rounds) == len(items) else None


def _header_row(cells: dict[int, str]) -> tuple[dict[int, str], tuple[int, int | None] | None]:
    """A row that names a column per table ("Tafel 1 | Tafel 2 | Afwezig"), perhaps after a
    corner cell naming the block's round ("Ronde 2") or the rounds below it ("Ronde"); as the
    tables by column and the corner (its column, its round). Empty when it is no such row."""
    items = sorted(cells.items())
    corner = None
    if items and (_round_label(items[0][1]) or _corner(items[0][1])):
        corner = (items[0][0], _round_label(items[0][1]))
        items = items[1:]
    labels = {column: _table_label(text) for column, text in items}
    if len(labels) < 2 or not all(label and not label[1] for label in labels.values()):
        return {}, None
    if not any(_table_key(label[0]) for label in labels.values() if label):
        return {}, None  # "Afwezig | Ziek": no table
    return dict(items), corner


def _note_like(text: str) -> bool:
    """A cell that reads as a note rather than a name: "Let op: koffie om 10 uur"."""
    text = text.strip()
    return ":" in text or text.endswith((".", "!")) or len(text.split()) >= 6


@dataclass
class _Blocks:
    """What a layout detector read from a sheet: the people at each round's tables, each table
    where it is named, and the cells outside any table (a title, notes below the plan)."""

    layout: str
    sheet: str = ""  # a sheet per round's name
    entries: list[_Entry] = field(default_factory=list)
    opened: list[tuple[_Row, str, str]] = field(default_factory=list)  # where, round, table
    outside: list[tuple[_Row, str]] = field(default_factory=list)


class _Rounds:
    """The round of each column: rounds side by side own the columns from theirs rightwards."""

    def __init__(self, rounds: dict[int, int] | None = None, default: str = ""):
        self.rounds = sorted((rounds or {}).items())
        self.default = default

    def of(self, column: int) -> str:
        if not self.rounds:
            return self.default
        owning = [number for start, number in self.rounds if start <= column]
        return str(owning[-1] if owning else self.rounds[0][1])


def _grid(sheet: Table) -> list[tuple[int, dict[int, str]]]:
    return [(number, {i: c for i, c in enumerate(cells) if c}) for number, cells in sheet.grid]


def _any_round(sheet: Table) -> bool:
    return any(
        _round_label(text) is not None for _number, cells in _grid(sheet) for text in cells.values()
    )


def _continues(cells: dict[int, str], gap: bool, names_someone) -> bool:
    """Whether a row of people under a table still belongs to it: a row after an empty row, or
    a single cell that reads as a note, that names nobody in the team is a note below the plan."""
    if any(names_someone(text) for text in cells.values()):
        return True
    if gap:
        return False
    return not (len(cells) == 1 and _note_like(next(iter(cells.values()))))


def _columns_per_table(sheet: Table, sheet_round: int | None, names_someone) -> _Blocks | None:
    """A column per table: a row "Tafel 1 | Tafel 2 | Tafel 3" with the people below each, a
    person per cell. Its round: the sheet's ("Ronde 2"), a row above it with only a round, or a
    round in the row's first cell ("Ronde 2 | Tafel 1 | Tafel 2"); rounds side by side each
    own their columns. A row under the header that starts with a round ("Ronde 1 | Anna, Sem |
    Daan, Noor") holds that round's tables, a cell per table."""
    grid = _grid(sheet)
    if not any(_header_row(cells)[0] for _number, cells in grid):
        return None
    found = _Blocks(layout=_("a column per table"), sheet=sheet.sheet if sheet_round else "")
    default = str(sheet_round) if sheet_round else ("" if _any_round(sheet) else "1")
    rounds = _Rounds(default=default)
    header: dict[int, str] = {}
    previous = None
    for number, cells in grid:
        gap = previous is not None and number > previous + 1
        previous = number
        opened = _round_row(cells)
        if opened:
            rounds, header = _Rounds(opened, default), {}
            continue
        labels, corner = _header_row(cells)
        if labels:
            header = labels
            if corner and corner[1]:
                rounds = _Rounds({corner[0]: corner[1]}, default)
            for column, text in labels.items():
                found.opened.append((_Row(number, sheet.sheet, column), rounds.of(column), text))
            continue
        if not header or not _continues(cells, gap, names_someone):
            header = {}
            found.outside += [(_Row(number, sheet.sheet, c), t) for c, t in cells.items()]
            continue
        row_round = None
        first = min(cells)
        if first < min(header) and _round_label(cells[first]):
            row_round = str(_round_label(cells[first]))
        for column, text in sorted(cells.items()):
            at = _Row(number, sheet.sheet, column)
            if column in header:
                round_text = row_round or rounds.of(column)
                found.entries.append(_Entry(at, round_text, header[column], [text]))
            elif not (row_round and column == first):
                found.outside.append((at, text))
    return found


def _rows_per_table(sheet: Table, sheet_round: int | None, names_someone) -> _Blocks | None:
    """A row per table: a first cell "Tafel 1" and the table's people in the cells after it
    (or in the cell itself: "Tafel 1: Anna, Daan en Sem"), or on the rows under it, one per
    row (a list). Rounds are opened by a row with only a round ("Ronde 2"), by a round in the
    row's first cell ("Ronde 2 | Tafel 1 | Anna | ..."), or by a row of rounds side by side
    ("Tafel | Ronde 1 | Ronde 2"): then each column holds its round's people of that table."""
    grid = _grid(sheet)

    def starts_a_table(cells: dict[int, str]) -> bool:
        items = [text for _column, text in sorted(cells.items())][:2]
        if len(items) == 2 and _round_label(items[0]):
            items = items[1:]
        return bool(items) and _table_label(items[0]) is not None

    if not any(starts_a_table(cells) and not _header_row(cells)[0] for _n, cells in grid):
        return None
    found = _Blocks(layout=_("a row per table"), sheet=sheet.sheet if sheet_round else "")
    default = str(sheet_round) if sheet_round else ("" if _any_round(sheet) else "1")
    rounds = _Rounds(default=default)
    table = ""
    previous = None
    for number, cells in grid:
        gap = previous is not None and number > previous + 1
        previous = number
        opened = _round_row(cells)
        if opened:
            rounds, table = _Rounds(opened, default), ""
            continue
        items = sorted(cells.items())
        lead = _round_label(items[0][1])
        if len(items) > 1 and lead and _table_label(items[1][1]):
            rounds, items = _Rounds({items[0][0]: lead}, default), items[1:]
        label = _table_label(items[0][1])
        if label:
            column = items[0][0]
            table, rest = label
            at = _Row(number, sheet.sheet, column)
            found.opened.append((at, rounds.of(column), table))
            if rest:
                found.entries.append(_Entry(at, rounds.of(column), table, [rest]))
            items = items[1:]
        elif not table or not _continues(cells, gap, names_someone):
            table = ""
            found.outside += [(_Row(number, sheet.sheet, c), t) for c, t in items]
            continue
        for column, text in items:
            at = _Row(number, sheet.sheet, column)
            found.entries.append(_Entry(at, rounds.of(column), table, [text]))
    return found


BLOCK_LAYOUTS = (_columns_per_table, _rows_per_table)


def _blocks_of(sheet: Table, sheet_round: int | None, team: _Team) -> _Blocks | None:
    """The sheet read by the one block layout it holds; None when it holds none or both (a row
    that names tables and a row that starts with one: which is which is not ours to guess)."""

    def names_someone(text: str) -> bool:
        return bool(team.find_all(text)[0])

    found = [
        blocks
        for detect in BLOCK_LAYOUTS
        if (blocks := detect(sheet, sheet_round, names_someone)) is not None
    ]
    return found[0] if len(found) == 1 else None


def _read_blocks(plan: EarlierPlan, blocks: _Blocks, team: _Team, tables: Tables) -> None:
    """The entries of a block layout read as the layout per table's rows; a table named twice
    in one round is a problem (a round without its heading row would add its tables to the
    round before), and so is a colleague outside any table (where did they sit?). Other cells
    outside the tables (a title, notes below the plan) are left out, as the preview says."""
    first: dict[tuple[int, str], _Row] = {}
    twice = False
    for at, round_text, table_text in blocks.opened:
        number, label = _round_number(round_text), _table_key(table_text)
        if number is None or not label:
            continue
        if (number, label) in first:
            twice = True
            plan.problems.append(
                _(
                    "%(where)s: round %(round)d already has a table “%(table)s” (%(other)s). "
                    "Open each round with a row that names it, such as “Round 2”."
                )
                % {
                    "where": at.where(),
                    "table": table_text,
                    "round": number,
                    "other": first[(number, label)].where(start=False),
                }
            )
        else:
            first[(number, label)] = at
    # a round without its heading seats everyone twice in the round before: its people are
    # looked up, not seated, so the problems say what to change rather than who sits twice
    seating: Tables = defaultdict(list) if twice else tables
    for entry in blocks.entries:
        if not _value_problems(plan, entry.at, [entry.round, entry.table, *entry.people]):
            _read_entry(plan, entry, team, seating)
    left_out = []
    for at, text in blocks.outside:
        if _value_problems(plan, at, [text]):
            continue
        members, _problem = team.find_all(text)
        if members:
            plan.problems.append(
                _("%(where)s: “%(text)s” is not under a table, so we cannot tell where they sat.")
                % {"where": at.where(), "text": text}
            )
        else:
            left_out.append(_("row %(row)d (“%(text)s”)") % {"row": at.number, "text": text})
    if left_out:
        shown = ", ".join(left_out[:MAX_LEFT_OUT_SHOWN])
        if len(left_out) > MAX_LEFT_OUT_SHOWN:
            shown += " " + _("and %(count)d more") % {"count": len(left_out) - MAX_LEFT_OUT_SHOWN}
        if blocks.sheet:
            text = _("Not part of a table on sheet “%(sheet)s”, so left out: %(cells)s.")
        else:
            text = _("Not part of a table, so left out: %(cells)s.")
        plan.notes.append(text % {"sheet": blocks.sheet, "cells": shown})


def _rows_read(sheet: Table, whole: set[int]) -> list[tuple[int, list[str]]]:
    """The rows a layout reads: those under the header row, or every row of a sheet read in a
    block layout (its id in `whole`)."""
    return sheet.grid if id(sheet) in whole else sheet.rows


def _uncalculated_problem(sheets: list[Table], whole: set[int]) -> str | None:
    """Formulas without a saved result in the rows we read (a plan made with formulas, saved
    by a program that does not calculate them): we would read empty cells where Excel shows a
    table or a name. The words are the staff import's."""
    cells = []
    for sheet in sheets:
        columns, _kinds, _people = _layout(sheet)
        used = {c.index for c in columns}
        if id(sheet) in whole:
            used = {index for _number, index in sheet.uncalculated}
        # a formula without a result reads as an empty cell, which the grid leaves out
        numbers = {number for number, _cells in _rows_read(sheet, whole)} | (
            {number for number, _index in sheet.uncalculated} if id(sheet) in whole else set()
        )
        where = f"{sheet.sheet}!" if len(sheets) > 1 else ""
        cells += [
            f"{where}{get_column_letter(index + 1)}{number}"
            for number, index in sorted(sheet.uncalculated)
            if index in used and number in numbers
        ]
    return uncalculated_message(cells)


def earlier_plan_read(*, school: School, content: bytes, day: date) -> EarlierPlan:
    """Read a table plan of a session on `day` from a file: its tables, or every problem.

    The layouts are in the module's docstring; besides them, a workbook may hold a sheet per
    round ("Ronde 1", "Ronde 2", ...), each with a table column and people, or in a block layout
    (a column per table, a row per table), in which a plan made by hand or by another tool may
    also be on one sheet."""
    plan = EarlierPlan()
    try:
        sheets = read_sheets(content, known=_known)
    except NoHeaderRow:
        plan.problems.append(_layout_problem())
        return plan
    except ImportFileError as error:
        plan.problems.append(error.message)
        return plan
    plan.day = day
    # the first sheet that holds a plan in one of the layouts: a list of the team (names and
    # addresses) or of pupils may come before it
    sheet = next((other for other in sheets if _whole_layout(other)), sheets[0])
    plan.read_as = sheet.read_as
    columns, kinds, has_people = _layout(sheet)
    team = _Team(school)
    tables: Tables = defaultdict(list)
    # a sheet per round: with a table column and people, or in a block layout
    per_round = [
        (number, other, None if _a_round_of_tables(other) else _blocks_of(other, number, team))
        for other in sheets
        if (number := _round_of_sheet(other.sheet)) is not None
    ]
    per_round = [
        (n, other, blocks) for n, other, blocks in per_round if blocks or _a_round_of_tables(other)
    ]
    read: list[Table] = [sheet]  # the sheets the tables are read from
    whole: set[int] = set()  # (ids of) those read in a block layout, every row
    if kinds["round"] and kinds["table"] and has_people:
        if kinds["round"] > 1 or kinds["table"] > 1:
            plan.problems.append(_("The file has more than one round or table column."))
            return plan
        _read_per_table(plan, sheet, team, tables)
    elif kinds["round_n"] and has_people:
        if len({c.number for c in columns if c.kind == "round_n"}) < kinds["round_n"]:
            plan.problems.append(_("The file names one round in two columns."))
            return plan
        _read_per_person(plan, sheet, team, tables)
    elif per_round:
        # a sheet Excel does not show (a draft, an old plan someone hid) is left out
        hidden = {other.sheet for other in sheets if other.hidden}
        for _number, other, _blocks in per_round:
            if other.sheet in hidden:
                plan.notes.append(
                    _("The sheet “%(sheet)s” is hidden in the file and is left out.")
                    % {"sheet": other.sheet}
                )
        per_round = [entry for entry in per_round if entry[1].sheet not in hidden]
        if len({number for number, _sheet, _blocks in per_round}) < len(per_round):
            plan.problems.append(_("The file names one round on two sheets."))
            return plan
        plan.read_as = _("Excel, a sheet per round")
        read = [other for _number, other, _blocks in per_round]
        for number, other, blocks in per_round:
            if blocks is None:
                _read_per_table(plan, other, team, tables, of_round=number)
            else:
                whole.add(id(other))
                _read_blocks(plan, blocks, team, tables)
    elif found := next(
        ((other, blocks) for other in sheets if (blocks := _blocks_of(other, None, team))),
        None,
    ):
        sheet, blocks = found
        plan.read_as = _("%(file)s, %(layout)s") % {"file": sheet.read_as, "layout": blocks.layout}
        read, whole = [sheet], {id(sheet)}
        _read_blocks(plan, blocks, team, tables)
    else:
        plan.problems.append(_layout_problem())
        return plan
    uncalculated = _uncalculated_problem(read, whole)
    if uncalculated:
        plan.problems.append(uncalculated)
    if not plan.problems and not tables:
        plan.problems.append(_("The file holds no table with people."))
    round_numbers = sorted({r for r, _label in tables})
    if len(round_numbers) > MAX_ROUNDS:
        plan.problems.append(
            _("The file has %(count)d rounds; a session has at most %(max)d.")
            % {"count": len(round_numbers), "max": MAX_ROUNDS}
        )
    # seated even when there are problems: someone seated twice is one more to list at once
    _place(plan, school=school, day=day, tables=tables, round_numbers=round_numbers)
    if not plan.problems:
        plan.notes.extend(_read_notes(read, round_numbers, whole))
    return plan


def _read_notes(sheets: list[Table], round_numbers: list[int], whole: set[int]) -> list[str]:
    """What the preview says about how the file was read: rounds numbered anew (a file with
    rounds 1, 2 and 4 records rounds 1 to 3: a session's table rounds follow each other), and
    rows Excel hides, which are read all the same (as the staff import says)."""
    notes = []
    if round_numbers != list(range(1, len(round_numbers) + 1)):
        notes.append(
            _("The file's rounds %(file)s are recorded as rounds 1 to %(count)d, in that order.")
            % {"file": ", ".join(str(r) for r in round_numbers), "count": len(round_numbers)}
        )
    for sheet in sheets:
        hidden = [
            number
            for number, cells in _rows_read(sheet, whole)
            if number in sheet.hidden_rows and any(cells)
        ]
        if not hidden:
            continue
        rows = ", ".join(str(number) for number in hidden)
        if len(sheets) > 1:
            text = ngettext(
                "Row %(rows)s of sheet “%(sheet)s” is hidden in your file (by hand or by a "
                "filter), but read like the other rows.",
                "Rows %(rows)s of sheet “%(sheet)s” are hidden in your file (by hand or by a "
                "filter), but read like the other rows.",
                len(hidden),
            )
        else:
            text = ngettext(
                "Row %(rows)s is hidden in your file (by hand or by a filter), but read like the "
                "other rows.",
                "Rows %(rows)s are hidden in your file (by hand or by a filter), but read like the "
                "other rows.",
                len(hidden),
            )
        notes.append(text % {"rows": rows, "sheet": sheet.sheet})
    return notes


def _place(plan: EarlierPlan, *, school, day, tables, round_numbers) -> None:
    """The rounds as member pks, with someone seated twice in a round as a problem; with no
    problem (here or before), each member's line on `day` and the preview's notes."""
    left: dict[int, Member] = {}
    for r in round_numbers:
        labels = sorted((label for rr, label in tables if rr == r), key=_table_order)
        seen: dict[int, _Row] = {}  # member pk: where they are seated in this round
        rnd = []
        for label in labels:
            table = []
            for at, member in tables[(r, label)]:
                if not member.is_active:
                    left[member.pk] = member
                    continue
                if member.pk in seen:
                    plan.problems.append(
                        _("%(where)s: %(name)s sits twice in round %(round)d (also in %(other)s).")
                        % {
                            "where": at.where(),
                            "name": member.full_name,
                            "round": r,
                            "other": seen[member.pk].where(start=False),
                        }
                    )
                    continue
                seen[member.pk] = at
                table.append(member.pk)
                plan.names[member.pk] = member.full_name
            if table:
                rnd.append(table)
        plan.rounds.append(rnd)
    if plan.problems:
        plan.rounds = []
        return
    for member in sorted(left.values(), key=lambda m: m.sort_name):
        plan.notes.append(
            _("%(name)s has left the team and is left out.") % {"name": member.full_name}
        )
    try:
        placed = _lines_on(school=school, day=day, members=set(plan.names))
    except ValidationError as error:
        plan.problems.extend(error.messages)
        plan.rounds = []
        return
    moved = sorted(
        (plan.names[pk] for pk, (_line, membership) in placed.items() if membership is not None),
    )
    if moved:
        plan.notes.append(
            ngettext(
                "%(count)d person is in a learning line in this app only from a later date: "
                "recording places them in that line from %(day)s (%(names)s).",
                "%(count)d people are in a learning line in this app only from a later date: "
                "recording places them in that line from %(day)s (%(names)s).",
                len(moved),
            )
            % {
                "count": len(moved),
                "day": formats.date_format(day, "j F Y"),
                "names": ", ".join(moved),
            }
        )
    plan.repeats_within = sum(count - 1 for count in pair_counts(plan.rounds).values())
    expected = set(
        LineMembership.objects.on(day)
        .filter(line__school=school, line__archived_at__isnull=True, member__is_active=True)
        .values_list("member_id", flat=True)
    )
    plan.absent = len(expected - set(plan.names))


def _lines_on(
    *, school: School, day: date, members: set[int]
) -> dict[int, tuple[int, LineMembership | None]]:
    """Each member's line on `day`: {pk: (line pk, a later membership to start on `day`)}.

    A member not in a line on `day` whose first line of that school year starts later is
    placed in it from `day`; one without any line in that school year is a problem."""
    memberships = list(
        LineMembership.objects.filter(
            member_id__in=members, line__school=school, line__year__start__lte=day,
            line__year__end__gte=day,
        )
        .select_related("member")
        .order_by("start")
    )  # fmt: skip
    placed: dict[int, tuple[int, LineMembership | None]] = {}
    for membership in memberships:
        holds = membership.start <= day and (membership.end is None or membership.end >= day)
        if holds:
            placed[membership.member_id] = (membership.line_id, None)
    for membership in memberships:
        pk = membership.member_id
        if pk not in placed and membership.start > day:
            placed[pk] = (membership.line_id, membership)
    missing = sorted(
        member.full_name for member in Member.objects.filter(pk__in=members - set(placed))
    )
    if missing:
        raise ValidationError(
            [
                _(
                    "%(name)s is in no learning line of this school year. Place them in their "
                    "line on the team page first: a seat records the line."
                )
                % {"name": name}
                for name in missing
            ]
        )
    return placed


# --- the preview's token and recording ----------------------------------------------------------


def earlier_plan_sign(*, school: School, plan: EarlierPlan) -> str:
    """The rounds of a previewed plan and the date it was read for, signed for this school,
    for the confirming form."""
    day = plan.day.isoformat() if plan.day else None
    return signing.dumps(
        {"school": school.pk, "day": day, "rounds": plan.rounds}, salt=SIGNING_SALT, compress=True
    )


def earlier_plan_unsign(*, school: School, token: str, day: date) -> list[list[list[int]]]:
    """The rounds of a signed preview, only for the date it was read for: the lines, the people
    placed in a line from that date and the absent all depend on it, so another date needs
    another preview."""
    try:
        data = signing.loads(token, salt=SIGNING_SALT, max_age=SIGNED_FOR_SECONDS)
    except signing.BadSignature:
        raise ValidationError(
            _("This preview is too old or was changed. Upload the file again.")
        ) from None
    if data.get("school") != school.pk:
        # the page answers "not found", as for any other school's object
        raise ValidationError("A preview of another school.", code=OTHER_SCHOOL)
    if data.get("day") != day.isoformat():
        raise ValidationError(
            {
                "date": _(
                    "The preview was made for another date. Upload the file again to see what "
                    "recording on this date does."
                )
            }
        )
    return data["rounds"]


class AlreadyRecorded(ValidationError):
    """The same tables are already recorded as a session on that date (a second click on the
    confirmation, or the back button and confirming again): nothing is recorded twice."""

    def __init__(self, session: PlenarySession):
        super().__init__(
            _(
                "These tables are already recorded as “%(title)s” on %(day)s; they are not "
                "recorded a second time."
            )
            % {"title": session.title, "day": formats.date_format(session.date, "j F Y")},
            code="already_recorded",
        )
        self.session = session


def _same_tables_recorded(
    *, school: School, day: date, start_time: time, rounds
) -> PlenarySession | None:
    """A held session of the school on `day` at `start_time` whose plan holds exactly these
    tables: a second click on the confirmation. (A morning and an afternoon session with the
    same tables are two sessions.)"""
    wanted = [{frozenset(table) for table in rnd} for rnd in rounds]
    seats = (
        Seat.objects.filter(
            round__plan__session__school=school,
            round__plan__session__date=day,
            round__plan__session__start_time=start_time,
            round__plan__session__status=PlenarySession.Status.HELD,
        )
        .order_by()
        .values_list("round__plan__session_id", "round__number", "table_id", "member_id")
    )
    found: dict[int, dict[int, dict[int, set[int]]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(set))
    )
    for session_id, number, table_id, member_id in seats:
        found[session_id][number][table_id].add(member_id)
    for session_id, by_round in sorted(found.items()):
        held = [
            {frozenset(table) for table in by_round[number].values()} for number in sorted(by_round)
        ]
        if held == wanted:
            return PlenarySession.objects.get(pk=session_id)
    return None


def earlier_session_check(*, school: School, day: date) -> SchoolYear:
    """The school year an earlier session on `day` is recorded in (ValidationError: why not)."""
    if day > timezone.localdate():
        raise ValidationError(
            {"date": _("An earlier session lies in the past: choose today or an earlier date.")}
        )
    year = SchoolYear.objects.filter(school=school, start__lte=day, end__gte=day).first()
    if year is None:
        raise ValidationError({"date": _("There is no school year for this date.")})
    if year.end < timezone.localdate():
        raise ValidationError(
            {
                "date": _(
                    "This school year has ended: only the current year's sessions are history "
                    "for a plan."
                )
            }
        )
    return year


def earlier_session_record(
    *,
    school: School,
    title: str,
    day: date,
    start_time: time,
    end_time: time,
    place: str = "",
    rounds: list[list[list[int]]],
    by=None,
) -> PlenarySession:
    """Record a held session on `day` with the tables of `rounds` (member pks), checked again."""
    year = earlier_session_check(school=school, day=day)
    people = {pk for rnd in rounds for table in rnd for pk in table}
    if not rounds or not people or len(rounds) > MAX_ROUNDS:
        raise ValidationError(_("The plan holds no table with people. Upload the file again."))
    for rnd in rounds:
        seated = [pk for table in rnd for pk in table]
        if len(seated) != len(set(seated)):
            raise ValidationError(_("Someone sits twice in one round. Upload the file again."))
    active = set(
        Member.objects.filter(school=school, is_active=True, pk__in=people).values_list(
            "pk", flat=True
        )
    )
    if active != people:
        raise ValidationError(
            _("Someone in this plan has left the team meanwhile. Upload the file again.")
        )
    with transaction.atomic():
        # one confirmation at a time per school, so two clicks cannot both find no session yet
        School.objects.select_for_update().filter(pk=school.pk).first()
        already = _same_tables_recorded(
            school=school, day=day, start_time=start_time, rounds=rounds
        )
        if already is not None:
            raise AlreadyRecorded(already)
        placed = _lines_on(school=school, day=day, members=people)
        for _line, membership in placed.values():
            if membership is not None:
                membership.start = day
                membership.full_clean()
                membership.save(update_fields=["start"])
        session = PlenarySession(
            school=school,
            year=year,
            title=title.strip(),
            date=day,
            start_time=start_time,
            end_time=end_time,
            place=place.strip(),
            status=PlenarySession.Status.HELD,
            created_by=by,
        )
        session.full_clean()
        session.save()
        # the session's time split over its rounds, the first rounds taking a minute left over
        base, extra = divmod(session.duration_minutes, len(rounds))
        with translation.override(school.language):
            Assignment.objects.bulk_create(
                Assignment(
                    session=session,
                    position=number,
                    title=_("Table round %(n)s") % {"n": number},
                    duration_minutes=max(1, min(240, base + (number <= extra))),
                    table_round=number,
                )
                for number in range(1, len(rounds) + 1)
            )
        _record_attendance(session, rounds, by=by)
        plan_record(
            session=session,
            rounds=[[[[pk, placed[pk][0]] for pk in table] for table in rnd] for rnd in rounds],
            by=by,
        )
        cycle_start_new(year=year, on=day)  # only when it is the year's latest session
    return session


def _record_attendance(session: PlenarySession, rounds, *, by) -> None:
    """Who was in a line on the day without a seat was absent; seated in some rounds only:
    there from the first of them to the last."""
    sat_in: dict[int, list[int]] = defaultdict(list)
    for number, rnd in enumerate(rounds, start=1):
        for table in rnd:
            for pk in table:
                sat_in[pk].append(number)
    expected = LineMembership.objects.on(session.date).filter(
        line__school=session.school,
        line__year=session.year,
        line__archived_at__isnull=True,
        member__is_active=True,
    )
    rows = []
    for member_id in sorted(set(expected.values_list("member_id", flat=True))):
        numbers = sat_in.get(member_id)
        if not numbers:
            rows.append(
                SessionAttendance(session=session, member_id=member_id, absent=True, updated_by=by)
            )
        elif min(numbers) > 1 or max(numbers) < len(rounds):
            rows.append(
                SessionAttendance(
                    session=session,
                    member_id=member_id,
                    first_round=min(numbers) if min(numbers) > 1 else None,
                    last_round=max(numbers) if max(numbers) < len(rounds) else None,
                    updated_by=by,
                )
            )
    SessionAttendance.objects.bulk_create(rows)
