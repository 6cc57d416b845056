"""Reading a spreadsheet a school uploads (XLSX, ODS or CSV) as text, safely; and text a workbook
can hold, for the files we write.

What uses it: the staff import (`learninglines.services.imports`, docs/staff-import.md) and an
earlier session's table plan (`sessions_app.services.earlier`, docs/earlier-sessions.md). Each
tells the reader which headers it knows (`known`); the rules below are the same for both, and
docs/staff-import.md ("The file") describes them for schools.

- The file is read with the csv module or openpyxl (read-only), after checks that keep a junk
  file or a zip bomb from costing more than a moment: size, zip entries, unpacked size, rows.
  An OpenDocument spreadsheet (.ods, LibreOffice) is read from its content.xml with defusedxml
  (no DTD, no entities) by the same rules as a workbook (`_ods_sheets`); a cell repeated over
  thousands of columns or rows is never spelled out (`_ods_read_row`).
- A CSV file's separator and encoding are recognised (`_read_csv`, `_decode`); in a workbook,
  the sheets are looked at in the order of `_sheets_in_order`. A web page or an Excel 2003 XML
  file that a school system saves as ".xls" is refused for what it is (`_markup_message`).
- Rows are numbered as the spreadsheet shows them. A workbook value we cannot see as Excel shows
  it (a formula without its saved result) is a problem, never an empty cell; a hidden row is
  read, and `Table.hidden_rows` says so; the address a cell links to ("mailto:") is kept in
  `Table.mailto`.
- Errors (`ImportFileError`) carry their message in words for the person who uploaded the file,
  about the kind of file they uploaded (`FileKind`: a staff list or a table plan); the
  earlier-session reader puts its own words in place of `NoHeaderRow`'s.
- A cell with several lines (Alt+Enter in Excel) means what the kind of file says
  (`FileKind.keeps_lines`): in a staff list a stray line break inside a name or address, read as
  a space; in a table plan names under each other, kept as lines ("\n") for the reader to split.
- A header merged over several columns in a workbook is one column: each row's values under it
  are read as that column's value, one line per column (`Table.joined`). A range merged across
  columns elsewhere is kept in `Table.merges` (a table plan's "Tafel 1" over two columns), and
  the copies of a value merged down over rows in `Table.merge_copies`.
- A row that only totals the list ("Totaal: 12", "Aantal | 12") is not a row of it: it is left
  out and `Table.left_out` says so; a row of placeholders only ("-", "(leeg)") is an empty row.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import posixpath
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from urllib.parse import unquote

import openpyxl
from defusedxml.ElementTree import iterparse as defused_iterparse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils.cell import range_boundaries
from openpyxl.xml.constants import PKG_REL_NS, REL_NS, SHEET_MAIN_NS
from openpyxl.xml.functions import iterparse

from learninglines.models import DIRECTION_CONTROLS

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
# Characters read of one cell: a name, an address or a table's names under each other are far
# shorter, and a longer value is still too long where it is checked. A cell of megabytes (or one
# value repeated over a sheet) would otherwise cost minutes and gigabytes to look at.
MAX_CELL_CHARS = 2000


def text_words(text: str) -> list[str]:
    """The runs of letters and digits, lower case, accents dropped: "E-mail (privé)" ->
    ["e", "mail", "prive"]."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return re.findall(r"[^\W_]+", plain)


def text_key(text: str) -> str:
    """Letters and digits only, lower case, accents dropped: "E-mailadres " -> "emailadres"."""
    return "".join(text_words(text))


# --- Reading a file ----------------------------------------------------------------------------


@dataclass(frozen=True)
class FileKind:
    """The kind of file a school uploads: what a line break in a cell means, and the words of the
    messages that speak of the file."""

    name: str
    keeps_lines: bool  # a cell over several lines: lines kept ("\n"), or one line with spaces

    @property
    def is_plan(self) -> bool:
        return self.name == "table_plan"


STAFF_LIST = FileKind("staff_list", keeps_lines=False)
TABLE_PLAN = FileKind("table_plan", keeps_lines=True)


class ImportFileError(Exception):
    """A file we cannot read; the message says why in words for the person who uploaded it."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class TooManyRows(ImportFileError):
    def __init__(self, kind: FileKind = STAFF_LIST):
        if kind.is_plan:
            message = _(
                "The file has more than %(max)d rows, far more than a table plan holds. Keep "
                "only the plan of this session in the file (delete other sheets and rows), then "
                "upload it again."
            )
        else:
            message = _("The file has more than %(max)d rows. Split it into smaller files.")
        super().__init__(message % {"max": MAX_ROWS})


class TooManyColumns(ImportFileError):
    """A header row (or a row above it) with values beyond MAX_COLUMNS."""

    def __init__(self, row: int, sheet: str = "", kind: FileKind = STAFF_LIST):
        if sheet:
            where = _("Sheet “%(sheet)s”, row %(row)d") % {"sheet": sheet, "row": row}
        else:
            where = _("Row %(row)d") % {"row": row}
        if kind.is_plan:
            message = _(
                "%(where)s has values in more than %(max)d columns, so we cannot read it as a "
                "table plan. Delete the columns that are not part of the plan (or copy the plan "
                "to a new sheet), then upload the file again."
            )
        else:
            message = _(
                "%(where)s has values in more than %(max)d columns, so we cannot read it as a "
                "list. Delete the columns you do not need (or copy the columns you need to a new "
                "sheet), then upload the file again."
            )
        super().__init__(message % {"where": where, "max": MAX_COLUMNS})
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
    # Excel only: ranges merged across columns, as (first row, last row, first column index,
    # last column index); the cells a value merged down over rows was copied into, as (row,
    # column index); the columns under a header merged across columns, {column: the header's}
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    merge_copies: set[tuple[int, int]] = field(default_factory=set)
    joined: dict[int, int] = field(default_factory=dict)
    # rows under the header that are not rows of the list (a totals row), {row number: text}
    left_out: dict[int, str] = field(default_factory=dict)
    # Excel only: the address of a cell's e-mail link (a link "mailto:..." on the cell, or a
    # HYPERLINK formula), {(row, column index): address}, where the cell may show a name
    mailto: dict[tuple[int, int], str] = field(default_factory=dict)

    def span(self, row: int, column: int) -> int:
        """The last column of the range merged across columns that starts at this cell (the
        cell's own column when it starts none)."""
        for first_row, last_row, first, last in self.merges:
            if first == column and first_row <= row <= last_row:
                return last
        return column


_FORCED_TEXT = re.compile(r'="((?:[^"]|"")*)"', re.DOTALL)


_LINE_BREAKS = re.compile(r"[\r\n\v\f\u2028\u2029\x85]+")


def _cell(value, kind: FileKind = STAFF_LIST) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str):
        value = value[:MAX_CELL_CHARS]
        # ="0612345678": how some exports keep a value text in Excel; Excel shows what is inside
        forced = _FORCED_TEXT.fullmatch(value.strip())
        if forced:
            value = forced.group(1).replace('""', '"')
    # Collapses runs of spaces and non-breaking spaces that exports leave in names, and writes
    # "ë" as one character where a copy from a PDF or a Mac has "e" and a combining diaeresis.
    # Direction controls go, as when a member is saved (Member.save): the rows are bulk-created.
    text = unicodedata.normalize("NFC", str(value)).translate(DIRECTION_CONTROLS)
    if kind.keeps_lines:
        # names under each other in one cell (Alt+Enter): a line each, for the reader to split
        lines = (" ".join(line.split()) for line in _LINE_BREAKS.split(text))
        return "\n".join(line for line in lines if line)
    return " ".join(text.split())


