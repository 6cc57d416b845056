"""Staff lists as school administrations, Excel, Numbers and Google Sheets export them.

Each test is a file that was read wrongly before: rows numbered otherwise than the spreadsheet
shows them, names garbled without a word, a hidden or uncalculated value taken as the truth, a
header or a cell value a school writes that we did not understand, or a message that named the
wrong cause.
"""

import codecs
import io
import zipfile

import openpyxl
import pytest
from django.utils import translation

from learninglines.services.imports import (
    header_field,
    read_staff_list,
    split_full_name,
    staff_import_preview,
)
from learninglines.services.people import member_add
from tests.learninglines.test_import_files import make_lines, refused_with, xlsx_file

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def workbook_bytes(workbook: openpyxl.Workbook) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- CSV ---------------------------------------------------------------------------------------


def test_a_sep_line_names_the_separator_and_is_not_a_row(school):
    # Excel writes "sep=," above the header and hides that line: the header is its row 1
    content = b'sep=,\r\nNaam,E-mailadres\r\n"Smit, Jan",jan@school.example\r\n"Bakker, Piet",\r\n'
    table = read_staff_list(content)
    assert (table.headers, table.read_as) == (["Naam", "E-mailadres"], "CSV with commas, UTF-8")
    assert table.rows == [
        (2, ["Smit, Jan", "jan@school.example"]),
        (3, ["Bakker, Piet", ""]),
    ]
    preview = staff_import_preview(school=school, content=content)
    assert [(r.number, r.outcome, r.name, r.notes) for r in preview.rows] == [
        (2, "new", "Jan Smit", []),
        (3, "error", "Piet Bakker", ["The e-mail address is missing."]),
    ]


def test_characters_that_turn_the_writing_direction_are_left_out_of_names():
    # "Jan" + RIGHT-TO-LEFT OVERRIDE + "htimS" shows as "Jan Smith": a name made to look like
    # another's
    content = "Voornaam;Achternaam;E-mail\r\nJan\u202e;\u2067htimS\u2069;jan@school.example\r\n"
    assert read_staff_list(content.encode()).rows == [(2, ["Jan", "htimS", "jan@school.example"])]


def test_a_member_saved_by_hand_keeps_no_direction_characters_either(school):
    member, _created = member_add(
        school=school,
        first_name="\u200fNoor",
        name_prefix="",
        last_name="Bakker\u202e",
        email="noor@school.example",
    )
    member.refresh_from_db()
    assert (member.first_name, member.last_name) == ("Noor", "Bakker")


def test_a_quoted_sep_line_with_a_byte_order_mark():
    content = codecs.BOM_UTF8 + b'"sep=;"\nVoornaam;E-mail\nJan;jan@school.example\n'
    table = read_staff_list(content)
    assert (table.rows, table.read_as) == (
        [(2, ["Jan", "jan@school.example"])],
        "CSV with semicolons, UTF-8",
    )


@pytest.mark.parametrize(
    "names",
    [
        # Ündè has a byte Windows-1252 does not have: the file was refused as no spreadsheet
        ["Zoë Ündè", "Jérôme Brontë"],
        # every byte is one in Windows-1252 too, and was read as "JŽr™me Bront" and a quotation mark
        ["Jérôme Brontë", "Loïs Müller"],
    ],
)
def test_a_mac_csv_in_mac_roman_keeps_its_accents(names):
    # Excel for Mac's plain "CSV" (CSV (Macintosh)): Mac Roman, lines end in a lone \r
    lines = ["Voornaam;Achternaam;E-mailadres"]
    lines += [f"{n.replace(' ', ';')};p{i}@school.example" for i, n in enumerate(names)]
    table = read_staff_list("\r".join(lines).encode("mac_roman"))
    assert table.read_as == "CSV with semicolons, Mac Roman"
    assert [" ".join(cells[:2]) for _n, cells in table.rows] == names


def test_windows_1252_is_still_read_as_windows_1252():
    content = "Voornaam;Achternaam;E-mail\r\nBjörn;Noël;b@school.example\r\n".encode("cp1252")
    table = read_staff_list(content)
    assert (table.rows, table.read_as) == (
        [(2, ["Björn", "Noël", "b@school.example"])],
        "CSV with semicolons, Windows-1252",
    )


