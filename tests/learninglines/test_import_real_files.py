"""Staff lists as schools really save them: what Excel, LibreOffice and hand edits leave behind.

Each test is a file that once was read wrongly: a message that named the wrong cause, or people
or values lost or changed without a word.
"""

import codecs
import io
import struct
import zipfile

import openpyxl
import pytest
from django.utils import translation

from learninglines.services.imports import read_staff_list, staff_import_preview
from learninglines.services.people import member_add
from learninglines.tabular import ImportFileError
from tests.learninglines.test_import_files import make_lines, refused_with, xlsx_file

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def ole_file(*streams: str) -> bytes:
    """A minimal OLE2 compound file with these (empty) streams: an old .xls holds a stream
    "Workbook", an .xlsx with a password an "EncryptionInfo" and an "EncryptedPackage"."""
    free, end, fat_sector, no_stream = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
    header = bytearray(512)
    header[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<5H", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    # no directory sector count (version 3), 1 FAT sector, directory in sector 1, no mini FAT
    struct.pack_into("<9I", header, 40, 0, 1, 1, 0, 4096, end, 0, end, 0)
    struct.pack_into("<109I", header, 76, 0, *[free] * 108)
    fat = struct.pack("<128I", fat_sector, end, *[free] * 126)

    def entry(name: str, kind: int, right: int = no_stream, child: int = no_stream) -> bytes:
        raw = name.encode("utf-16-le") + b"\0\0"
        data = bytearray(128)
        data[: len(raw)] = raw
        struct.pack_into("<HBB3I", data, 64, len(raw), kind, 1, no_stream, right, child)
        struct.pack_into("<IQ", data, 116, end, 0)
        return bytes(data)

    names = list(streams)[:3]
    directory = entry("Root Entry", 5, child=1 if names else no_stream)
    for number, name in enumerate(names, start=1):
        directory += entry(name, 2, right=number + 1 if number < len(names) else no_stream)
    return bytes(header) + fat + directory.ljust(512, b"\0")


def ods_file() -> bytes:
    """An OpenDocument spreadsheet as LibreOffice saves it ("mimetype" first, not compressed),
    with an empty sheet (test_import_real_lists.py reads filled ones)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr(
            "content.xml",
            '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:'
            'office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0">'
            '<office:body><office:spreadsheet><table:table table:name="Blad1"><table:table-row>'
            '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
            "</table:table></office:spreadsheet></office:body></office:document-content>",
        )
        archive.writestr("META-INF/manifest.xml", "<manifest:manifest/>")
    return out.getvalue()


PASSWORD = (
    "This Excel file is protected with a password, so we cannot read it. Open it in Excel, "
    "remove the password, save it and upload it again."
)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("team.xlsx", ole_file("EncryptionInfo", "EncryptedPackage"), PASSWORD),
        ("leeg.ods", ods_file(), "The file is empty."),
        ("leeg.csv", codecs.BOM_UTF8, "The file is empty."),
        ("leeg.csv", codecs.BOM_UTF8 + b"\r\n;;\r\n", "The file is empty."),
        ("leeg.txt", codecs.BOM_UTF16_LE + "\r\n".encode("utf-16-le"), "The file is empty."),
        ("leeg.xlsx", xlsx_file([]), "The file is empty."),
    ],
)
def test_a_file_we_cannot_read_is_told_for_what_it_is(client, people, name, content, message):
    refused_with(client, people["steering"], name, content, message)


def test_an_old_excel_file_is_still_called_one():
    with pytest.raises(ImportFileError) as caught:
        read_staff_list(ole_file("Workbook", "\x05SummaryInformation"))
    assert caught.value.message.startswith("This is an old Excel file (.xls).")


def test_a_quote_left_open_does_not_swallow_the_rows_under_it():
    # a quotation mark typed by hand before "Groep 8", in a column we do not import: the csv
    # module reads every line under it into that one cell, and Piet and Anna were left out
    content = (
        b'Voornaam;Achternaam;E-mail;Opmerking\r\nJan;Smit;jan@school.example;"Groep 8\r\n'
        b"Piet;Bakker;piet@school.example;\r\nAnna;Vos;anna@school.example;ok\r\n"
    )
    with pytest.raises(ImportFileError) as caught:
        read_staff_list(content)
    assert caught.value.message == (
        'Row 2 has a quotation mark (") that is not closed, so the rows under it were read as '
        "one cell. Remove that quotation mark or close it, then upload the file again."
    )


def test_a_cell_over_several_lines_in_quotes_is_still_read():
    content = (
        b'Voornaam;E-mail;Werkdagen\r\nJan;jan@school.example;"ma; di\r\nwo"\r\n'
        b"Piet;piet@school.example;vr\r\n"
    )
    assert read_staff_list(content).rows == [
        (2, ["Jan", "jan@school.example", "ma; di wo"]),
        (3, ["Piet", "piet@school.example", "vr"]),
    ]


def test_merged_cells_hold_their_value_in_every_row_they_cover(school):
    lines = make_lines(school)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Personeelslijst De Regenboog"])
    sheet.merge_cells("A1:E1")
    sheet.append(["Voornaam", "Achternaam", "E-mailadres", "Leerlijn", "Stuurgroep"])
    sheet.append(["Jan", "Smit", "jan@school.example", "Rekenen", "ja"])
    sheet.append(["Piet", "Bakker", "piet@school.example", None, None])
    sheet.append(["Anna", "Vos", "anna@school.example", None, "nee"])
    sheet.append(["Zoë", "Ündè", "zoe@school.example", "Lezen", None])
    # the line over the first three people, the steering group over the first two
    sheet.merge_cells("D3:D5")
    sheet.merge_cells("E3:E4")
    out = io.BytesIO()
    workbook.save(out)

    table = read_staff_list(out.getvalue())
    assert table.rows == [
        (3, ["Jan", "Smit", "jan@school.example", "Rekenen", "ja"]),
        (4, ["Piet", "Bakker", "piet@school.example", "Rekenen", "ja"]),
        (5, ["Anna", "Vos", "anna@school.example", "Rekenen", "nee"]),
        (6, ["Zoë", "Ündè", "zoe@school.example", "Lezen", ""]),
    ]
    preview = staff_import_preview(school=school, content=out.getvalue())
    assert [(r.name, r.line, r.steering) for r in preview.rows] == [
        ("Jan Smit", lines[0], True),
        ("Piet Bakker", lines[0], True),
        ("Anna Vos", lines[0], False),
        ("Zoë Ündè", lines[1], None),
    ]


def test_names_with_accents_written_apart_are_the_names_we_have(school):
    # a copy from a PDF or a Mac keeps "ë" as "e" plus a combining diaeresis (NFD)
    member_add(school=school, email="zoe@school.example", first_name="Zoë", last_name="Ündè")
    content = "Voornaam;Achternaam;E-mail\r\nZoe\u0308;U\u0308nde\u0300;zoe@school.example\r\n"
    preview = staff_import_preview(school=school, content=content.encode())
    [row] = preview.rows
    assert (row.outcome, row.first_name, row.last_name, row.notes) == (
        "unchanged",
        "Zoë",
        "Ündè",
        [],
    )


def test_the_call_name_is_the_first_name_beside_the_official_first_names(school):
    # ParnasSys and Magister export both: "Voornamen" as in the passport, "Roepnaam" as used
    content = xlsx_file(
        [
            ["Voorletters", "Voornamen", "Roepnaam", "Tussenvoegsel", "Achternaam", "E-mail"],
            ["J.P.", "Johannes Petrus", "Jan", "", "Smit", "jan@school.example"],
        ]
    )
    preview = staff_import_preview(school=school, content=content)
    assert [(c.header, c.field) for c in preview.columns] == [
        ("Voorletters", ""),
        ("Voornamen", ""),
        ("Roepnaam", "first_name"),
        ("Tussenvoegsel", "name_prefix"),
        ("Achternaam", "last_name"),
        ("E-mail", "email"),
    ]
    assert preview.problems == []
    assert [(r.outcome, r.name) for r in preview.rows] == [("new", "Jan Smit")]


def test_the_staff_sheet_is_found_behind_a_sheet_of_pupils(school):
    # an administration export: pupils (names, no e-mail) first, the staff on the second sheet
    workbook = openpyxl.Workbook()
    pupils = workbook.active
    pupils.title = "Leerlingen"
    pupils.append(["Voornaam", "Achternaam", "Groep"])
    pupils.append(["Sem", "de Boer", "5"])
    staff = workbook.create_sheet("Personeel")
    staff.append(["Voornaam", "Achternaam", "E-mailadres"])
    staff.append(["Jan", "Smit", "jan@school.example"])
    out = io.BytesIO()
    workbook.save(out)

    table = read_staff_list(out.getvalue())
    assert table.headers == ["Voornaam", "Achternaam", "E-mailadres"]
    assert table.rows == [(2, ["Jan", "Smit", "jan@school.example"])]


def test_without_an_e_mail_header_anywhere_the_first_sheet_with_a_header_is_read():
    workbook = openpyxl.Workbook()
    workbook.active.append(["Voornaam", "Achternaam"])
    workbook.active.append(["Jan", "Smit"])
    workbook.create_sheet("Notities").append(["Voornaam", "Opmerking"])
    out = io.BytesIO()
    workbook.save(out)

    table = read_staff_list(out.getvalue())
    assert table.headers == ["Voornaam", "Achternaam"]
    assert table.rows == [(2, ["Jan", "Smit"])]


def test_a_quoted_note_with_semicolons_over_lines_is_read_in_a_wide_file():
    # a closed quote around a note over two lines, with two semicolons in its second line
    content = (
        b"Voornaam;Achternaam;E-mail;Leerlijn;Stuurgroep;Opmerking\r\n"
        b'Jan;Smit;jan@school.example;Lezen;nee;"werkt ma; di\r\nen wo; do; vr"\r\n'
        b"Piet;Bakker;piet@school.example;Rekenen;ja;\r\n"
    )
    assert read_staff_list(content).rows == [
        (2, ["Jan", "Smit", "jan@school.example", "Lezen", "nee", "werkt ma; di en wo; do; vr"]),
        (3, ["Piet", "Bakker", "piet@school.example", "Rekenen", "ja", ""]),
    ]