def _no_header_error() -> ImportFileError:
    return NoHeaderRow(
        _(
            "We found no header row we recognise. The first row must name the columns, for "
            "example First name, Last name and E-mail address. Download the template to see how."
        )
    )


# Words that open a row that totals the list rather than naming someone ("Totaal: 12",
# "Aantal medewerkers | 12"), and the values that hold a place without saying anything
TOTAL_WORDS = {
    "totaal", "totalen", "subtotaal", "total", "totals", "subtotal", "aantal", "som", "sum",
    "count", "gemiddelde", "average",
}  # fmt: skip
PLACEHOLDER_WORDS = {"leeg", "empty", "blank", "nvt", "na"}
_NUMBER_TEXT = re.compile(r"[\d\s.,%€+\-]*\d[\d\s.,%€+\-]*")


def _placeholder_row(cells: list[str]) -> bool:
    """A row of placeholders only ("-", "—", "(leeg)", "n.v.t."): an empty row, not a person.
    The error of a failed formula ("#N/A") is no placeholder: its row says so."""
    return all(
        (text_key(cell) in PLACEHOLDER_WORDS or not text_key(cell)) and not is_formula_error(cell)
        for cell in cells
    )


def _totals_row(cells: list[str]) -> bool:
    """A row that totals the list: its first value a word such as "Totaal" or "Aantal" (alone,
    with a number or after a colon: "Totaal: 12 medewerkers"), every other value a number."""
    values = [cell for cell in cells if cell]
    if not values or any("@" in value for value in values):
        return False
    words = text_words(values[0])
    if not words or words[0] not in TOTAL_WORDS:
        return False
    if len(words) > 1 and ":" not in values[0] and not any(w.isdigit() for w in words):
        return False  # "Som Jansen": a name
    return all(_NUMBER_TEXT.fullmatch(value) for value in values[1:])


def _join_merged_header(
    headers: list[str], number: int, merges: list[tuple[int, int, int, int]]
) -> dict[int, int]:
    """The columns under a header cell merged across columns (row `number`), as {column: the
    header's column}: its values are one column's, as Excel shows one header above them."""
    joined: dict[int, int] = {}
    for first_row, last_row, first, last in merges:
        if first_row <= number <= last_row and first < len(headers) and headers[first]:
            for column in range(first + 1, min(last, MAX_COLUMNS - 1) + 1):
                if column >= len(headers) or not headers[column]:
                    joined[column] = first
    return joined


def _table(
    raw_rows: Iterable[Iterable],
    read_as: str,
    known: Callable[[str], bool],
    kind: FileKind = STAFF_LIST,
    merges: list[tuple[int, int, int, int]] | None = None,
) -> Table:
    """Find the header row among the first rows, then collect the rows under it.

    The header row is the first with two headers `known` recognises (an export may put a title
    above it), or else the first non-empty row with one, so the others can be chosen by hand.
    Under a header merged across columns (`merges`, a workbook's), a row's values in those
    columns are one value, a line each: `kind` says whether lines are kept.
    """
    seen: list[tuple[int, list[str]]] = []
    header_at = None
    rows: list[tuple[int, list[str]]] = []
    grid: list[tuple[int, list[str]]] = []
    empty_run = 0
    for number, raw in enumerate(raw_rows, start=1):
        values = list(raw)
        cells = [_cell(value, kind) for value in values[:MAX_COLUMNS]]
        if header_at is None and any(
            value not in (None, "") and _cell(value) for value in values[MAX_COLUMNS:]
        ):
            # the header row (or a title above it) reaches further than we read
            raise TooManyColumns(number, kind=kind)
        if not any(cells) or _placeholder_row(cells):
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
            raise TooManyRows(kind)
    if not seen:  # no value at all: separators, spaces, formatted cells
        raise EmptyFile()
    if header_at is None:
        header_at = next((i for i, (_n, c) in enumerate(seen) if any(known(x) for x in c)), None)
        if header_at is None:
            raise _no_header_error()
        rows.extend(seen[header_at + 1 :])
    header_number, headers = seen[header_at]
    joined = _join_merged_header(headers, header_number, merges or [])
    if joined:
        rows = [(n, _joined_cells(c, joined, kind)) for n, c in rows]
    while headers and not headers[-1]:
        headers = headers[:-1]
    width = len(headers)
    # The header again further down (lists put together from several exports, or an export
    # that repeats it on every printed page) is not a person.
    header_keys = [text_key(h) for h in headers]
    beyond = {n: [x for x in c[width:] if x] for n, c in rows if any(c[width:])}
    rows = [(n, (c + [""] * width)[:width]) for n, c in rows]
    left_out = {n: " | ".join(x for x in c if x) for n, c in rows if _totals_row(c)}
    return Table(
        headers=headers,
        rows=[
            (n, c) for n, c in rows if [text_key(x) for x in c] != header_keys and n not in left_out
        ],
        read_as=read_as,
        beyond={n: values for n, values in beyond.items() if n not in left_out},
        grid=grid,
        joined=joined,
        left_out=left_out,
    )


