"""An earlier plenary session recorded from a spreadsheet: a table plan made on paper or by
another tool, so its encounters count as history for the next plan.

A school's first year with the app often starts after its first plenary sessions. Their tables
are history all the same (the history of a plan is every round of the school year's held
sessions): recording one lets the next plan seat people with colleagues they have not met yet.

Rules kept here (docs/earlier-sessions.md says the same for schools):
- The file is an Excel workbook (.xlsx), a LibreOffice file (.ods) or a CSV file, read as the
  staff import reads it (`learninglines.tabular`). The layouts understood (per table, per
  person, a sheet per round, block layouts) are read by
  `sessions_app.services.earlier_layouts`, whose docstring lists them.
- A person is found by e-mail address, or by name as the team page writes it ("Anna de Vries",
  "Vries, Anna de"), whatever the capitals and accents, or by a first name one colleague has
  (the preview says whom). A name two colleagues share is the one of them who was on the team
  on the session's date (in a line that day; the preview says whom); when both were, or it
  cannot be told, it must be given as an e-mail address. A note beside a name ("(later)",
  "- later", ", ziek"), also in the name cell of the layout per person or in a column of
  notes, is left out; one saying they were not there ("(ziek)") seats them nowhere in that
  round (in the layout per person: in no round); the school's coach and a guest named so are
  left out.
- A plan printed to PDF or written in Word is refused with what to do instead.
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

import io
import re
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, time

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl.utils import get_column_letter

from learninglines.models import LineMembership, Member, School, SchoolYear, User
from learninglines.services.lines import cycle_start_new
from learninglines.tabular import (
    TABLE_PLAN,
    ImportFileError,
    NoHeaderRow,
    Table,
    is_formula_error,
    read_sheets,
    uncalculated_message,
)
from sessions_app.models import Assignment, PlenarySession, Seat, SessionAttendance
from sessions_app.services.earlier_layouts import (
    ABSENT_WORDS,
    Blocks,
    Column,
    Entry,
    Row,
    a_round_of_tables,
    absent_note,
    blocks_of,
    name_of_row,
    per_person_rows,
    per_table_entries,
    person_per_cell,
    plain_words,
    round_of_cell,
    round_of_sheet,
    sheet_layout,
    starts_a_plan,
    table_key,
    whole_layout,
)
from sessions_app.services.plans import pair_counts, plan_record

MAX_ROUNDS = 12  # an assignment's table round is 1 to 12
MAX_PROBLEMS_SHOWN = 50
SIGNING_SALT = "sessions_app.earlier-session"
SIGNED_FOR_SECONDS = 2 * 60 * 60
OTHER_SCHOOL = "other_school"

_NOT_IN_ADDRESS = "\\s<>()\\[\\]\"'\u201c\u201d\u2018\u2019:;,"
_ADDRESS = re.compile(f"[^{_NOT_IN_ADDRESS}]+@[^{_NOT_IN_ADDRESS}]+")
_LOST_LETTER = "?"  # what Excel writes for a letter its CSV's character set lacks
_LIST_SEPARATOR = re.compile(r"\s*(?:[,;/|+&]|\ben\b|\band\b)\s*", re.IGNORECASE)
# a note written beside a name in a cell: "Daan de Vries (later)", "Eva Visser - ziek",
# "Sem Jansen [gast]", "Noor Bakker: afwezig"
_CELL_NOTE = re.compile(
    r"(?P<name>.*?\S)(?:\s*\((?P<round>[^()]*)\)|\s*\[(?P<square>[^\[\]]*)\]"
    r"|\s+[-\u2013\u2014]\s+(?P<dash>.+)|\s*:\s*(?P<colon>.+))",
    re.DOTALL,
)
# after a comma only a note of these words is read as a note ("Lars, later"): "Daan, Bas" is two
# people, of whom Bas is nobody in the team
_COMMA_NOTE_WORDS = {
    "later", "laat", "te", "eerder", "weg", "vanaf", "tot", "uur", "kwam", "ging", "late",
    "early", "left", "came", "from", "until",
}  # fmt: skip
# a number or bullet before a name, as a numbered list or a group generator writes it
_LIST_MARKER = re.compile(r"^\s*(?:\d{1,3}[.)]|[-\u2013\u2014\u2022*\u00b7])\s+")
# a note that says the person was a guest rather than one of the team
_GUEST_NOTE_WORDS = {
    "gast", "guest", "gastspreker", "spreker", "speaker", "extern", "externe", "bezoeker",
    "visitor", "stagiair", "stagiaire", "invaller", "coach",
}  # fmt: skip


# --- finding people ---------------------------------------------------------------------------


def _name_key(text: str) -> str:
    return " ".join(plain_words(text))


class _Team:
    """The school's members, found by e-mail address or by a name as the team page writes it.

    With the session's `day`, a name two colleagues share (an active and a departed colleague
    with the same first name) is the one who was on the team that day (`_on_the_team`)."""

    def __init__(self, school: School, day: date | None = None):
        self.day = day
        self.on_day, self.gone_by_day, self.in_a_line = _on_the_team(school, day)
        self.by_day: dict[str, Member] = {}  # "Anne": the one so named on the team on `day`
        self.by_email: dict[str, Member] = {}
        self.by_name: dict[str, set[Member]] = defaultdict(set)
        self.by_initial: dict[str, set[Member]] = defaultdict(set)
        self.by_first: dict[str, set[Member]] = defaultdict(set)
        self.first_names_used: dict[str, Member] = {}  # "Fatima": found by first name alone
        # the school's coaches, who are no team member: left out of a plan that lists them
        self.coaches: set[str] = set()
        for user in User.objects.filter(coach_assignments__school=school):
            self.coaches.add(user.email.casefold())
            if _name_key(user.name):
                self.coaches.add(_name_key(user.name))
        for member in Member.objects.filter(school=school).select_related("user"):
            self.by_email[member.user.email.casefold()] = member
            self.by_first[_name_key(member.first_name)].add(member)
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
        """The member `text` names, or the problem in words. A cell over several lines is one
        name here ("Anouk" above "de Vries", under a header merged over two columns)."""
        text = _LIST_MARKER.sub("", " ".join(text.split()))  # "1. Anna de Vries"
        if "@" in text:
            # "Anna de Vries <anna@school.nl>" as a mail program copies it, "mailto:anna@..."
            addresses = _ADDRESS.findall(text)
            member = self.by_email.get(addresses[0].casefold()) if len(addresses) == 1 else None
            if member is None:
                return None, _("nobody in this team has the address “%(text)s”") % {"text": text}
            return member, None
        key = _name_key(text)
        found = self.by_name.get(key) or self.by_initial.get(key, set())
        if not found and key in self.by_first:
            # a first name alone ("Fatima"), as a plan made by hand often has: when one
            # colleague has it (the preview says whom it was read as)
            found = self.by_first[key]
            if len(found) == 1:
                self.first_names_used[text] = next(iter(found))
        if not found and _LOST_LETTER in text.replace("\ufffd", _LOST_LETTER):
            return None, self._lost_letter_problem(text)
        if not found:
            return None, _("nobody in this team is called “%(text)s”") % {"text": text}
        if len(found) > 1:
            return self._on_the_day(text, found)
        return next(iter(found)), None

    def _on_the_day(self, text: str, found: set[Member]) -> tuple[Member | None, str | None]:
        """The one of the colleagues called `text` who was on the team on the session's date:
        in a line that day (or in no line ever, which says nothing about when they were on the
        team); when none of them was, the one who had not left before it (their line in this
        app may start later: the team was entered later). Several: the problem names them."""
        if self.day is None:
            there = set()
        else:
            there = {m for m in found if m.pk in self.on_day or m.pk not in self.in_a_line}
            there = there or {m for m in found if m.pk not in self.gone_by_day}
        if len(there) == 1:
            member = next(iter(there))
            self.by_day[text] = member
            return member, None
        if len(there) > 1 and there <= {m for m in found if m.pk in self.on_day}:
            return None, _(
                "%(count)d colleagues called “%(text)s” were on the team on %(day)s (%(names)s): "
                "write the e-mail address instead"
            ) % {
                "count": len(there),
                "text": text,
                "day": formats.date_format(self.day, "j F Y"),
                "names": ", ".join(sorted(m.full_name for m in there)),
            }
        return None, _(
            "%(count)d colleagues are called “%(text)s”: write the e-mail address instead"
        ) % {"count": len(found), "text": text}

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
        Berg", also with ";", "/", "&", "en", "and"), or several under each other on lines of
        their own (Alt+Enter in Excel); the first problem in words."""
        lines = text.split("\n")
        if len(lines) > 1:
            found = [self.find_all(line) for line in lines]
            if all(not problem for _members, problem in found):
                return [member for members, _problem in found for member in members], None
            # not a name a line: a name over two lines ("Anouk" above "de Vries")?
            member, _problem = self.find(text)
            if member is not None:
                return [member], None
            return [], next(problem for _members, problem in found if problem)
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
        if all(member is None for member, _problem in found) or (
            _LOST_LETTER in text and any(member is None for member, _problem in found)
        ):
            # not a list of names: the cell as a whole is the problem (also "Y?lmaz, Mehmet",
            # a name with a lost letter whose first name alone names a colleague)
            return [], problem
        missing = next((part_problem for member, part_problem in found if member is None), None)
        return ([], missing) if missing else ([member for member, _problem in found], None)

    def is_coach(self, text: str) -> bool:
        """Whether a cell names one of the school's coaches, by name or address."""
        text = " ".join(text.split())
        addresses = _ADDRESS.findall(text)
        if len(addresses) == 1:
            return addresses[0].casefold() in self.coaches
        return _name_key(text) in self.coaches

    def names_someone(self, text: str) -> bool:
        """Whether a cell names a colleague (or several), also with a note beside the name
        ("Daan de Vries: later", which would otherwise read as a note below the plan)."""
        if self.find_all(text)[0]:
            return True
        noted = _CELL_NOTE.fullmatch(text.strip())
        return bool(noted and self.find_all(noted.group("name"))[0])


