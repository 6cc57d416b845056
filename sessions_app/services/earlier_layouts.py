"""The layouts of a table plan in a spreadsheet, for an earlier session: which one a sheet
holds, and its rows read as entries (where, round, table, people).

`sessions_app.services.earlier` reads the file (with `learninglines.tabular`), finds the people
the entries name, checks them and records the session; docs/earlier-sessions.md describes the
layouts for schools. The layouts understood:
- by their header row:
  * per table: a round column ("Ronde"), a table column ("Tafel", "Groep") and one or more
    columns with people ("Naam", "E-mailadres", "Persoon 1", "Persoon 2", ...); rows with the
    same round and table are one table (`per_table_entries`);
  * per person: a column with the person ("Naam" or "E-mailadres", or first name, prefix and
    last name) and a column per round ("Ronde 1", "Round 2", "R3") holding that person's table
    in that round; an empty cell: not there in that round (`per_person_rows`);
  * in both, a column of notes ("Opmerking") holds a note on the row's person, read as a note
    beside the name ("ziek": not there), and so does a column "Aanwezig" that says other than
    yes; a no there ("nee", "n", "0", "-", "\u2717": PRESENT_NO) seats the person nowhere;
  * a workbook with a sheet per round ("Ronde 1", "Ronde 2", ...), each with a table column and
    people (`round_of_sheet`, `a_round_of_tables`);
- block layouts, without a header row naming the columns (plans made by hand or by a group
  generator): a column per table under a row "Tafel 1 | Tafel 2", or a row per table that
  starts with "Tafel 1" (also as a list under it), rounds opened by a row "Ronde 2" or on a
  sheet per round (`blocks_of`). Each is read into the rows the layout per table is read into
  (Entry).

Nothing here looks a person up or says what is wrong: the readers ask the caller whether a row
has a problem (`RowCheck`), and the block detectors whether a cell names someone.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from learninglines.services.imports import ImportField, header_field
from learninglines.tabular import Table

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
# a column of notes on the row's person ("Opmerking": "ziek", "kwam later")
NOTE_WORDS = {
    "opmerking", "opmerkingen", "notitie", "notities", "noot", "aantekening", "aantekeningen",
    "toelichting", "bijzonderheden", "bijzonderheid", "note", "notes", "remark", "remarks",
    "comment", "comments",
}  # fmt: skip
# a column that says whether the row's person was there ("Aanwezig": "ja" / "nee")
PRESENT_WORDS = {"aanwezig", "aanwezigheid", "present", "presence", "attendance", "attended"}
# What a cell of that column says, as `presence_key` writes it: yes (or empty) seats the person,
# no does not; anything else is read as a note beside the name ("kwam later", "ziek (griep)").
# A yes/no cell of Excel (TRUE/FALSE) arrives as "1"/"0" (learninglines.tabular).
PRESENT_YES = {
    "", "ja", "j", "yes", "y", "x", "v", "1", "aanwezig", "present", "true", "waar", "ok",
    "\u2713", "\u2714", "\u2611",  # check marks
}  # fmt: skip
PRESENT_NO = ABSENT_WORDS | {
    "n", "0", "false", "onwaar",
    "-", "\u2013", "\u2014",  # dashes
    "\u2717", "\u2718", "\u2715", "\u2716", "\u274c", "\u2612",  # crosses
}  # fmt: skip
# "Ronde 1", "R1", "Round 2", "1e ronde", "2nd round", "Tafel ronde 3", "Ronde 3 tafel"
_ROUND_HEADER = re.compile(
    r"(?:tafel|table)?(?:ronde|round|rnd|r)(\d{1,2})(?:tafel|table)?"
    r"|(\d{1,2})(?:e|de|ste|st|nd|rd|th)?(?:tafelronde|ronde|round)(?:tafel|table)?"
)
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


# letters that have no accent to drop: a file written without them ("Yilmaz" for the Turkish
# dotless i, which Windows-1252 lacks) still names the person
_PLAIN_LETTERS = str.maketrans(
    {"\u0131": "i", "ł": "l", "ø": "o", "đ": "d", "ð": "d", "æ": "ae", "œ": "oe"}
)


def plain_words(text: str) -> list[str]:
    """Letters and digits, lower case, accents dropped: "Tafel 3 (zaal)" -> tafel, 3, zaal."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return re.findall(r"[^\W_]+", plain.translate(_PLAIN_LETTERS))