def _joined_cells(cells: list[str], joined: dict[int, int], kind: FileKind) -> list[str]:
    """A row's cells with the values under a merged header in the header's column."""
    cells = list(cells)
    for column, first in sorted(joined.items()):
        if column < len(cells) and cells[column]:
            cells.extend([""] * (first + 1 - len(cells)))
            parts = [cells[first], cells[column]]
            cells[first] = ("\n" if kind.keeps_lines else " ").join(p for p in parts if p)
            cells[column] = ""
    return cells


def _not_a_spreadsheet() -> ImportFileError:
    return ImportFileError(
        _(
            "This file is not a spreadsheet we can read. Upload an Excel file (.xlsx), a "
            "LibreOffice file (.ods) or a CSV file; in Excel choose Save as and pick one of these."
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


def _read_csv(content: bytes, known: Callable[[str], bool], kind: FileKind) -> Table:
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
            table = _table(rows, "", known, kind)
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
_HYPERLINK = f"{{{SHEET_MAIN_NS}}}hyperlink"
_RELATIONSHIP = f"{{{PKG_REL_NS}}}Relationship"
_REL_ID = f"{{{REL_NS}}}id"
_MAILTO = re.compile(r"mailto:([^?\s\"]+)", re.IGNORECASE)
_MAILTO_FORMULA = re.compile(r'HYPERLINK\(\s*"mailto:([^?"]+)', re.IGNORECASE)


@dataclass
class SheetMarks:
    """What read-only openpyxl does not tell about a sheet."""

    # cells merged over several rows, as {first row: [(column, last row)]}
    merged: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    # ranges merged across columns, as (first row, last row, first column index, last column
    # index): a header or a table's name over several columns
    across: list[tuple[int, int, int, int]] = field(default_factory=list)
    # cells with a formula and no result saved with it, as (row, column index): openpyxl and
    # other programs that write workbooks without calculating them leave the result out, and
    # we would read an empty cell where Excel shows the result
    uncalculated: set[tuple[int, int]] = field(default_factory=set)
    hidden_rows: set[int] = field(default_factory=set)
    sheet: str = ""  # a workbook sheet's name
    hidden: bool = False  # a workbook sheet Excel does not show (hidden or very hidden)
    # the e-mail addresses cells link to, as (row, column index): Table.mailto
    mailto: dict[tuple[int, int], str] = field(default_factory=dict)


def _cell_index(reference: str) -> tuple[int, int] | None:
    """(row, column index) of a cell reference ("B4"), None when it is none we read."""
    try:
        column, row, _c, _r = range_boundaries(reference)
    except (TypeError, ValueError):
        return None
    if column is None or row is None or column > MAX_COLUMNS:
        return None
    return row, column - 1


def _link_targets(sheet) -> dict[str, str]:
    """The targets of the sheet's relationships (its links), {id: target}; empty when they
    cannot be read (the links are then not read, the values are)."""
    try:
        path = sheet._worksheet_path  # private, as _get_source
        rels = posixpath.join(posixpath.dirname(path), "_rels", posixpath.basename(path) + ".rels")
        targets = {}
        with sheet.parent._archive.open(rels) as source:
            for _event, element in iterparse(source):
                if element.tag == _RELATIONSHIP and len(targets) < 5000:
                    targets[element.get("Id", "")] = element.get("Target", "")
                element.clear()
        return targets
    except Exception:  # no links in the sheet (no such part), or a part we cannot read
        return {}


def _mailto_address(target: str) -> str | None:
    found = _MAILTO.match(target.strip())
    return unquote(found.group(1)) if found else None


def _sheet_marks(sheet) -> SheetMarks:
    """The merged cells, formulas without a result and hidden rows of `sheet`, read from the
    sheet's XML with the parser openpyxl uses."""
    marks = SheetMarks()
    links: list[tuple[str, str]] = []  # (cell reference, relationship id)
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
                    formula = children.get(_FORMULA)
                    if formula is not None:
                        where = _cell_index(element.get("r", ""))
                        if where is not None and no_result:
                            marks.uncalculated.add(where)
                        # =HYPERLINK("mailto:daan@school.example"; "Daan van der Berg")
                        linked = _MAILTO_FORMULA.search(formula.text or "")
                        if where is not None and linked:
                            marks.mailto[where] = unquote(linked.group(1))
                elif tag == _ROW:
                    number = element.get("r", "")
                    hidden = element.get("hidden") in ("1", "true")
                    if hidden and number.isascii() and number.isdigit():
                        marks.hidden_rows.add(int(number))
                elif tag == _MERGE_CELL:
                    try:
                        column, first, last_col, last = range_boundaries(element.get("ref", ""))
                    except (TypeError, ValueError):
                        continue
                    if last > first and column <= MAX_COLUMNS:
                        marks.merged.setdefault(first, []).append((column, last))
                    if last_col > column and column <= MAX_COLUMNS and len(marks.across) < 5000:
                        marks.across.append((first, last, column - 1, last_col - 1))
                elif tag == _HYPERLINK and element.get(_REL_ID) and len(links) < 5000:
                    links.append((element.get("ref", ""), element.get(_REL_ID)))
                element.clear()
    except Exception:  # see above; the values themselves are read by openpyxl
        return SheetMarks()
    # a link on the cell, as Excel makes one when an address is typed, or with Insert, Link
    targets = _link_targets(sheet) if links else {}
    for reference, rel_id in links:
        where = _cell_index(reference.split(":")[0])
        address = _mailto_address(targets.get(rel_id, ""))
        if where is not None and address:
            marks.mailto.setdefault(where, address)
    return marks


def _fill_merged_down(
    rows: Iterable[Iterable],
    merged: dict[int, list[tuple[int, int]]],
    copies: set[tuple[int, int]] | None = None,
):
    """`rows` with a value merged over several rows in each row it covers, as Excel shows it:
    a line or "ja" merged beside a group of people holds for each of them. The cells it is
    copied into are added to `copies` as (row, column index)."""
    covering: list[tuple[int, int, object]] = []  # (column, last row, value)
    for number, raw in enumerate(rows, start=1):
        row = list(raw)
        covering = [c for c in covering if c[1] >= number]
        for column, _last, value in covering:
            row.extend([None] * (column - len(row)))
            row[column - 1] = value
            if copies is not None and value not in (None, ""):
                copies.add((number, column - 1))
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


def _xlsx_sheets(
    content: bytes, known: Callable[[str], bool], kind: FileKind = STAFF_LIST
) -> Iterator[Table | ImportFileError]:
    """Each sheet of a workbook, in `_sheets_in_order`, read as a Table, or the ImportFileError
    that says why that sheet holds none (a damaged file raises it). An OpenDocument
    spreadsheet (.ods) is read by `_ods_sheets`, by the same rules."""
    parts = None
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            entries = archive.infolist()
            if (
                len(entries) > MAX_XLSX_ENTRIES
                or sum(e.file_size for e in entries) > MAX_XLSX_UNPACKED_BYTES
            ):
                raise ImportFileError(_unpacks_too_far_message(kind))
            names = {e.filename for e in entries}
            if "xl/workbook.xml" not in names and _is_ods(archive, names):
                # LibreOffice's own format: read with the standard library (_ods_sheets)
                parts = _ods_parts(archive, names)
            elif "xl/workbook.xml" not in names:
                if "xl/workbook.bin" in names:
                    raise ImportFileError(
                        _(
                            "This is an Excel binary workbook (.xlsb). Open it in Excel, choose "
                            "Save as and pick Excel workbook (.xlsx) or CSV, then upload that "
                            "file."
                        )
                    )
                # a Numbers file since 2013 (Index/*.iwa), or of Numbers '09 (index.xml.gz)
                if {"Index.zip", "index.xml.gz"} & names or any(
                    name.startswith("Index/") and name.endswith(".iwa") for name in names
                ):
                    raise ImportFileError(
                        _(
                            "This is a Numbers file. Open it in Numbers, choose File, Export To, "
                            "Excel (or CSV), then upload that file."
                        )
                    )
                raise _not_a_spreadsheet()
            # Excel's "Strict Open XML Spreadsheet": a workbook openpyxl reads as empty sheets
            if parts is None and b"purl.oclc.org/ooxml/spreadsheetml/main" in archive.open(
                "xl/workbook.xml"
            ).read(4096):
                raise ImportFileError(
                    _(
                        "This Excel file is saved as a Strict Open XML spreadsheet, which we "
                        "cannot read. Open it in Excel, choose Save as and pick Excel workbook "
                        "(.xlsx) or CSV, then upload that file."
                    )
                )
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        # NotImplementedError: a zip of a version or compression zipfile does not know
        raise _not_a_spreadsheet() from None
    if parts is not None:
        yield from _ods_sheets(*parts, known, kind)
        return
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
                _table(sheet.iter_rows(values_only=True), read_as, known, kind)
            except TooManyRows:
                raise
            except TooManyColumns as error:
                # another sheet may hold the list (this one a timetable, say)
                sheet_name = sheet.title if len(workbook.worksheets) > 1 else ""
                yield TooManyColumns(error.row, sheet_name, kind)
                continue
            except ImportFileError as error:
                yield error
                continue
            # Then with what only the sheet's whole XML tells: merged cells, formulas without
            # a result, hidden rows.
            rows = sheet.iter_rows(values_only=True)
            marks = _sheet_marks(sheet)
            copies: set[tuple[int, int]] = set()
            if marks.merged:
                rows = _fill_merged_down(rows, marks.merged, copies)
            table = _table(rows, read_as, known, kind, marks.across)
            table.merges = marks.across
            table.merge_copies = copies
            # a formula under a merged header is one of that header's column
            table.uncalculated = {(r, table.joined.get(c, c)) for r, c in marks.uncalculated}
            table.hidden_rows = marks.hidden_rows
            table.mailto = {(r, table.joined.get(c, c)): a for (r, c), a in marks.mailto.items()}
            table.sheet = sheet.title
            table.hidden = sheet.sheet_state != "visible"
            yield table
    except ImportFileError:
        raise
    except Exception:  # as above: any failure to parse is "cannot read"
        raise _not_a_spreadsheet() from None
    finally:
        workbook.close()


# --- OpenDocument (.ods) -----------------------------------------------------------------------

# An .ods file is a zip with the sheets in "content.xml" (OpenDocument, ISO/IEC 26300). It is
# read with defusedxml (no DTD, no entities: no "billion laughs", no external files) after the
# zip checks of an .xlsx (_xlsx_sheets), and by the rules of a workbook's sheets.
_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
_OFFICE_NS = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_TABLE_NS = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_TEXT_NS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_STYLE_NS = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
_CONFIG_NS = "urn:oasis:names:tc:opendocument:xmlns:config:1.0"
_CALCEXT_NS = "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"
_XLINK_NS = "http://www.w3.org/1999/xlink"
_ODS_TABLE = f"{{{_TABLE_NS}}}table"
_ODS_ROW = f"{{{_TABLE_NS}}}table-row"
_ODS_CELL = f"{{{_TABLE_NS}}}table-cell"
_ODS_COVERED = f"{{{_TABLE_NS}}}covered-table-cell"
_ODS_STYLE = f"{{{_STYLE_NS}}}style"
_ODS_TABLE_PROPERTIES = f"{{{_STYLE_NS}}}table-properties"
_ODS_PARAGRAPHS = {f"{{{_TEXT_NS}}}p", f"{{{_TEXT_NS}}}h"}
_ODS_SPACE = f"{{{_TEXT_NS}}}s"
_ODS_BREAKS = {f"{{{_TEXT_NS}}}tab": " ", f"{{{_TEXT_NS}}}line-break": "\n"}
_ODS_LINK = f"{{{_TEXT_NS}}}a"
# what a cell holds besides its text: a comment, a footnote; never part of the value
_ODS_NOT_SHOWN = {
    f"{{{_OFFICE_NS}}}annotation", f"{{{_OFFICE_NS}}}annotation-end", f"{{{_TEXT_NS}}}note",
    f"{{{_TEXT_NS}}}bookmark", f"{{{_TEXT_NS}}}bookmark-start",
}  # fmt: skip
_ODS_CONFIG_ITEM = f"{{{_CONFIG_NS}}}config-item"


def _ods_attribute(namespace: str, name: str) -> str:
    return f"{{{namespace}}}{name}"


_ODS_NAME = _ods_attribute(_TABLE_NS, "name")
_ODS_STYLE_NAME = _ods_attribute(_TABLE_NS, "style-name")
_ODS_ROWS_REPEATED = _ods_attribute(_TABLE_NS, "number-rows-repeated")
_ODS_COLUMNS_REPEATED = _ods_attribute(_TABLE_NS, "number-columns-repeated")
_ODS_ROWS_SPANNED = _ods_attribute(_TABLE_NS, "number-rows-spanned")
_ODS_COLUMNS_SPANNED = _ods_attribute(_TABLE_NS, "number-columns-spanned")
_ODS_VISIBILITY = _ods_attribute(_TABLE_NS, "visibility")
_ODS_FORMULA = _ods_attribute(_TABLE_NS, "formula")
_ODS_DISPLAY = _ods_attribute(_TABLE_NS, "display")
_ODS_VALUE_TYPE = _ods_attribute(_OFFICE_NS, "value-type")
_ODS_CALC_VALUE_TYPE = _ods_attribute(_CALCEXT_NS, "value-type")
_ODS_VALUE = _ods_attribute(_OFFICE_NS, "value")
_ODS_DATE_VALUE = _ods_attribute(_OFFICE_NS, "date-value")
_ODS_TIME_VALUE = _ods_attribute(_OFFICE_NS, "time-value")
_ODS_BOOLEAN_VALUE = _ods_attribute(_OFFICE_NS, "boolean-value")
_ODS_STRING_VALUE = _ods_attribute(_OFFICE_NS, "string-value")
_ODS_HREF = _ods_attribute(_XLINK_NS, "href")
_ODS_CONFIG_NAME = _ods_attribute(_CONFIG_NS, "name")
_ODS_FAMILY = _ods_attribute(_STYLE_NS, "family")
_ODS_STYLE_OWN_NAME = _ods_attribute(_STYLE_NS, "name")
_ODS_DURATION = re.compile(r"PT(\d{1,2})H(\d{1,2})M(\d{1,2})(?:[.,]\d+)?S")
# The cells kept of a whole workbook (every sheet, values repeated included): an honest staff
# list of 2000 rows has some 20,000; a file past this unpacks to far more than a list holds.
MAX_ODS_CELLS = 1_000_000
# ... and their characters (up to MAX_CELL_CHARS a cell): a value repeated over many cells
# counts for each, never more than a file of MAX_XLSX_UNPACKED_BYTES could spell out.
MAX_ODS_CHARS = MAX_XLSX_UNPACKED_BYTES
# The XML elements of content.xml (settings.xml) we parse, and how deep they may nest. An honest
# staff list of 2000 rows has some 50,000 elements, nested a dozen deep; the parser defusedxml
# uses takes over a second for 300,000, and a flood of tiny elements (or one nested millions
# deep) that fits in MAX_XLSX_UNPACKED_BYTES would cost a minute and gigabytes.
MAX_ODS_ELEMENTS = 300_000
MAX_ODS_SETTINGS_ELEMENTS = 50_000  # settings.xml: some thirty per sheet, a hundred besides
MAX_ODS_DEPTH = 100
# The parser is fed this much at a time: expat before 2.6 reads a long value again for every
# piece fed (16 KB by default), so a value of megabytes in small pieces takes minutes.
_ODS_FEED_BYTES = 256 * 1024


class _OdsTooLarge(Exception):
    """More XML elements, or deeper nesting, than a spreadsheet of a staff list holds."""


class _Feed:
    """`content` for iterparse, in pieces of _ODS_FEED_BYTES whatever it asks for."""

    def __init__(self, content: bytes):
        self.content, self.at = content, 0

    def read(self, _size: int = -1) -> bytes:
        piece = self.content[self.at : self.at + _ODS_FEED_BYTES]
        self.at += len(piece)
        return piece


def _ods_events(content: bytes, limit: int = MAX_ODS_ELEMENTS):
    """("start" and "end", element) of the XML, read with defusedxml (no DTD, no entities);
    _OdsTooLarge past `limit` elements or MAX_ODS_DEPTH levels."""
    elements = depth = 0
    events = defused_iterparse(_Feed(content), events=("start", "end"), forbid_dtd=True)
    for event, element in events:
        if event == "start":
            elements += 1
            depth += 1
            if elements > limit or depth > MAX_ODS_DEPTH:
                raise _OdsTooLarge
        else:
            depth -= 1
        yield event, element


def _is_ods(archive: zipfile.ZipFile, names: set[str]) -> bool:
    """Whether the zip is an OpenDocument spreadsheet (or its template): its entry "mimetype"
    says so, or, where a program left that out, its manifest."""
    if "mimetype" in names:
        return archive.open("mimetype").read(100).startswith(_ODS_MIMETYPE)
    if "META-INF/manifest.xml" in names and "content.xml" in names:
        return _ODS_MIMETYPE in archive.read("META-INF/manifest.xml")
    return False


def _ods_parts(archive: zipfile.ZipFile, names: set[str]) -> tuple[bytes, bytes]:
    """The sheets ("content.xml") and the view's settings ("settings.xml", which names the
    sheet that was open) of an OpenDocument spreadsheet; their size is checked already."""
    manifest = archive.read("META-INF/manifest.xml") if "META-INF/manifest.xml" in names else b""
    if b"encryption-data" in manifest:
        raise ImportFileError(
            _(
                "This file is protected with a password, so we cannot read it. Open it in "
                "LibreOffice, save it again without a password and upload it again."
            )
        )
    if "content.xml" not in names:
        raise _not_a_spreadsheet()
    settings = archive.read("settings.xml") if "settings.xml" in names else b""
    return archive.read("content.xml"), settings


def _ods_count(element, name: str) -> int:
    """A repeat or span count: at least 1, whatever the file writes."""
    value = element.get(name, "1")
    return int(value) if value.isascii() and value.isdigit() and int(value) > 0 else 1


@dataclass
class _OdsSheet:
    """A sheet of an .ods as read: its rows with a value, by row number, and what a workbook's
    SheetMarks hold (0-based columns, 1-based rows)."""

    name: str
    style: str
    rows: list[tuple[int, list]] = field(default_factory=list)
    marks: SheetMarks = field(default_factory=SheetMarks)
    read: int = 0  # rows read so far
    empty_run: int = 0
    done: bool = False  # enough read: _table stops before the rows after


def _ods_text(cell, links: list[str]) -> str:
    """The text a cell shows: its paragraphs a line each; the addresses of "mailto:" links in
    it are added to `links`. A comment on the cell is no part of it."""

    def inline(element, parts: list[str]) -> None:
        if element.text:
            parts.append(element.text)
        for child in element:
            tag = child.tag
            if tag == _ODS_SPACE:
                parts.append(" ")  # runs of spaces are one space in a value (_cell)
            elif tag in _ODS_BREAKS:
                parts.append(_ODS_BREAKS[tag])
            elif tag not in _ODS_NOT_SHOWN:
                if tag == _ODS_LINK:
                    address = _mailto_address(child.get(_ODS_HREF, ""))
                    if address:
                        links.append(address)
                inline(child, parts)
            if child.tail:
                parts.append(child.tail)

    lines = []
    for child in cell:
        if child.tag in _ODS_PARAGRAPHS:
            parts: list[str] = []
            inline(child, parts)
            lines.append("".join(parts))
    return "\n".join(lines)


def _ods_value(cell, links: list[str]):
    """A cell's value as openpyxl gives an Excel cell's: a number, a date or a time, a boolean,
    or the text it shows; None when it holds nothing."""
    text = _ods_text(cell, links)
    kind = cell.get(_ODS_VALUE_TYPE)
    if cell.get(_ODS_CALC_VALUE_TYPE) == "error":
        return text  # what LibreOffice shows for a failed formula ("#N/A", "Err:502")
    try:
        if kind in ("float", "percentage", "currency"):
            return float(cell.get(_ODS_VALUE, ""))
        if kind == "date":
            return datetime.datetime.fromisoformat(cell.get(_ODS_DATE_VALUE, ""))
        if kind == "time":
            duration = _ODS_DURATION.fullmatch(cell.get(_ODS_TIME_VALUE, ""))
            hours, minutes, seconds = duration.groups()
            return datetime.time(int(hours), int(minutes), int(seconds))
        if kind == "boolean":
            return cell.get(_ODS_BOOLEAN_VALUE, "").strip().lower() == "true"
    except (ValueError, AttributeError):  # a value the type does not fit: what it shows
        return text
    if not text and kind == "string":
        return cell.get(_ODS_STRING_VALUE) or None
    return text or None


def _ods_read_row(row, sheet: _OdsSheet, budget: list[int], kind: FileKind) -> None:
    """Add a table-row element to `sheet`: its values up to MAX_COLUMNS and one beyond (so
    TooManyColumns can tell), a cell repeated over 16,000 columns never spelled out."""
    repeat = _ods_count(row, _ODS_ROWS_REPEATED)
    first = sheet.read + 1
    sheet.read += repeat
    if sheet.done:
        return
    values: list = []
    links: list[tuple[int, str]] = []
    uncalculated: list[int] = []
    spans: list[tuple[int, int, int]] = []  # (column, rows spanned, columns spanned)
    column = 0
    for cell in row:
        if cell.tag not in (_ODS_CELL, _ODS_COVERED):
            continue
        count = _ods_count(cell, _ODS_COLUMNS_REPEATED)
        # a cell under a merged one shows nothing in LibreOffice, whatever it kept
        if cell.tag == _ODS_CELL:
            found: list[str] = []
            value = _ods_value(cell, found)
            formula = cell.get(_ODS_FORMULA, "")
            linked = _MAILTO_FORMULA.search(formula)
            if linked:
                found.append(unquote(linked.group(1)))
            if value not in (None, "") and len(values) <= MAX_COLUMNS:
                # a value far right (after 16,000 empty cells) is one beyond MAX_COLUMNS
                at = min(column, MAX_COLUMNS)
                values.extend([None] * (at - len(values)))
                values.extend([value] * min(count, MAX_COLUMNS + 1 - at))
            if column < MAX_COLUMNS:
                if found:
                    links.append((column, found[0]))
                if formula and cell.get(_ODS_VALUE_TYPE) is None and value in (None, ""):
                    uncalculated.append(column)  # a formula a program wrote without a result
                rows_spanned = _ods_count(cell, _ODS_ROWS_SPANNED)
                columns_spanned = _ods_count(cell, _ODS_COLUMNS_SPANNED)
                if rows_spanned > 1 or columns_spanned > 1:
                    spans.append((column, rows_spanned, columns_spanned))
        column += count
    marks = sheet.marks
    for column, rows_spanned, columns_spanned in spans:
        last = first + rows_spanned - 1
        if rows_spanned > 1:
            marks.merged.setdefault(first, []).append((column + 1, last))
        if columns_spanned > 1 and len(marks.across) < 5000:
            marks.across.append((first, last, column, column + columns_spanned - 1))
    if not any(value not in (None, "") for value in values):
        sheet.empty_run += repeat
        if sheet.empty_run > MAX_EMPTY_ROWS_IN_A_ROW:
            sheet.done = True  # _table stops reading here too
        return
    sheet.empty_run = 0
    # Identical rows one under the other are written once, repeated: enough of them for
    # _table to find the list too long (TooManyRows), never more.
    copies = min(repeat, MAX_ROWS + HEADER_SEARCH_ROWS + 2 - len(sheet.rows))
    budget[0] -= copies * len(values)
    budget[1] -= copies * sum(
        min(len(value), MAX_CELL_CHARS) for value in values if isinstance(value, str)
    )
    if budget[0] < 0 or budget[1] < 0:
        raise ImportFileError(_unpacks_too_far_message(kind))
    hidden = row.get(_ODS_VISIBILITY) in ("collapse", "filter")
    for number in range(first, first + copies):
        sheet.rows.append((number, values))
        if hidden:
            marks.hidden_rows.add(number)
        for column, address in links:
            marks.mailto[(number, column)] = address
        marks.uncalculated.update((number, column) for column in uncalculated)
    if len(sheet.rows) > MAX_ROWS + HEADER_SEARCH_ROWS + 1:
        sheet.done = True


def _ods_active_sheet(settings: bytes) -> str | None:
    """The name of the sheet that was open when the file was saved (settings.xml)."""
    if not settings:
        return None
    try:
        for event, element in _ods_events(settings, MAX_ODS_SETTINGS_ELEMENTS):
            if event == "start":
                continue
            if element.tag == _ODS_CONFIG_ITEM and element.get(_ODS_CONFIG_NAME) == "ActiveTable":
                return element.text or None
            element.clear()
    except Exception:  # no such setting we can read (or far too much): the tabs' order
        return None
    return None


def _ods_read(content: bytes, kind: FileKind) -> tuple[list[_OdsSheet], set[str]]:
    """The sheets of content.xml, and the names of the styles that hide a sheet."""
    sheets: list[_OdsSheet] = []
    hiding: set[str] = set()
    budget = [MAX_ODS_CELLS, MAX_ODS_CHARS]
    sheet = None
    for event, element in _ods_events(content):
        tag = element.tag
        if event == "start":
            if tag == _ODS_TABLE:
                sheet = _OdsSheet(element.get(_ODS_NAME, ""), element.get(_ODS_STYLE_NAME, ""))
                sheets.append(sheet)
                if len(sheets) > MAX_XLSX_ENTRIES:
                    raise ImportFileError(_unpacks_too_far_message(kind))
            continue
        if tag == _ODS_ROW:
            if sheet is not None:
                _ods_read_row(element, sheet, budget, kind)
            element.clear()
        elif tag == _ODS_TABLE:
            sheet = None
            element.clear()
        elif tag == _ODS_STYLE and element.get(_ODS_FAMILY) == "table":
            properties = element.find(_ODS_TABLE_PROPERTIES)
            if properties is not None and properties.get(_ODS_DISPLAY) == "false":
                hiding.add(element.get(_ODS_STYLE_OWN_NAME, ""))
    return sheets, hiding


def _ods_rows(sheet: _OdsSheet) -> Iterator[list]:
    """Every row of the sheet from the first, the empty ones between included."""
    at = 1
    for number, values in sheet.rows:
        while at < number:
            yield []
            at += 1
        yield values
        at += 1


def _ods_sheets(
    content: bytes, settings: bytes, known: Callable[[str], bool], kind: FileKind = STAFF_LIST
) -> Iterator[Table | ImportFileError]:
    """Each sheet of an OpenDocument spreadsheet as `_xlsx_sheets` gives a workbook's: in the
    same order (the sheet that was open, the other visible ones, the hidden ones), with the
    same marks (merged cells, formulas without a result, hidden rows, "mailto:" links)."""
    try:
        sheets, hiding = _ods_read(content, kind)
    except ImportFileError:
        raise
    except _OdsTooLarge:
        raise ImportFileError(_unpacks_too_far_message(kind)) from None
    except Exception:  # any failure to parse (a DTD or an entity refused too) is "cannot read"
        raise _not_a_spreadsheet() from None
    if not sheets:
        yield EmptyFile()
        return
    active = _ods_active_sheet(settings)
    visible = [sheet for sheet in sheets if sheet.style not in hiding]
    opened = next((sheet for sheet in visible if sheet.name == active), None)
    if opened is not None:
        visible.remove(opened)
        visible.insert(0, opened)
    several = len(sheets) > 1
    for sheet in visible + [sheet for sheet in sheets if sheet.style in hiding]:
        hidden = sheet.style in hiding
        if hidden:
            read_as = _("OpenDocument, hidden sheet “%(sheet)s”") % {"sheet": sheet.name}
        elif several:
            read_as = _("OpenDocument, sheet “%(sheet)s”") % {"sheet": sheet.name}
        else:
            read_as = "OpenDocument"
        marks = sheet.marks
        rows: Iterable[Iterable] = _ods_rows(sheet)
        copies: set[tuple[int, int]] = set()
        if marks.merged:
            rows = _fill_merged_down(rows, marks.merged, copies)
        try:
            table = _table(rows, read_as, known, kind, marks.across)
        except TooManyRows:
            raise
        except TooManyColumns as error:
            yield TooManyColumns(error.row, sheet.name if several else "", kind)
            continue
        except ImportFileError as error:
            yield error
            continue
        table.merges = marks.across
        table.merge_copies = copies
        table.uncalculated = {(r, table.joined.get(c, c)) for r, c in marks.uncalculated}
        table.hidden_rows = marks.hidden_rows
        table.mailto = {(r, table.joined.get(c, c)): a for (r, c), a in marks.mailto.items()}
        table.sheet = sheet.name
        table.hidden = hidden
        yield table


def _read_xlsx(
    content: bytes,
    known: Callable[[str], bool],
    prefer: Callable[[Table], bool] | None,
    kind: FileKind,
    rank: Callable[[Table], bool] | None = None,
) -> Table:
    first_error = None
    first_table = None
    first_ranked = None
    with closing(_xlsx_sheets(content, known, kind)) as sheets:
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
            # The list is on the first sheet `prefer` takes (the staff import's: the first
            # whose header names an e-mail and a name column); failing that, on the first
            # `rank` takes, else on the first with a header row. Without `prefer`, on the
            # first sheet with a header row. A hidden sheet (they come last) is not taken
            # before a visible one that `rank` takes: an old list someone hid is not the list.
            if prefer is None or (prefer(found) and not (found.hidden and first_ranked)):
                return found
            if first_ranked is None and rank is not None and rank(found):
                first_ranked = found
            if first_table is None:
                first_table = found
    if first_ranked is not None:
        return first_ranked
    if first_table is not None:
        return first_table
    raise first_error or _no_header_error()


def read_sheets(
    content: bytes, *, known: Callable[[str], bool], kind: FileKind = STAFF_LIST
) -> list[Table]:
    """Every sheet of a workbook with a header row `known` recognises (a CSV is one sheet), in
    the order of `_sheets_in_order`; `Table.sheet` holds a workbook sheet's name. Raises
    ImportFileError as read_table does, NoHeaderRow when no sheet has a header row."""
    if not content.startswith(b"PK\x03\x04"):
        return [read_table(content, known=known, kind=kind)]
    read_table(content, known=known, kind=kind)  # the same checks and errors first
    with closing(_xlsx_sheets(content, known, kind)) as sheets:
        return [found for found in sheets if isinstance(found, Table)]


def read_table(
    content: bytes,
    *,
    known: Callable[[str], bool],
    prefer: Callable[[Table], bool] | None = None,
    kind: FileKind = STAFF_LIST,
    rank: Callable[[Table], bool] | None = None,
) -> Table:
    """The list in `content` (XLSX or CSV); ImportFileError says why it cannot be read.

    `known` tells a header of the kind of list (a staff list, a table plan); the header row is
    found by it (NoHeaderRow when there is none). In a workbook, the list is on the first sheet
    with a header row that `prefer` takes, else on the first that `rank` takes, else on the
    first with a header row."""
    if not content.strip():
        raise EmptyFile()
    if len(content) > MAX_UPLOAD_BYTES:
        raise ImportFileError(too_large_message(kind))
    if content.startswith(b"PK\x03\x04"):
        return _read_xlsx(content, known, prefer, kind, rank)
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
    markup = _markup_message(content)
    if markup:
        raise ImportFileError(markup)
    return _read_csv(content, known, kind)


def _markup_message(content: bytes) -> str | None:
    """What to do with a web page or an XML spreadsheet that a school system saves with an
    Excel name (.xls): Excel opens it, but it is no CSV; read as one, it has no header row."""
    head = content[:4096]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = head.decode("utf-16", errors="ignore")
    else:
        text = head.decode("utf-8", errors="ignore")
    text = text.lstrip("\ufeff \t\r\n").lower()
    if not text.startswith("<"):
        return None
    if "urn:schemas-microsoft-com:office:spreadsheet" in text:
        return _(
            "This is an Excel 2003 XML spreadsheet, an old kind of Excel file. Open it in "
            "Excel, choose Save as and pick Excel workbook (.xlsx) or CSV, then upload that "
            "file."
        )
    if any(tag in text for tag in ("<html", "<table", "<!doctype html")):
        return _(
            "This file is a web page (HTML) with a table, not a spreadsheet, although some "
            "systems give it an Excel name (.xls). Open it in Excel, choose Save as and pick "
            "Excel workbook (.xlsx) or CSV, then upload that file."
        )
    return None


def too_large_message(kind: FileKind = STAFF_LIST) -> str:
    if kind.is_plan:
        message = _(
            "The file is larger than %(size)d MB. A table plan is much smaller: save only the "
            "sheet with the plan, as .xlsx or CSV."
        )
    else:
        message = _(
            "The file is larger than %(size)d MB. A staff list is much smaller: save only the "
            "sheet with the team, as .xlsx or CSV."
        )
    return message % {"size": MAX_UPLOAD_BYTES // (1024 * 1024)}


def _unpacks_too_far_message(kind: FileKind) -> str:
    if kind.is_plan:
        return _(
            "This file unpacks to far more than a table plan can hold, so we did not open it. "
            "Save the plan again as a new Excel file or as CSV."
        )
    return _(
        "This file unpacks to far more than a staff list can hold, so we did not open it. Save "
        "the list again as a new Excel file or as CSV."
    )


# --- Cells -------------------------------------------------------------------------------------


# What a cell shows when its formula fails (a VLOOKUP that finds nothing): the file saves it as
# the value, in an .xlsx in English, in a CSV in Excel's language. Never a name, line or address.
EXCEL_ERRORS = {
    "#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA",
    "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!",
    # Dutch Excel
    "#LEEG!", "#DEEL/0!", "#WAARDE!", "#VERW!", "#NAAM?", "#GETAL!", "#N/B", "#OVERLOOP!",
    "#BEREKENEN!",
}  # fmt: skip


# LibreOffice shows most errors as Excel does, others by number ("Err:502")
_LIBREOFFICE_ERROR = re.compile(r"(?:ERR|FOUT):\d{3}")


def is_formula_error(text: str) -> bool:
    """Whether a cell holds the error a failed formula shows ("#N/A", "#VERW!", "Err:502")."""
    text = text.strip().upper()
    return text in EXCEL_ERRORS or bool(_LIBREOFFICE_ERROR.fullmatch(text))


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


# --- Writing a spreadsheet ---------------------------------------------------------------------


def spreadsheet_text(value: str) -> str:
    """`value` without the control characters a workbook cannot hold (openpyxl refuses a cell
    with one, so a single pasted character would make a whole export fail)."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def spreadsheet_safe(value: str) -> str:
    """A spreadsheet never runs a school's text as a formula: = + - @ get an apostrophe first
    (control characters go before looking, so none hides the first character)."""
    value = spreadsheet_text(value)
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