def _on_the_team(school: School, day: date | None) -> tuple[set[int], set[int], set[int]]:
    """The members (pks) in a line of the school on `day`, those whose every line ended before
    it (they had left the team by then), and those ever in a line of the school."""
    if day is None:
        return set(), set(), set()
    spans: dict[int, list[tuple[date, date | None]]] = defaultdict(list)
    for pk, start, end in LineMembership.objects.filter(line__school=school).values_list(
        "member_id", "start", "end"
    ):
        spans[pk].append((start, end))
    on = {
        pk
        for pk, found in spans.items()
        if any(start <= day and (end is None or end >= day) for start, end in found)
    }
    gone = {
        pk for pk, found in spans.items() if all(end is not None and end < day for _s, end in found)
    }
    return on, gone, set(spans)


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


_NUMBER = re.compile(r"\d+")


def _table_order(label: str) -> tuple:
    number = _NUMBER.match(label)
    return (0, int(number.group()), label) if number else (1, 0, label)


def _formula_problem(where: str, value: str) -> str:
    return _(
        "%(where)s: “%(value)s” is the error of a formula in your file. Correct the formula or "
        "type the value, then upload the file again."
    ) % {"where": where, "value": value}


def _name_and_address_problem(row: list[str], columns: list[Column], team: _Team) -> str | None:
    """A row with one person's name and address that name two colleagues: which one sat there
    is not ours to guess."""
    address = next((row[c.index] for c in columns if c.kind == "email" and row[c.index]), "")
    name = name_of_row(row, columns)
    if person_per_cell(columns) or not address or not name or "@" in name:
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