@dataclass(frozen=True)
class Column:
    index: int
    kind: str  # "round", "round_n", "table", "person", "email", "note", "present" or a name part
    number: int | None = None  # "round_n": the round


def _column(index: int, header: str) -> Column | None:
    words = plain_words(header)
    joined = "".join(words)
    core = "".join(w for w in words if not w.isdigit())
    numbered = _ROUND_HEADER.fullmatch(joined)
    if numbered:
        return Column(index, "round_n", int(numbered.group(1) or numbered.group(2)))
    if core in ROUND_WORDS and core != "r" and core == joined:
        return Column(index, "round")
    if core in TABLE_WORDS:
        return Column(index, "table")
    if core in PERSON_WORDS:
        return Column(index, "person", 1 if core != joined else None)
    if joined in NOTE_WORDS:
        return Column(index, "note")
    if joined in PRESENT_WORDS:
        return Column(index, "present")
    found = header_field(header)
    if found == ImportField.EMAIL:
        return Column(index, "email")
    if found == ImportField.FULL_NAME:
        return Column(index, "person", 1 if core != joined else None)
    if found in NAME_PARTS:
        return Column(index, str(found))
    return None


def starts_a_plan(header: str) -> bool:
    """A header of a layout per table or per person, or a cell that names a table or round in
    a block layout ("Tafel 1", "Groep 2: Anna en Sem", "Ronde 1"): where a plan starts."""
    column = _column(0, header)
    return (
        (column is not None and column.kind not in ("note", "present"))
        or _table_label(header) is not None
        or _round_label(header) is not None
    )


# --- cells that name a table or a round, and the people ---------------------------------------


def table_key(text: str) -> str:
    """The table a cell names: "Tafel 3", "T3", "tafel nr. 03" and "3" are table "3"; "Tafel A"
    and "A" table "a". A cell saying someone was not there ("afwezig", "ziek", "n.v.t.") names
    no table."""
    words = plain_words(text)
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


def person_per_cell(columns: list[Column]) -> bool:
    """Whether each person column holds a person of its own (numbered or repeated columns),
    rather than the name and address columns together one person."""
    people = [c for c in columns if c.kind in ("person", "email")]
    return (
        any(c.number for c in people)
        or len([c for c in people if c.kind == "person"]) > 1
        or len([c for c in people if c.kind == "email"]) > 1
    )


def _person_cells(row: list[str], columns: list[Column]) -> list[str]:
    """The people a row names: one per cell in numbered or repeated person columns, else one
    person from the name and address columns (the address first)."""
    people = [c for c in columns if c.kind in ("person", "email")]
    if person_per_cell(columns):
        return [row[c.index] for c in people if row[c.index]]
    for kind in ("email", "person"):
        for column in people:
            if column.kind == kind and row[column.index]:
                return [row[column.index]]
    name = name_of_row(row, columns)
    return [name] if name else []


def name_of_row(row: list[str], columns: list[Column]) -> str:
    """The name a row writes for its one person: the name column, or the first name, prefix
    and last name columns together ("" when it writes none)."""
    name = next((row[c.index] for c in columns if c.kind == "person" and row[c.index]), "")
    if name:
        return name
    parts = {c.kind: row[c.index] for c in columns if c.kind in NAME_PARTS}
    return " ".join(
        part
        for kind in (ImportField.FIRST_NAME, ImportField.NAME_PREFIX, ImportField.LAST_NAME)
        if (part := parts.get(str(kind), "").strip())
    )


class NotThere(str):
    """A note from the column "Aanwezig" that says no ("n", "0", "-"): the person was not
    there, whatever its words (`absent_note`); the preview quotes the cell as written."""

    __slots__ = ()


def presence_key(text: str) -> str:
    """A cell of the column "Aanwezig" as PRESENT_YES and PRESENT_NO write it: its letters and
    digits ("Nee." -> "nee"), or, when it has none, its marks ("\u2713", "-")."""
    return "".join(plain_words(text)) or "".join(text.split())


def _presence_note(text: str) -> str | None:
    """What a cell of the column "Aanwezig" adds to the row's notes: nothing for yes, a note
    that the person was not there for no, else the cell as a note ("kwam later")."""
    key = presence_key(text)
    if key in PRESENT_YES:
        return None
    return NotThere(text.strip()) if key in PRESENT_NO else text.strip()