def test_rows_pasted_from_an_older_export_keep_every_accent():
    # a UTF-8 list with rows pasted in from a Windows-1252 export: all of it was read as
    # Windows-1252, and "Zoë" of the UTF-8 rows became "ZoÃ«"
    content = (
        "Voornaam;E-mail\r\nZoë;zoe@school.example\r\n".encode()
        + "Jérôme;jerome@school.example\r\n".encode("cp1252")
    )
    table = read_staff_list(content)
    assert table.rows == [
        (2, ["Zoë", "zoe@school.example"]),
        (3, ["Jérôme", "jerome@school.example"]),
    ]
    assert table.read_as == "CSV with semicolons, UTF-8, Windows-1252"


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark(encoding):
    content = "Voornaam\tE-mail\r\nZoë\tzoe@school.example\r\n".encode(encoding)
    table = read_staff_list(content)
    assert (table.rows, table.read_as) == (
        [(2, ["Zoë", "zoe@school.example"])],
        "CSV with tabs, UTF-16",
    )


# --- Excel -------------------------------------------------------------------------------------


def test_formulas_without_a_saved_result_are_a_problem_not_empty_cells(school):
    # a workbook written by a program that does not calculate (openpyxl, some exports): Excel
    # shows the address and "ja", we read empty cells: "address missing", steering kept
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Voornaam", "Achternaam", "E-mailadres", "Stuurgroep", "Leeftijd"])
    sheet.append(["Jan", "Smit", '=LOWER(A2)&"@school.example"', "ja", "=2026-1980"])
    sheet.append(["Piet", "Bakker", "piet@school.example", '=IF(B3="Bakker";"ja";"nee")', 40])
    sheet.append(["Anna", "Vos", "anna@school.example", "nee", "=2026-1990"])
    preview = staff_import_preview(school=school, content=workbook_bytes(workbook))
    assert preview.problems == [
        "These cells hold a formula whose result is not saved in the file, so we cannot read "
        "them: C2, D3. Open the file in Excel or LibreOffice, save it there and upload it again."
    ]
    assert (preview.rows, preview.can_confirm) == ([], False)


def test_formulas_only_in_columns_we_leave_out_are_no_problem(school):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Voornaam", "E-mailadres", "Leeftijd"])
    sheet.append(["Jan", "jan@school.example", "=2026-1980"])
    preview = staff_import_preview(school=school, content=workbook_bytes(workbook))
    assert preview.problems == []
    assert [(r.outcome, r.name) for r in preview.rows] == [("new", "Jan")]


def test_a_hidden_sheet_is_not_read_before_the_visible_team():
    # last year's list, hidden by hand, was read instead of the team on the visible sheet
    workbook = openpyxl.Workbook()
    old = workbook.active
    old.title = "Team 2025"
    old.append(["Voornaam", "E-mail"])
    old.append(["Vertrokken", "weg@school.example"])
    old.sheet_state = "hidden"
    team = workbook.create_sheet("Team 2026")
    team.append(["Voornaam", "E-mail"])
    team.append(["Jan", "jan@school.example"])
    workbook.active = 1
    table = read_staff_list(workbook_bytes(workbook))
    assert (table.read_as, table.rows) == (
        "Excel, sheet “Team 2026”",
        [(2, ["Jan", "jan@school.example"])],
    )


def test_a_list_read_from_a_hidden_sheet_says_so():
    # the visible sheets hold no list: the hidden one is read, and the preview says it was hidden
    workbook = openpyxl.Workbook()
    workbook.active.title = "Uitleg"
    workbook.active.append(["Vul het andere blad in."])
    team = workbook.create_sheet("Team")
    team.append(["Voornaam", "E-mail"])
    team.append(["Jan", "jan@school.example"])
    team.sheet_state = "hidden"
    with translation.override("en"):
        table = read_staff_list(workbook_bytes(workbook))
    assert (table.read_as, table.rows) == (
        "Excel, hidden sheet “Team”",
        [(2, ["Jan", "jan@school.example"])],
    )


def test_the_sheet_open_when_the_file_was_saved_comes_first():
    # a tab per school year: the school looked at this year's when it saved the file
    workbook = openpyxl.Workbook()
    for title, name in [("2025-2026", "Oud"), ("2026-2027", "Jan")]:
        sheet = workbook.create_sheet(title)
        sheet.append(["Voornaam", "E-mail"])
        sheet.append([name, f"{name.lower()}@school.example"])
    workbook.remove(workbook["Sheet"])
    workbook.active = 1
    table = read_staff_list(workbook_bytes(workbook))
    assert (table.read_as, table.rows) == (
        "Excel, sheet “2026-2027”",
        [(2, ["Jan", "jan@school.example"])],
    )