Tables = dict[tuple[int, str], list[tuple[Row, Member]]]  # (round, table label): people

# A date cell as the spreadsheet reader writes it: what Excel made of "1-2" or "3/4" typed into a
# table or round column (a date is never a table, a round or a person)
_EXCEL_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})(?: 00:00:00)?")


def _value_problems(plan: EarlierPlan, at: Row, cells) -> bool:
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
    plan: EarlierPlan, at: Row, row: list[str], columns: list[Column], team: _Team, cells
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
    """Rows of a round (or `of_round`, the sheet's), a table and one or more people
    (`per_table_entries`), each checked, then seated."""
    columns, _kinds, _people = sheet_layout(sheet)

    def has_problems(at: Row, row: list[str], cells: list[str]) -> bool:
        return _cell_problems(plan, at, row, columns, team, cells)

    for entry in per_table_entries(sheet, has_problems, of_round=of_round):
        _read_entry(plan, entry, team, tables)


def _read_entry(plan: EarlierPlan, entry: Entry, team: _Team, tables: Tables) -> None:
    """Seat the people of `entry` at its round and table, or say what is wrong with it."""
    at, round_text, table_text, people = entry.at, entry.round, entry.table, entry.people
    round_number = round_of_cell(round_text)
    label = table_key(table_text)
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
        seated: list[Member] = []
        for text in people:
            members, problem = _cell_people(plan, at, round_number, text, team)
            if problem:
                plan.problems.append(
                    _("%(where)s: %(problem)s.") % {"where": at.where(), "problem": problem}
                )
            seated += members
        if seated:
            seated, problem = _row_notes(
                plan,
                at,
                [round_number],
                seated,
                team,
                looked_up=people,
                name=entry.name,
                notes=entry.notes,
            )
            if problem:
                plan.problems.append(
                    _("%(where)s: %(problem)s.") % {"where": at.where(), "problem": problem}
                )
        for member in seated:
            tables[(round_number, label)].append((at, member))