def notes_of_row(row: list[str], columns: list[Column]) -> tuple[str, ...]:
    """What a row's column of notes says ("ziek", "kwam later"), and its column that says
    whether they were there when it says other than yes ("nee", "n", "0", "-")."""
    notes = []
    for c in columns:
        if c.kind == "note" and row[c.index].strip():
            notes.append(row[c.index].strip())
        elif c.kind == "present" and (note := _presence_note(row[c.index])) is not None:
            notes.append(note)
    return tuple(notes)


@dataclass(frozen=True)
class Row:
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


# --- layouts with a header row ----------------------------------------------------------------


def sheet_layout(sheet: Table) -> tuple[list[Column], Counter, bool]:
    columns = [c for i, h in enumerate(sheet.headers) if (c := _column(i, h)) is not None]
    kinds = Counter(c.kind for c in columns)
    has_people = bool(kinds["person"] or kinds["email"] or NAME_PARTS & set(kinds))
    return columns, kinds, has_people


def whole_layout(sheet: Table) -> bool:
    """A sheet with a plan in the layout per table or per person (earlier_plan_read)."""
    _columns, kinds, has_people = sheet_layout(sheet)
    return has_people and bool((kinds["round"] and kinds["table"]) or kinds["round_n"])


def a_round_of_tables(sheet: Table) -> bool:
    """A sheet of one round: a table column and people, no round column."""
    _columns, kinds, has_people = sheet_layout(sheet)
    return kinds["table"] == 1 and has_people and not kinds["round"]


def round_of_cell(text: str) -> int | None:
    """The round a round cell names, or None: one number, with or without the word round
    ("Ronde 1", "1e ronde", "R1"), perhaps with the round's time after it. A time alone
    ("10:00", Excel's 10:00:00) or a decimal ("1.5") is no round, although it holds digits."""
    found = _ROUND_CELL.fullmatch(text.strip().casefold())
    return int(found.group(1)) if found else None


def round_of_sheet(name: str) -> int | None:
    numbered = _ROUND_HEADER.fullmatch("".join(plain_words(name)))
    return int(numbered.group(1) or numbered.group(2)) if numbered else None


@dataclass(frozen=True)
class Entry:
    """The row model every layout is read into: where, the round and table as the file writes
    them ("Ronde 2", "Tafel 3", "Afwezig") and the cells with the people at that table; in a
    layout with a header row, the row's name cell when its person is looked up by address, and
    what its columns of notes say (`notes_of_row`)."""

    at: Row
    round: str
    table: str
    people: list[str]
    name: str = ""
    notes: tuple[str, ...] = ()


# Whether a row has a problem (the caller says which) and is passed by: called with where the
# row is, its cells, and the cells read from it (round, table, people).
RowCheck = Callable[[Row, list[str], list[str]], bool]


def per_table_entries(
    sheet: Table, has_problems: RowCheck, *, of_round: int | None = None
) -> Iterator[Entry]:
    """Rows of a round (or `of_round`, the sheet's), a table and one or more people.

    An empty round cell is the round of the row above, and an empty table cell in the same
    round the table above: a round or table merged over its rows (a CSV keeps the value in the
    first row only), or written once above them. A row with a round alone opens that round; a
    row with a break alone ("Pauze") is passed by. A table that says nobody was there
    ("Afwezig") seats nobody (`table_key` gives it no label).
    Each entry is made after `has_problems` passed its row, and before the next row is read."""
    columns, _kinds, _people = sheet_layout(sheet)
    round_at = next((c.index for c in columns if c.kind == "round"), None)
    table_at = next(c.index for c in columns if c.kind == "table")
    previous_round = previous_table = ""
    for number, row in sheet.rows:
        at = Row(number, sheet.sheet if of_round else "")
        people = _person_cells(row, columns)
        own_round = row[round_at] if round_at is not None else ""
        table_text = row[table_at]
        if not people and not table_text and not own_round:
            continue
        if all(break_like(cell) for cell in row if cell.strip()):
            continue  # "Pauze" between the rounds: no table, and no round either
        if has_problems(at, row, [own_round, table_text, *people]):
            continue
        round_text = str(of_round) if round_at is None else own_round or previous_round
        if not table_text and (not own_round or own_round == previous_round):
            table_text = previous_table
        if own_round and own_round != previous_round and not people and not row[table_at]:
            previous_round, previous_table = round_text, ""  # a round's heading row
            continue
        previous_round, previous_table = round_text, table_text
        yield Entry(
            at,
            round_text,
            table_text,
            people,
            name_of_row(row, columns),
            notes_of_row(row, columns),
        )