def test_an_instructions_sheet_open_first_is_passed_over():
    workbook = openpyxl.Workbook()
    uitleg = workbook.active
    uitleg.title = "Uitleg"
    uitleg.append(["Vul op het blad Team per medewerker een rij in."])
    uitleg.append(["Naam", "zoals collega's je noemen"])
    team = workbook.create_sheet("Team")
    team.append(["Naam", "E-mail"])
    team.append(["Jan Smit", "jan@school.example"])
    table = read_staff_list(workbook_bytes(workbook))
    assert (table.read_as, table.headers) == ("Excel, sheet “Team”", ["Naam", "E-mail"])


def test_a_hidden_row_is_imported_and_says_so(school):
    # a row hidden (or filtered out) in Excel: the school should not be surprised by it
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Voornaam", "E-mail"])
    sheet.append(["Jan", "jan@school.example"])
    sheet.append(["Vertrokken", ""])
    sheet.append(["Piet", "piet@school.example"])
    sheet.row_dimensions[3].hidden = True
    sheet.row_dimensions[4].hidden = True
    preview = staff_import_preview(school=school, content=workbook_bytes(workbook))
    hidden = "Hidden in your file (by hand or by a filter), but read like the other rows."
    assert [(r.number, r.outcome, r.notes) for r in preview.rows] == [
        (2, "new", []),
        (3, "error", ["The e-mail address is missing.", hidden]),
        (4, "new", [hidden]),
    ]