def _coach_left_out(plan: EarlierPlan, at: Row, text: str, team: _Team) -> bool:
    """Whether a cell names the school's coach, who is no team member: left out, with a note."""
    if not team.is_coach(text):
        return False
    plan.notes.append(
        _("%(where)s: “%(text)s” is the school's coach, not in the team, and is left out.")
        % {"where": at.where(), "text": text.strip()}
    )
    return True


def _cell_people(
    plan: EarlierPlan, at: Row, round_number: int, text: str, team: _Team
) -> tuple[list[Member], str | None]:
    """The members a person cell seats, or its problem in words. A cell that says nobody sat
    there ("afwezig", "-") seats nobody; the school's coach and a guest named so ("Jan (gast)")
    are no team member and are left out, and a note beside a name is read (`_noted_people`),
    also on one line of a cell with a name a line; each with a note for the preview."""
    words = plain_words(text)
    if not words or "".join(words) in ABSENT_WORDS:
        return [], None
    members, problem = team.find_all(text)
    if not problem:
        return members, None
    if _coach_left_out(plan, at, text, team):
        return [], None
    lines = [line for line in text.split("\n") if line.strip()]
    if len(lines) > 1:
        found = [_cell_people(plan, at, round_number, line, team) for line in lines]
        if all(not line_problem for _members, line_problem in found):
            return [member for line_members, _problem in found for member in line_members], None
        return [], problem
    return _noted_people(plan, at, [round_number], text, team, problem)


def _split_note(text: str) -> tuple[str, str] | None:
    """A name and the note beside it ("Lars (ziek)", "Lars - later", "Lars: later",
    "Lars [gast]", "Lars, ziek"), or None. After a comma only a note that says they were not
    there, were a guest or came later or left earlier: "Daan, Bas" is no note "Bas"."""
    text = text.strip()
    noted = _CELL_NOTE.fullmatch(text)
    if noted:
        note = next(n for n in noted.group("round", "square", "dash", "colon") if n is not None)
        return noted.group("name"), note.strip()
    name, comma, note = text.rpartition(",")
    words = plain_words(note)
    if not (comma and name.strip() and words):
        return None
    if (
        absent_note(note)
        or set(words) & _GUEST_NOTE_WORDS
        or all(word in _COMMA_NOTE_WORDS or word.isdigit() for word in words)
    ):
        return name.strip(), note.strip()
    return None