@dataclass(frozen=True)
class PersonRow:
    """A row of the layout per person: where, the cells that name the person (the first is the
    one looked up), their table in each round that has one, as {round: table key}, and the
    notes beside a table ("3 (later)"), as {round: note}; the name cell when the person is
    looked up by address, and what its columns of notes say (`notes_of_row`)."""

    at: Row
    people: list[str]
    seats: dict[int, str]
    notes: dict[int, str] = field(default_factory=dict)
    name: str = ""
    row_notes: tuple[str, ...] = ()


_NOTE_AFTER = re.compile(r"(?P<table>.*?\S)\s*\((?P<note>[^()]*)\)", re.DOTALL)
# a note that says the person was not there: "3 (ziek)"
ABSENT_NOTE_WORDS = {
    "afwezig", "afw", "ziek", "ziekgemeld", "absent", "sick", "ill", "verhinderd", "afgemeld",
    "vrij", "verlof", "thuis",
}  # fmt: skip


def absent_note(note: str) -> bool:
    """Whether a note beside a name or table says the person was not there ("ziek"), or the
    column "Aanwezig" says no (`NotThere`)."""
    if isinstance(note, NotThere):
        return True
    words = plain_words(note)
    return bool(set(words) & ABSENT_NOTE_WORDS) or "".join(words) in ABSENT_WORDS


def seat_and_note(text: str) -> tuple[str, str]:
    """A person's table in a round of the layout per person, and a note beside it: "Tafel 3
    (later)" is table 3 with the note "later"; "3 (ziek)" no table (they were not there)."""
    noted = _NOTE_AFTER.fullmatch(text.strip())
    if not noted or not table_key(noted.group("table")):
        return table_key(text), ""
    note = noted.group("note").strip()
    return ("" if absent_note(note) else table_key(noted.group("table"))), note


def per_person_rows(sheet: Table, has_problems: RowCheck) -> Iterator[PersonRow]:
    """Rows of a person and a table per round column, after `has_problems` passed each."""
    columns, _kinds, _people = sheet_layout(sheet)
    by_round = {c.number: c.index for c in columns if c.kind == "round_n"}
    for number, row in sheet.rows:
        at = Row(number)
        people = _person_cells(row, columns)
        if has_problems(at, row, [*people, *(row[i] for i in by_round.values())]):
            continue
        read = {r: seat_and_note(row[i]) for r, i in by_round.items()}
        seats = {r: table for r, (table, _note) in read.items() if table}
        notes = {r: note for r, (_table, note) in read.items() if note}
        yield PersonRow(
            at, people, seats, notes, name_of_row(row, columns), notes_of_row(row, columns)
        )


# --- plans laid out in blocks: a column per table, or a row per table ---------------------------
#
# Plans made by hand (in Excel, or in a Word table copied into Excel) and by online group
# generators have no header row that names the columns: the tables are named in the cells
# ("Tafel 1", "Groep 2", "Table A", "Afwezig") and each round is opened by a row that names it
# ("Ronde 2"). Each detector below reads one such layout into the entries (Entry) the layout
# per table is read into, so the same checks and problems apply.

