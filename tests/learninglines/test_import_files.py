"""Reading staff lists: encodings, separators, Excel, headers, and files we must refuse.

The builders here (CSV in any encoding, XLSX, broken files) serve the other import tests too.
"""

import codecs
import io
import random
import zipfile

import openpyxl
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from learninglines.models import StaffImport
from learninglines.services.imports import header_field, read_staff_list
from learninglines.services.lines import line_create
from learninglines.services.people import school_year_ensure_current
from learninglines.tabular import ImportFileError

URL = "/s/de-regenboog/team/import/"

DUTCH_HEADERS = ["Voornaam", "Tussenvoegsel", "Achternaam", "E-mailadres", "Leerlijn", "Stuurgroep"]


def csv_file(rows, *, delimiter=";", encoding="utf-8") -> bytes:
    text = "\r\n".join(delimiter.join(cells) for cells in rows) + "\r\n"
    return text.encode(encoding)


def xlsx_file(rows, *, title_rows=(), sheets_before=0) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for number in range(sheets_before):
        workbook.active.title = f"Voorblad {number}"
        workbook.active.append(["Personeelslijst", "schooljaar"])
        sheet = workbook.create_sheet("Team")
    for row in [*title_rows, *rows]:
        sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def zip_bomb() -> bytes:
    """A valid-looking .xlsx whose sheet unpacks to 64 MB (about 64 KB packed)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        chunk = b"<row>" + b" " * (1024 * 1024 - 11) + b"</row>"
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            for _ in range(64):
                sheet.write(chunk)
    return out.getvalue()


def zip_with_many_entries() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        for number in range(5000):
            archive.writestr(f"xl/media/{number}.xml", "")
    return out.getvalue()


def zip_without_workbook() -> bytes:
    """A zip file that is not a workbook (a Word file, an OpenDocument sheet, photos)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("content.xml", "<office:document-content/>")
    return out.getvalue()