def _noted_people(
    plan: EarlierPlan,
    at: Row,
    rounds: list[int],
    text: str,
    team: _Team,
    problem: str,
    *,
    one: bool = False,
) -> tuple[list[Member], str | None]:
    """The people of a cell with a note beside the name ("Daan de Vries (later)", "Eva Visser -
    ziek", "Jan Pieters (gast)"), when the cell as a whole names nobody: seated with the note
    left out; not seated in `rounds` when the note says they were not there; a guest named so,
    who is not in the team, left out. Each with a note for the preview. Else the cell's
    `problem` (also when the name before the note names several and `one` is asked).
    In a list of names ("Anouk de Vries, Lars van Dijk (ziek)") a note is the one name's it
    stands beside: Anouk is seated, Lars is not."""
    parts = [part for part in _LIST_SEPARATOR.split(text.strip()) if part]
    if len(parts) > 1 and not one:
        # each part a colleague, one or more with a note beside them; the notes are only
        # kept when every part is
        read = EarlierPlan()
        found = []
        for part in parts:
            member, _part_problem = team.find(part)
            if member is None:
                found.append(_noted_people(read, at, rounds, part, team, problem, one=True))
            else:
                found.append(([member], None))
        if all(not part_problem for _members, part_problem in found) and read.notes:
            plan.notes.extend(read.notes)
            return [member for members, _problem in found for member in members], None
    split = _split_note(text)
    if split is None:
        return [], problem
    name, note = split
    if team.find_all(note)[0]:
        return [], problem  # "Daan de Vries - Sem Jansen": two people, not a note
    members, name_problem = team.find_all(name)
    if name_problem:
        if set(plain_words(note)) & _GUEST_NOTE_WORDS:
            plan.notes.append(
                _("%(where)s: “%(text)s” is a guest, not in the team, and is left out.")
                % {"where": at.where(), "text": text.strip()}
            )
            return [], None
        return [], problem
    if one and len(members) > 1:
        return [], problem
    return _apply_note(plan, at, rounds, members, note), None


def _apply_note(
    plan: EarlierPlan, at: Row, rounds: list[int], members: list[Member], note: str
) -> list[Member]:
    """The members a note on them leaves seated: none when it says they were not there ("ziek":
    no seat in `rounds`), else all of them, the note left out; the preview says which."""
    names = ", ".join(member.full_name for member in members)
    values = {"where": at.where(), "name": names, "note": note}
    if not absent_note(note):
        plan.notes.append(
            _("%(where)s: %(name)s is seated; the note “%(note)s” is left out.") % values
        )
        return members
    if len(rounds) == 1:
        text = _(
            "%(where)s: %(name)s was not there (“%(note)s”), so has no seat in round %(round)d."
        )
    else:
        text = _(
            "%(where)s: %(name)s was not there (“%(note)s”), so has no seat in rounds %(rounds)s."
        )
    rounds_text = ", ".join(str(r) for r in rounds)
    plan.notes.append(text % {**values, "round": rounds[0] if rounds else 0, "rounds": rounds_text})
    return []


def _row_notes(
    plan: EarlierPlan,
    at: Row,
    rounds: list[int],
    members: list[Member],
    team: _Team,
    *,
    looked_up: list[str],
    name: str,
    notes: tuple[str, ...],
) -> tuple[list[Member], str | None]:
    """The members a row of a layout with a header row seats after the notes on them outside
    the cell looked up: a note beside the name when the person was found by address ("Lars van
    Dijk (ziek)" beside lars@school.nl), and the column of notes. A note that says someone was
    not there, on a row of several people, is a problem: which of them? `looked_up`: the cells
    the members were found by, `name`: the row's name cell, `notes`: its columns of notes."""
    found = []
    if name and name not in looked_up and "@" not in name and team.find(name)[0] is None:
        split = _split_note(name)
        if split and team.find(split[0])[0] in members:
            found.append(split[1])
    for note in (*found, *notes):
        if len(members) > 1 and absent_note(note):
            return [], _(
                "the note “%(note)s” says someone was not there, but the row names %(count)d "
                "people: write the note beside the name"
            ) % {"note": note, "count": len(members)}
        members = _apply_note(plan, at, rounds, members, note)
        if not members:
            break
    return members, None