# "Tafel 3", "Groep 2", "Table A", "Kwartet 1", "Team 4", "Tafel nr. 3", "Tafel 3 (aula)"; or a
# "table" of people who were not there; perhaps followed by the table's people after a colon
# or dash ("Groep 1: Anna, Daan en Sem", as a group generator writes it), or on the lines under
# it in the same cell (Alt+Enter)
_TABLE_LABEL = re.compile(
    r"((?:tafel|table|tafelgroep|groepje|groep|group|kwartet|quartet|team)[^\S\n]*"
    r"(?:(?:nr|no|nummer)\.?[^\S\n]*)?(?:\d{1,4}|[a-z])(?!\w)"
    r"|afwezig|absent|niet aanwezig|not present|ziek|afgemeld|verhinderd)"
    r"[^\S\n]*(?:\([^)]*\))?[^\S\n]*(?:[:\-\u2013]\s*(.*)|\n\s*(.*))?",
    re.IGNORECASE | re.DOTALL,
)
# "Ronde 2", "Round 2", "R2", "2e ronde", "Tafelronde 2", perhaps followed by a time or title
# ("Ronde 2 (9.20-9.40)", "Ronde 2: kennismaken"), also on a line of its own in the cell; a
# number alone is no round's heading
_ROUND_LABEL = re.compile(
    r"(?:(?:tafel)?(?:ronde|round|rnd)\s*(\d{1,2})|r(\d{1,2})"
    r"|(\d{1,2})\s*(?:e|de|ste|st|nd|rd|th)?\s*(?:tafelronde|ronde|round))"
    r"(?!\w|[.,:]\d)(\s*(?:[(:\-\u2013,]|\d{1,2}[.:]\d{2}).*|[^\S\n]*\n.*)?",
    re.IGNORECASE | re.DOTALL,
)
_CORNER_WORDS = (ROUND_WORDS - {"r"}) | TABLE_WORDS | {"team"}  # "Ronde" above the rounds' cells


def _table_label(text: str) -> tuple[str, str] | None:
    """A cell that names a table ("Tafel 3"), and what follows it in the cell (its people)."""
    found = _TABLE_LABEL.fullmatch(text.strip())
    if not found:
        return None
    return found.group(1), (found.group(2) or found.group(3) or "").strip()


def _round_label(text: str) -> int | None:
    """The round a cell names with the word round ("Ronde 2", "R2", "Ronde 2 (9.20-9.40)")."""
    found = _ROUND_LABEL.fullmatch(text.strip())
    if not found:
        return None
    return int(found.group(1) or found.group(2) or found.group(3))


def _corner(text: str) -> bool:
    """A cell that heads a column of rounds or tables: "Ronde", "Tafel"."""
    return "".join(plain_words(text)) in _CORNER_WORDS


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
    if not any(table_key(label[0]) for label in labels.values() if label):
        return {}, None  # "Afwezig | Ziek": no table
    return dict(items), corner


# a row between rounds that is no one's name: "Pauze", "Koffiepauze (10.00-10.15)", "Wissel"
BREAK_WORDS = {
    "pauze", "koffiepauze", "theepauze", "lunchpauze", "pause", "break", "coffeebreak", "koffie",
    "thee", "lunch", "wissel", "wisselen", "doorschuiven", "doordraaien", "coffee", "tea",
}  # fmt: skip


def break_like(text: str) -> bool:
    """A cell that names a break between rounds ("Pauze", "10.00 Koffiepauze"), not a person."""
    words = [word for word in plain_words(text) if not word.isdigit()]
    return bool(words) and all(word in BREAK_WORDS | {"en", "and", "u", "uur"} for word in words)


def _note_like(text: str) -> bool:
    """A cell that reads as a note rather than a name: "Let op: koffie om 10 uur", "Pauze"."""
    text = text.strip()
    return ":" in text or text.endswith((".", "!")) or len(text.split()) >= 6 or break_like(text)