def numbers_file() -> bytes:
    """A Numbers document as a Mac uploads it: a zip of Index/*.iwa, no workbook.xml."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("Index/Document.iwa", b"\x00\x1f\x8b")
        archive.writestr("Metadata/Properties.plist", "<plist/>")
        archive.writestr("preview.jpg", b"\xff\xd8\xff")
    return out.getvalue()


def xlsb_file() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.bin", b"\x83\x01\x00")
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "team.numbers",
            numbers_file(),
            "This is a Numbers file. Open it in Numbers, choose File, Export To, Excel (or CSV), "
            "then upload that file.",
        ),
        (
            "team.xlsb",
            xlsb_file(),
            "This is an Excel binary workbook (.xlsb). Open it in Excel, choose Save as and pick "
            "Excel workbook (.xlsx) or CSV, then upload that file.",
        ),
    ],
)
def test_other_spreadsheet_files_are_told_for_what_they_are(client, people, name, content, message):
    refused_with(client, people["steering"], name, content, message)


# --- Headers and values ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "field"),
    [
        # with the word that says whose value it is: "Voornaam medewerker" was the full name
        ("Voornaam medewerker", "first_name"),
        ("Roepnaam medewerker", "first_name"),
        ("Achternaam medewerker", "last_name"),
        ("E-mailadres medewerker", "email"),
        ("Medewerker e-mail", "email"),
        ("Volledige naam medewerker", "full_name"),
        # ParnasSys calls the prefix "voorvoegsel"
        ("Voorv.", "name_prefix"),
        ("Achternaam incl. voorvoegsels", "last_name"),
        ("Achternaam met voorvoegsel", "last_name"),
        # one column with both parts of the name
        ("Voor- en achternaam", "full_name"),
        ("Voornaam + achternaam", "full_name"),
        ("Achternaam, roepnaam", "full_name"),
        # Microsoft 365's export of its users
        ("User principal name", "email"),
        ("Emailadres organisatie", "email"),
        # still not ours
        ("Mail leerkracht", None),
        ("Medewerker", "full_name"),
        ("Personeelsnummer medewerker", None),
        ("Alternate email address", None),
    ],
)
def test_more_header_spellings(header, field):
    assert header_field(header) == field


def test_a_header_with_the_word_medewerker_gives_the_parts_of_the_name(school):
    content = (
        b"Roepnaam medewerker;Tussenvoegsel;Achternaam medewerker;E-mail medewerker\r\n"
        b"Daan;van der;Berg;daan@school.example\r\n"
    )
    preview = staff_import_preview(school=school, content=content)
    assert [c.field for c in preview.columns] == ["first_name", "name_prefix", "last_name", "email"]
    assert [(r.outcome, r.first_name, r.name_prefix, r.last_name) for r in preview.rows] == [
        ("new", "Daan", "van der", "Berg")
    ]


def emails_preview(school, *cells: str):
    rows = [f'Daan;Berg;"{cell}"' for cell in cells]
    content = "\r\n".join(["Voornaam;Achternaam;E-mail", *rows]).encode()
    return staff_import_preview(school=school, content=content)


def test_an_address_in_curly_quotes_is_the_address(school):
    # Word and Outlook type curly quotes
    preview = emails_preview(school, "“daan@school.example”", "\u2018piet@school.example\u2019")
    assert [(r.outcome, r.email) for r in preview.rows] == [
        ("new", "daan@school.example"),
        ("new", "piet@school.example"),
    ]


@pytest.mark.parametrize(
    "cell", ["daan@school.example; daan@gmail.com", "daan@school.example / daan@gmail.com"]
)
def test_two_addresses_in_one_cell_say_to_keep_one(school, cell):
    [row] = emails_preview(school, cell).rows
    assert (row.outcome, row.notes) == (
        "error",
        [
            f"“{cell}” holds more than one e-mail address. Keep one address per row: the one "
            "of the school."
        ],
    )


@pytest.mark.parametrize(
    ("value", "steering"),
    [
        ("v", True),
        ("✔️", True),
        ("✅", True),
        ("☑", True),
        ("ja, voorzitter", True),
        ("Lid stuurgroep", True),
        ("Voorzitter stuurgroep", True),
        ("secretaris", True),
        ("neen", False),
        ("geen", False),
        ("n.v.t.", False),
        ("✗", False),
        ("❌", False),
    ],
)
def test_more_steering_group_values(school, value, steering):
    content = f"Voornaam;E-mail;Stuurgroep\r\nDaan;daan@school.example;{value}\r\n".encode()
    [row] = staff_import_preview(school=school, content=content).rows
    assert (row.outcome, row.steering) == ("new", steering)


@pytest.mark.parametrize("value", ["ja, nee", "misschien", "nee, wel lid"])
def test_steering_group_values_that_contradict_are_still_an_error(school, value):
    content = f"Voornaam;E-mail;Stuurgroep\r\nDaan;daan@school.example;{value}\r\n".encode()
    [row] = staff_import_preview(school=school, content=content).rows
    assert (row.outcome, row.notes) == (
        "error",
        [f"“{value}” is not a steering-group value: write yes or no, or leave it empty."],
    )


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        # what a name adds in brackets is not its last name ("(IB)" was)
        ("Jan Smit (IB)", ("Jan", "", "Smit")),
        ("Smit, Jan (intern begeleider)", ("Jan", "", "Smit")),
        # initials with the call name in brackets, as administration systems write it
        ("Smit, J. (Jan)", ("Jan", "", "Smit")),
        ("Berg, D.J. van der (Daan)", ("Daan", "van der", "Berg")),
        ("J.P. Smit (Jan-Peter)", ("Jan-Peter", "", "Smit")),
    ],
)
def test_a_full_name_with_something_in_brackets(text, parts):
    assert split_full_name(text) == parts


def test_the_same_person_twice_in_other_capitals_is_one_address(school):
    member_add(school=school, email="daan@school.example", first_name="Daan", last_name="Berg")
    preview = emails_preview(school, "Daan@School.example", "DAAN@SCHOOL.EXAMPLE ")
    assert [(r.number, r.outcome, r.email, r.notes) for r in preview.rows] == [
        (2, "error", "daan@school.example", ["The same e-mail address is also on row 3."]),
        (3, "error", "daan@school.example", ["The same e-mail address is also on row 2."]),
    ]


def test_an_administration_export_with_a_title_and_formatting_below(school):
    # a title merged over the columns, the date of the export, an empty row, the header with
    # a colon and a non-breaking space, formatted rows far below the list
    lines = make_lines(school)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Personeel"
    sheet.append(["Personeelslijst 2026-2027"])
    sheet.merge_cells("A1:F1")
    sheet.append(["Geëxporteerd op 01-09-2026"])
    sheet.append([])
    sheet.append(["Stamnr", "Roepnaam:", "Voorv.", "Achternaam\u00a0", "E-mailadres:", "Leerlijn"])
    sheet.append([1017, "Daan", "van der", "Berg", "mailto:Daan@School.example", "Rekenen"])
    sheet.append([1018, "Zoë ", None, "Ündè", " zoe@school.example", "B"])
    sheet.append(["   ", None, None, None, None, None])
    for number in range(8, 3000):
        sheet.cell(row=number, column=2).number_format = "@"
    preview = staff_import_preview(school=school, content=workbook_bytes(workbook))
    assert preview.problems == []
    assert [(r.number, r.outcome, r.name, r.email, r.line) for r in preview.rows] == [
        (5, "new", "Daan van der Berg", "daan@school.example", lines[0]),
        (6, "new", "Zoë Ündè", "zoe@school.example", lines[1]),
    ]


def with_results(content: bytes, results: dict[str, str]) -> bytes:
    """The workbook `content` with a saved text result for the formulas in these cells, as
    Excel and LibreOffice save them (openpyxl saves none)."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                for cell, result in results.items():
                    start = text.index(f'<c r="{cell}"')
                    end = text.index("</c>", start)
                    formula = text[text.index("<f>", start) : text.index("</f>", start) + 4]
                    text = (
                        f'{text[:start]}<c r="{cell}" t="str">{formula}<v>{result}</v>{text[end:]}'
                    )
                data = text.encode()
            archive.writestr(item, data)
    return out.getvalue()