def _read_per_person(plan: EarlierPlan, sheet: Table, team: _Team, tables: Tables) -> None:
    """Rows of a person and a table per round column (`per_person_rows`). A note beside the
    name, or in a column of notes, is read as in the other layouts (`_noted_people`); one that
    says they were not there seats them in no round. A row without a table that names nobody
    (a legend below the plan: "* = kwam later") is left out, as the preview says."""
    columns, _kinds, _people = sheet_layout(sheet)
    rounds = sorted(c.number for c in columns if c.kind == "round_n" and c.number is not None)

    def has_problems(at: Row, row: list[str], cells: list[str]) -> bool:
        return _cell_problems(plan, at, row, columns, team, cells)

    left_out: list[tuple[int, str]] = []
    for person in per_person_rows(sheet, has_problems):
        at, people, seats = person.at, person.people, person.seats
        if not people:
            if seats:
                plan.problems.append(_("%(where)s names nobody.") % {"where": at.where()})
            continue
        text = people[0]
        member, problem = team.find(text)
        members = [member] if member is not None else []
        if problem:
            if _coach_left_out(plan, at, text, team):
                continue
            members, problem = _noted_people(plan, at, rounds, text, team, problem, one=True)
        if not problem and members:
            members, problem = _row_notes(
                plan,
                at,
                rounds,
                members,
                team,
                looked_up=people,
                name=person.name,
                notes=person.row_notes,
            )
        if problem and not seats and not person.notes:
            left_out.append((at.number, " ".join(text.split())))
            continue
        if problem:
            plan.problems.append(
                _("%(where)s: %(problem)s.") % {"where": at.where(), "problem": problem}
            )
            continue
        if not members:
            continue  # not there, or a guest: the preview's notes say so
        member = members[0]
        for r, label in seats.items():
            tables[(r, label)].append((at, member))
        for r, note in sorted(person.notes.items()):
            if r in seats:
                text = _("%(where)s: %(name)s is seated; the note “%(note)s” is left out.")
            else:
                text = _(
                    "%(where)s: %(name)s was not there (“%(note)s”), so has no seat in round "
                    "%(round)d."
                )
            plan.notes.append(
                text % {"where": at.where(), "name": member.full_name, "note": note, "round": r}
            )
    note = _left_out_note(left_out, "")
    if note:
        plan.notes.append(note)


MAX_LEFT_OUT_SHOWN = 5


def _read_blocks(plan: EarlierPlan, blocks: Blocks, team: _Team, tables: Tables) -> None:
    """The entries of a block layout read as the layout per table's rows; a table named twice
    in one round is a problem (a round without its heading row would add its tables to the
    round before), and so is a colleague outside any table (where did they sit?). Other cells
    outside the tables (a title, notes below the plan) are left out, as the preview says."""
    first: dict[tuple[int, str], Row] = {}
    twice = False
    for at, round_text, table_text in blocks.opened:
        number, label = round_of_cell(round_text), table_key(table_text)
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
            left_out.append((at.number, text))
    note = _left_out_note(left_out, blocks.sheet)
    if note:
        plan.notes.append(note)


def _left_out_note(left_out: list[tuple[int, str]], sheet: str) -> str | None:
    """The preview's note on cells outside the tables (a title, notes below the plan, a row that
    totals the plan), as (row, text); None when there are none."""
    if not left_out:
        return None
    cells = [_("row %(row)d (“%(text)s”)") % {"row": row, "text": text} for row, text in left_out]
    shown = ", ".join(cells[:MAX_LEFT_OUT_SHOWN])
    if len(cells) > MAX_LEFT_OUT_SHOWN:
        shown += " " + _("and %(count)d more") % {"count": len(cells) - MAX_LEFT_OUT_SHOWN}
    if sheet:
        text = _("Not part of a table on sheet “%(sheet)s”, so left out: %(cells)s.")
    else:
        text = _("Not part of a table, so left out: %(cells)s.")
    return text % {"sheet": sheet, "cells": shown}


def _rows_read(sheet: Table, whole: set[int]) -> list[tuple[int, list[str]]]:
    """The rows a layout reads: those under the header row, or every row of a sheet read in a
    block layout (its id in `whole`)."""
    return sheet.grid if id(sheet) in whole else sheet.rows


def _uncalculated_problem(sheets: list[Table], whole: set[int]) -> str | None:
    """Formulas without a saved result in the rows we read (a plan made with formulas, saved
    by a program that does not calculate them): we would read empty cells where Excel shows a
    table or a name. The words are the staff import's, which speak of the file alone."""
    cells = []
    for sheet in sheets:
        columns, _kinds, _people = sheet_layout(sheet)
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


_OLD_OFFICE_FILE = b"\xd0\xcf\x11\xe0"