def damaged_xlsx() -> bytes:
    """A zip with the right names but no workbook inside them."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "not xml at all <<<")
        archive.writestr("xl/workbook.xml", "<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'b'>]>")
    return out.getvalue()


def junk(size: int, seed: int = 7) -> bytes:
    return random.Random(seed).randbytes(size)


def make_lines(school, names=("Rekenen", "Lezen", "Burgerschap", "Wereldoriëntatie")):
    """The current school year with its lines A, B, C, ... in this order."""
    year = school_year_ensure_current(school=school)
    return [line_create(school=school, year=year, name=name) for name in names]


# --- Tests of reading files: encodings, separators, Excel, and files we must refuse ---------

pytestmark = pytest.mark.django_db

PEOPLE = [
    ["Zoë", "", "Ündè", "zoe@school.example", "Wereldoriëntatie", "ja"],
    ["Daan", "van der", "Berg", "daan@school.example", "Rekenen", "nee"],
]


def refused_with(client, user, name: str, content: bytes, message: str) -> None:
    """`content` is not read, with `message`: by read_staff_list and on the upload page (in
    English), and nothing is kept."""
    with pytest.raises(ImportFileError) as caught:
        read_staff_list(content)
    assert caught.value.message == message

    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(URL, {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 200
    assert response.context["form"].errors == {"file": [message]}
    assert StaffImport.objects.count() == 0


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("encoding", "delimiter", "read_as"),
    [
        ("utf-8", ";", "CSV with semicolons, UTF-8"),
        ("utf-8", ",", "CSV with commas, UTF-8"),
        ("utf-8-sig", ";", "CSV with semicolons, UTF-8"),
        ("utf-8-sig", ",", "CSV with commas, UTF-8"),
        ("cp1252", ";", "CSV with semicolons, Windows-1252"),
        ("cp1252", ",", "CSV with commas, Windows-1252"),
        ("utf-16", "\t", "CSV with tabs, UTF-16"),
    ],
)
def test_csv_in_every_encoding_and_separator_reads_the_same(encoding, delimiter, read_as):
    table = read_staff_list(
        csv_file([DUTCH_HEADERS, *PEOPLE], delimiter=delimiter, encoding=encoding)
    )
    assert table.headers == DUTCH_HEADERS
    assert table.rows == [(2, PEOPLE[0]), (3, PEOPLE[1])]
    assert table.read_as == read_as


def test_csv_with_quoted_cells_holding_the_other_separator():
    content = 'Voornaam,Achternaam,E-mail\r\n"Jan, de tweede",Smit,jan@school.example\r\n'
    assert read_staff_list(content.encode()).rows == [
        (2, ["Jan, de tweede", "Smit", "jan@school.example"])
    ]


@pytest.mark.parametrize("newline", ["\r\n", "\n", "\r"])
def test_csv_lines_may_end_the_way_any_excel_writes_them(newline):
    # a lone \r is what Excel's "CSV (Macintosh)" writes; a quoted cell may hold a line break
    content = newline.join(["Voornaam;E-mail", "Zoë;zoe@school.example", '"Daan\nD.";d@x.nl', ""])
    assert read_staff_list(content.encode()).rows == [
        (2, ["Zoë", "zoe@school.example"]),
        (3, ["Daan D.", "d@x.nl"]),
    ]


def test_excel_with_a_title_row_english_headers_in_another_order_and_extra_columns():
    content = xlsx_file(
        [
            ["Employee no.", "E-mail", "Last name", "First Name", "Steering group", "Room"],
            [1017, "Zoe@School.example", "Ündè", "Zoë", True, "B1.04"],
            [None, None, None, None, None, None],
            [1018, "daan@school.example", "Berg", "Daan", 0, None],
        ],
        title_rows=[["Staff list exported 1 September"], []],
        sheets_before=1,
    )
    table = read_staff_list(content)
    assert table.read_as == "Excel, sheet “Team”"
    assert table.headers == [
        "Employee no.",
        "E-mail",
        "Last name",
        "First Name",
        "Steering group",
        "Room",
    ]
    assert table.rows == [
        (4, ["1017", "Zoe@School.example", "Ündè", "Zoë", "1", "B1.04"]),
        (6, ["1018", "daan@school.example", "Berg", "Daan", "0", ""]),
    ]


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Voornaam", "first_name"),
        ("  VOORNAAM ", "first_name"),
        ("Roepnaam", "first_name"),
        ("first name", "first_name"),
        ("First_Name", "first_name"),
        ("Tussenvoegsel", "name_prefix"),
        ("tussenvoegsels", "name_prefix"),
        ("name prefix", "name_prefix"),
        ("Achternaam", "last_name"),
        ("Achtenaam", "last_name"),
        ("last name", "last_name"),
        ("Surname", "last_name"),
        ("E-mail", "email"),
        ("E-mailadres", "email"),
        ("e-mail adres", "email"),
        ("Émail", "email"),
        ("email", "email"),
        ("E-mail address", "email"),
        ("Leerlijn", "line"),
        ("learning line", "line"),
        ("Stuurgroep", "steering"),
        ("steering group", "steering"),
        ("Naam", "full_name"),
        ("Volledige naam", "full_name"),
        ("Full name", "full_name"),
        ("E-mailadres (werk)", "email"),
        ("Emailadres werk", "email"),
        ("Mail school", "email"),
        ("Zakelijk e-mailadres", "email"),
        ("E-mail (privé)", "email"),
        ("Werkmail", "email"),
        ("Schoolmail", "email"),
        ("Werkmailadres", "email"),
        ("Privémail", "email"),
        ("Voornaam (roepnaam)", "first_name"),
        ("Achternaam + tussenvoegsel", "last_name"),
        ("Achternaam incl. tussenvoegsel", "last_name"),
        ("Leerlijn 2026-2027", "line"),
        ("Naam leerlijn", "line"),
        ("Stuurgroep (ja/nee)", "steering"),
        ("Naam school", None),
        ("Telefoon werk", None),
        ("Thuisadres", None),
        ("Werkadres", None),
        ("Mail leerkracht", None),
        ("Personeelsnummer", None),
        ("Geboortedatum", None),
        ("", None),
    ],
)
def test_header_spellings(header, field):
    assert header_field(header) == field


UNREADABLE = (
    "This file is not a spreadsheet we can read. Upload an Excel file (.xlsx), a LibreOffice "
    "file (.ods) or a CSV file; in Excel choose Save as and pick one of these."
)
TOO_BIG_UNPACKED = (
    "This file unpacks to far more than a staff list can hold, so we did not open it. Save the "
    "list again as a new Excel file or as CSV."
)
NO_HEADER = (
    "We found no header row we recognise. The first row must name the columns, for example "
    "First name, Last name and E-mail address. Download the template to see how."
)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.csv", b"   \r\n\r\n", "The file is empty."),
        ("junk.xlsx", junk(50_000), UNREADABLE),
        ("binary.csv", b"Voornaam;E-mail\x00\x00\x01", UNREADABLE),
        ("photo.jpg", b"\xff\xd8\xff\xe0" + junk(5000), UNREADABLE),
        ("report.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + junk(4000), UNREADABLE),
        ("bomb.xlsx", zip_bomb(), TOO_BIG_UNPACKED),
        ("many.xlsx", zip_with_many_entries(), TOO_BIG_UNPACKED),
        ("sheet.ods", zip_without_workbook(), UNREADABLE),
        ("damaged.xlsx", damaged_xlsx(), UNREADABLE),
        ("truncated.xlsx", xlsx_file([DUTCH_HEADERS, PEOPLE[0]])[:-200], UNREADABLE),
        (
            "old.xls",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + junk(3000),
            "This is an old Excel file (.xls). Open it in Excel, choose Save as and pick Excel "
            "workbook (.xlsx) or CSV, then upload that file.",
        ),
        ("lorem.csv", b"Lorem ipsum dolor sit amet\nconsectetur adipiscing elit\n" * 40, NO_HEADER),
        ("nameless.xlsx", xlsx_file([["a", "b"], ["c", "d"]]), NO_HEADER),
        (
            "huge.csv",
            csv_file([DUTCH_HEADERS] + [["A", "", "B", f"p{n}@s.nl", "", ""] for n in range(2001)]),
            "The file has more than 2000 rows. Split it into smaller files.",
        ),
    ],
)
def test_files_we_cannot_read_get_a_message(client, people, name, content, message):
    refused_with(client, people["steering"], name, content, message)


def test_ten_megabytes_of_junk_is_refused_before_it_is_read(client, people):
    client.force_login(people["steering"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(URL, {"file": SimpleUploadedFile("staff.xlsx", junk(10 * 1024 * 1024))})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "file": [
            "The file is larger than 2 MB. A staff list is much smaller: save only the sheet "
            "with the team, as .xlsx or CSV."
        ]
    }
    assert StaffImport.objects.count() == 0


def test_upload_without_a_file_says_to_choose_one(client, people):
    client.force_login(people["steering"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(URL, {})
    assert response.context["form"].errors == {"file": ["Choose a file to upload."]}


def test_sparse_excel_rows_far_apart_stop_after_a_run_of_empty_rows():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(DUTCH_HEADERS)
    sheet.append(PEOPLE[1])
    sheet.cell(row=900_000, column=1, value="Laat")
    out = io.BytesIO()
    workbook.save(out)
    table = read_staff_list(out.getvalue())
    assert table.rows == [(2, PEOPLE[1])]


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_template_reads_back_with_the_dutch_headers_and_one_example_row(client, people, kind):
    make_lines(people["steering"].memberships.get().school)
    client.force_login(people["steering"])
    response = client.get(f"{URL}template.{kind}")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="teamlijst-sjabloon.{kind}"'
    table = read_staff_list(response.content)
    assert table.headers == [
        "Voornaam",
        "Tussenvoegsel",
        "Achternaam",
        "E-mailadres",
        "Leerlijn",
        "Stuurgroep",
    ]
    assert table.rows == [
        (2, ["Daan", "van der", "Berg", "daan.vanderberg@example.org", "Rekenen", "nee"])
    ]
    if kind == "csv":
        assert response.content.startswith(codecs.BOM_UTF8 + b"Voornaam;Tussenvoegsel;")


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_template_on_an_english_page_has_english_headers_that_read_back(client, people, kind):
    make_lines(people["steering"].memberships.get().school)
    client.force_login(people["steering"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(f"{URL}template.{kind}")
    assert response["Content-Disposition"] == f'attachment; filename="staff-list-template.{kind}"'
    table = read_staff_list(response.content)
    assert table.headers == [
        "First name",
        "Name prefix",
        "Last name",
        "E-mail address",
        "Learning line",
        "Steering group",
    ]
    assert [header_field(header) for header in table.headers] == [
        "first_name",
        "name_prefix",
        "last_name",
        "email",
        "line",
        "steering",
    ]
    assert table.rows == [
        (2, ["Daan", "van der", "Berg", "daan.vanderberg@example.org", "Rekenen", "no"])
    ]


def test_unknown_template_kind_is_404(client, people):
    client.force_login(people["steering"])
    assert client.get(f"{URL}template.xls").status_code == 404


def test_template_never_holds_a_formula(client, people):
    make_lines(people["steering"].memberships.get().school, names=['=HYPERLINK("x")'])
    client.force_login(people["steering"])
    for kind in ("xlsx", "csv"):
        table = read_staff_list(client.get(f"{URL}template.{kind}").content)
        assert table.rows[0][1][4] == '\'=HYPERLINK("x")'