def test_formulas_with_a_saved_result_are_read_as_their_result(school):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Voornaam", "E-mailadres", "Stuurgroep"])
    sheet.append(["Jan", '=LOWER(A2)&"@school.example"', '=IF(A2="Jan";"ja";"")'])
    sheet.append(["Piet", "piet@school.example", '=IF(A3="Jan";"ja";"")'])
    content = with_results(
        workbook_bytes(workbook), {"B2": "jan@school.example", "C2": "ja", "C3": ""}
    )
    preview = staff_import_preview(school=school, content=content)
    assert preview.problems == []
    assert [(r.outcome, r.email, r.steering) for r in preview.rows] == [
        ("new", "jan@school.example", True),
        ("new", "piet@school.example", None),
    ]


def test_the_header_repeated_further_down_is_not_a_person(school):
    # two exports (one per location) put under each other, each with its header
    content = (
        b"Voornaam;Achternaam;E-mailadres\r\nJan;Smit;jan@school.example\r\n\r\n"
        b"VOORNAAM;Achternaam;E-mailadres \r\nPiet;Bakker;piet@school.example\r\n"
    )
    preview = staff_import_preview(school=school, content=content)
    assert [(r.number, r.outcome, r.name) for r in preview.rows] == [
        (2, "new", "Jan Smit"),
        (5, "new", "Piet Bakker"),
    ]


def test_values_an_export_forces_to_text_are_read_as_excel_shows_them():
    # ="..." keeps Excel from reading a value as a number; it shows what is inside the quotes
    content = (
        b'Voornaam;Achternaam;E-mailadres;Telefoon\r\n="Jan";="Smit";="jan@school.example";'
        b'="0612345678"\r\n'
    )
    assert read_staff_list(content).rows == [
        (2, ["Jan", "Smit", "jan@school.example", "0612345678"])
    ]


def test_more_than_five_formulas_without_a_result_name_the_first_five(school):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Voornaam", "E-mailadres"])
    for number in range(2, 9):
        sheet.append([f"P{number}", f'=LOWER(A{number})&"@school.example"'])
    preview = staff_import_preview(school=school, content=workbook_bytes(workbook))
    assert preview.problems == [
        "These cells hold a formula whose result is not saved in the file, so we cannot read "
        "them: B2, B3, B4, B5, B6 and 2 more. Open the file in Excel or LibreOffice, save it "
        "there and upload it again."
    ]


UNREADABLE = (
    "This file is not a spreadsheet we can read. Upload an Excel file (.xlsx), a LibreOffice "
    "file (.ods) or a CSV file; in Excel choose Save as and pick one of these."
)


@pytest.mark.parametrize(
    "content",
    [
        # a UTF-16 byte order mark, then bytes that are no UTF-16: the upload page crashed
        codecs.BOM_UTF16_LE + "Voornaam\tE-mail\r\n".encode("utf-16-le") + b"\x00\xd8A\x00",
        codecs.BOM_UTF16_BE + "Voornaam\tE-mail\r\nJan\tj".encode("utf-16-be") + b"\x00",
    ],
)
def test_a_broken_utf16_file_gets_a_message(client, people, content):
    refused_with(client, people["steering"], "team.txt", content, UNREADABLE)


def test_a_zip_of_a_version_we_cannot_open_gets_a_message(client, people):
    # damaged or made by an unusual zip tool: "zip file version 9.9" crashed the upload page
    content = bytearray(xlsx_file([["Voornaam", "E-mail"], ["Jan", "jan@school.example"]]))
    entry = content.index(b"PK\x01\x02")
    content[entry + 6 : entry + 8] = (99).to_bytes(2, "little")  # version needed to extract
    refused_with(client, people["steering"], "team.xlsx", bytes(content), UNREADABLE)