def _not_a_spreadsheet(content: bytes) -> str | None:
    """Why a plan printed to PDF or written in Word cannot be read (the page says so rather than
    that the file holds no layout we know); None for any other file."""
    if content.lstrip()[:5] == b"%PDF-":
        return _(
            "This is a PDF file: we cannot read a table plan from it. Upload the plan as an Excel "
            "file (.xlsx), a LibreOffice file (.ods) or a CSV file, or fill in the team list on "
            "this page."
        )
    word = False
    if content.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                word = "word/document.xml" in archive.namelist()
        except zipfile.BadZipFile:
            return None  # the spreadsheet reader says what is wrong with it
    elif content.startswith(_OLD_OFFICE_FILE):
        word = "WordDocument".encode("utf-16-le") in content
    if word:
        return _(
            "This is a Word document: we cannot read a table plan from it. Copy its table into "
            "Excel, save it as an Excel file (.xlsx) and upload that."
        )
    return None


def earlier_plan_read(*, school: School, content: bytes, day: date) -> EarlierPlan:
    """Read a table plan of a session on `day` from a file: its tables, or every problem.

    The layouts are in `sessions_app.services.earlier_layouts`: besides those with a header row,
    a workbook may hold a sheet per round ("Ronde 1", "Ronde 2", ...), each with a table column
    and people, or in a block layout (a column per table, a row per table), in which a plan made
    by hand or by another tool may also be on one sheet."""
    plan = EarlierPlan()
    other = _not_a_spreadsheet(content)
    if other:
        plan.problems.append(other)
        return plan
    try:
        sheets = read_sheets(content, known=starts_a_plan, kind=TABLE_PLAN)
    except NoHeaderRow:
        plan.problems.append(_layout_problem())
        return plan
    except ImportFileError as error:
        plan.problems.append(error.message)
        return plan
    plan.day = day
    # the first sheet that holds a plan in one of the layouts: a list of the team (names and
    # addresses) or of pupils may come before it
    sheet = next((other for other in sheets if whole_layout(other)), sheets[0])
    plan.read_as = sheet.read_as
    columns, kinds, has_people = sheet_layout(sheet)
    team = _Team(school, day)
    tables: Tables = defaultdict(list)
    # a sheet per round: with a table column and people, or in a block layout
    per_round = [
        (
            number,
            other,
            None if a_round_of_tables(other) else blocks_of(other, number, team.names_someone),
        )
        for other in sheets
        if (number := round_of_sheet(other.sheet)) is not None
    ]
    per_round = [
        (n, other, blocks) for n, other, blocks in per_round if blocks or a_round_of_tables(other)
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
        (
            (other, blocks)
            for other in sheets
            if (blocks := blocks_of(other, None, team.names_someone))
        ),
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
        first_names = [
            _("“%(text)s” as %(name)s") % {"text": text, "name": member.full_name}
            for text, member in sorted(team.first_names_used.items())
            if member.pk in plan.names
        ]
        if first_names:
            plan.notes.append(
                _("Found by first name alone, as one colleague has it: %(names)s.")
                % {"names": ", ".join(first_names)}
            )
        by_day = [
            _("“%(text)s” as %(name)s") % {"text": text, "name": member.full_name}
            for text, member in sorted(team.by_day.items())
        ]
        if by_day:
            plan.notes.append(
                _("Found as the one colleague so named who was on the team on %(day)s: %(names)s.")
                % {"day": formats.date_format(day, "j F Y"), "names": ", ".join(by_day)}
            )
    return plan


def _read_notes(sheets: list[Table], round_numbers: list[int], whole: set[int]) -> list[str]:
    """What the preview says about how the file was read: rounds numbered anew (a file with
    rounds 1, 2 and 4 records rounds 1 to 3: a session's table rounds follow each other), rows
    that total the plan, which are left out, and rows Excel hides, which are read all the same
    (as the staff import says)."""
    notes = []
    for sheet in sheets:
        # a row that totals the plan ("Totaal | | 12") under a header row
        if id(sheet) not in whole and sheet.left_out:
            notes.append(
                _left_out_note(
                    [(n, " ".join(text.split())) for n, text in sorted(sheet.left_out.items())],
                    sheet.sheet if len(sheets) > 1 else "",
                )
            )
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
        seen: dict[int, Row] = {}  # member pk: where they are seated in this round
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