@dataclass
class Blocks:
    """What a layout detector read from a sheet: the people at each round's tables, each table
    where it is named, and the cells outside any table (a title, notes below the plan)."""

    layout: str
    sheet: str = ""  # a sheet per round's name
    entries: list[Entry] = field(default_factory=list)
    opened: list[tuple[Row, str, str]] = field(default_factory=list)  # where, round, table
    outside: list[tuple[Row, str]] = field(default_factory=list)


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
    a single cell that reads as a note, that names nobody in the team is a note below the plan;
    a row with a break between rounds ("Pauze", also merged across) ends the table."""
    if all(break_like(text) for text in cells.values()):
        return False
    if any(names_someone(text) for text in cells.values()):
        return True
    if gap:
        return False
    return not (len(cells) == 1 and _note_like(next(iter(cells.values()))))


def _columns_per_table(sheet: Table, sheet_round: int | None, names_someone) -> Blocks | None:
    """A column per table: a row "Tafel 1 | Tafel 2 | Tafel 3" with the people below each, a
    person per cell. Its round: the sheet's ("Ronde 2"), a row above it with only a round, or a
    round in the row's first cell ("Ronde 2 | Tafel 1 | Tafel 2"); rounds side by side each
    own their columns. A row under the header that starts with a round ("Ronde 1 | Anna, Sem |
    Daan, Noor") holds that round's tables, a cell per table."""
    grid = _grid(sheet)
    if not any(_header_row(cells)[0] for _number, cells in grid):
        return None
    found = Blocks(layout=_("a column per table"), sheet=sheet.sheet if sheet_round else "")
    default = str(sheet_round) if sheet_round else ("" if _any_round(sheet) else "1")
    rounds = _Rounds(default=default)
    header: dict[int, str] = {}
    grid_of_rounds = False
    previous = None
    for number, cells in grid:
        gap = previous is not None and number > previous + 1
        previous = number
        opened = _round_row(cells)
        if opened:
            rounds, header = _Rounds(opened, default), {}
            continue
        labels, corner = _header_row(cells)
        if labels and all((number, column) in sheet.merge_copies for column in labels):
            continue  # the row of tables merged down over two rows: named once
        if labels:
            # a table's name merged over several columns ("Tafel 1" over B and C) heads each
            header = dict(labels)
            grid_of_rounds = corner is not None and corner[1] is None  # "Ronde | Tafel 1 | ..."
            for column, text in labels.items():
                for covered in range(column + 1, sheet.span(number, column) + 1):
                    header.setdefault(covered, text)
            if corner and corner[1]:
                rounds = _Rounds({corner[0]: corner[1]}, default)
            for column, text in labels.items():
                found.opened.append((Row(number, sheet.sheet, column), rounds.of(column), text))
            continue
        if header and grid_of_rounds and all(break_like(t) for t in cells.values()):
            # "Pauze" between the rows of rounds under "Ronde | Tafel 1 | Tafel 2": the rounds
            # below still name their own round
            found.outside += [(Row(number, sheet.sheet, c), t) for c, t in cells.items()]
            continue
        if not header or not _continues(cells, gap, names_someone):
            header = {}
            found.outside += [(Row(number, sheet.sheet, c), t) for c, t in cells.items()]
            continue
        row_round = None
        first = min(cells)
        if first < min(header) and _round_label(cells[first]):
            row_round = str(_round_label(cells[first]))
        for column, text in sorted(cells.items()):
            at = Row(number, sheet.sheet, column)
            if column in header:
                round_text = row_round or rounds.of(column)
                found.entries.append(Entry(at, round_text, header[column], [text]))
            elif not (row_round and column == first):
                found.outside.append((at, text))
    return found


def _rows_per_table(sheet: Table, sheet_round: int | None, names_someone) -> Blocks | None:
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
    found = Blocks(layout=_("a row per table"), sheet=sheet.sheet if sheet_round else "")
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
        if label and (number, items[0][0]) in sheet.merge_copies and label == (table, ""):
            # the table's name merged down beside its people: one table, named once
            label, items = None, items[1:]
            if not items:
                continue
        elif label:
            column = items[0][0]
            table, rest = label
            at = Row(number, sheet.sheet, column)
            found.opened.append((at, rounds.of(column), table))
            if rest:
                found.entries.append(Entry(at, rounds.of(column), table, [rest]))
            items = items[1:]
        elif not table or not _continues(cells, gap, names_someone):
            table = ""
            found.outside += [(Row(number, sheet.sheet, c), t) for c, t in items]
            continue
        for column, text in items:
            at = Row(number, sheet.sheet, column)
            first_line, _break, rest = text.partition("\n")
            beside = _table_label(first_line) if rest else None
            if beside and not beside[1]:
                # tables side by side, each cell its name with its people on the lines under
                # it ("Tafel 2" above "Daan van der Berg" and "Lars van Dijk")
                table, text = beside[0], rest
                found.opened.append((at, rounds.of(column), table))
            found.entries.append(Entry(at, rounds.of(column), table, [text]))
    return found


BLOCK_LAYOUTS = (_columns_per_table, _rows_per_table)


def blocks_of(
    sheet: Table, sheet_round: int | None, names_someone: Callable[[str], bool]
) -> Blocks | None:
    """The sheet read by the one block layout it holds; None when it holds none or both (a row
    that names tables and a row that starts with one: which is which is not ours to guess).
    `names_someone` tells a cell that names a colleague (a row of them continues a table)."""
    found = [
        blocks
        for detect in BLOCK_LAYOUTS
        if (blocks := detect(sheet, sheet_round, names_someone)) is not None
    ]
    return found[0] if len(found) == 1 else None
