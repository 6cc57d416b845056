"""Staff lists as real schools save them: LibreOffice's own format (.ods), lists with a heading
row over each group of the team ("Onderbouw", "Groep 1-2", "Directie"), and the answers of a
Google Forms or Microsoft Forms form exported to a sheet.

The .ods files are written here as LibreOffice writes them: a zip with "mimetype" first (not
compressed), content.xml with the real OpenDocument namespaces, settings.xml naming the sheet
that was open, and the manifest; a row ends in an empty cell repeated to column 16384 and the
sheet in an empty row repeated to row 1048576.
"""

import csv
import io
import zipfile
from xml.sax.saxutils import escape, quoteattr

import openpyxl
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from learninglines.models import StaffImport
from learninglines.services.imports import (
    ImportField,
    header_field,
    read_staff_list,
    staff_import_preview,
)
from learninglines.tabular import MAX_COLUMNS, ImportFileError
from sessions_app.services.earlier import earlier_plan_read
from tests.learninglines.test_import_files import URL, make_lines
from tests.learninglines.test_import_heldback import (
    confirm_imports_the_preview,
    people,
    team,
    upload,
)
from tests.sessions_app.conftest import day, members  # noqa: F401 (fixtures)
from tests.sessions_app.test_earlier_layouts import ROUND_1, ROUND_2, columns

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def lines(school):
    return make_lines(school)


# --- Writing an .ods as LibreOffice does --------------------------------------------------------

NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:xlink="http://www.w3.org/1999/xlink" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2" '
    'xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0" '
    'office:version="1.3"'
)
STYLES = (
    "<office:automatic-styles>"
    '<style:style style:name="ta1" style:family="table" style:master-page-name="Default">'
    '<style:table-properties table:display="true" style:writing-mode="lr-tb"/></style:style>'
    '<style:style style:name="ta2" style:family="table" style:master-page-name="Default">'
    '<style:table-properties table:display="false" style:writing-mode="lr-tb"/></style:style>'
    "</office:automatic-styles>"
)
MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"


def text(value: str) -> str:
    """A text cell; a line break in `value` is a second paragraph (Ctrl+Enter in LibreOffice)."""
    paragraphs = "".join(f"<text:p>{escape(line)}</text:p>" for line in value.split("\n"))
    return (
        '<table:table-cell office:value-type="string" calcext:value-type="string">'
        f"{paragraphs}</table:table-cell>"
    )


def cell(value) -> str:
    """A cell as LibreOffice writes `value`: "" is an empty cell, a str a text cell, a cell
    written out already (starting with "<table:") as it is."""
    if value == "":
        return "<table:table-cell/>"
    if value.startswith(("<table:table-cell", "<table:covered-table-cell")):
        return value
    return text(value)


def row(*values, attributes: str = "") -> str:
    cells = "".join(cell(value) for value in values)
    tail = f'<table:table-cell table:number-columns-repeated="{16384 - len(values)}"/>'
    return f"<table:table-row {attributes}>{cells}{tail}</table:table-row>"


def sheet(name: str, rows: list, *, hidden: bool = False) -> str:
    """A sheet; `rows` are lists of values (see `cell`) or rows written out (`row`)."""
    body = "".join(r if isinstance(r, str) else row(*r) for r in rows)
    return (
        f"<table:table table:name={quoteattr(name)} "
        f'table:style-name="{"ta2" if hidden else "ta1"}">'
        '<table:table-column table:number-columns-repeated="16384"/>'
        f"{body}"
        f'<table:table-row table:number-rows-repeated="{1048576 - len(rows)}">'
        '<table:table-cell table:number-columns-repeated="16384"/></table:table-row>'
        "</table:table>"
    )


def ods(*sheets: str, active: str | None = None, content: str | None = None) -> bytes:
    """An .ods file with these sheets (`sheet`), `active` the one open when it was saved."""
    if content is None:
        content = (
            '<?xml version="1.0" encoding="UTF-8"?>'
            f"<office:document-content {NAMESPACES}>{STYLES}<office:body><office:spreadsheet>"
            f"{''.join(sheets)}</office:spreadsheet></office:body></office:document-content>"
        )
    settings_xml = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-settings '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:config="urn:oasis:names:tc:opendocument:xmlns:config:1.0" office:version="1.3">'
        '<office:settings><config:config-item-set config:name="ooo:view-settings">'
        '<config:config-item-map-indexed config:name="Views"><config:config-item-map-entry>'
        '<config:config-item config:name="ViewId" config:type="string">view1</config:config-item>'
        f'<config:config-item config:name="ActiveTable" config:type="string">{escape(active or "")}'
        "</config:config-item></config:config-item-map-entry></config:config-item-map-indexed>"
        "</config:config-item-set></office:settings></office:document-settings>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.3"><manifest:file-entry manifest:full-path="/" '
        f'manifest:version="1.3" manifest:media-type="{MIMETYPE}"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        '<manifest:file-entry manifest:full-path="settings.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), MIMETYPE)  # stored, as LibreOffice does
        archive.writestr("content.xml", content)
        if active is not None:
            archive.writestr("settings.xml", settings_xml)
        archive.writestr("META-INF/manifest.xml", manifest)
    return out.getvalue()


HEADERS = ["Voornaam", "Tussenvoegsel", "Achternaam", "E-mailadres", "Leerlijn", "Stuurgroep"]


# --- .ods ---------------------------------------------------------------------------------------


def test_an_ods_staff_list_is_read_as_libreoffice_shows_it_and_imported(
    client, school, steering, lines
):
    rows = [
        ["Teamlijst 2026-2027"],  # a title above the header row
        [],
        HEADERS,
        # spaces written as <text:s/>, a comment on the cell that is no part of the name
        [
            '<table:table-cell office:value-type="string" calcext:value-type="string">'
            "<office:annotation><dc:creator>Ilse</dc:creator><text:p>nieuw</text:p>"
            "</office:annotation><text:p>Anne<text:s/></text:p><text:p>Marie</text:p>"
            "</table:table-cell>",
            "",
            '<table:table-cell office:value-type="string"><text:p>Jansen<text:s text:c="3"/>'
            "</text:p></table:table-cell>",
            "anne.marie@school.example",
            # a line merged over this row and the next, as LibreOffice writes a merge
            '<table:table-cell table:number-rows-spanned="2" table:number-columns-spanned="1" '
            'office:value-type="string"><text:p>Rekenen</text:p></table:table-cell>',
            # a checkbox answer saved as a boolean (TRUE/WAAR)
            '<table:table-cell office:value-type="boolean" office:boolean-value="true" '
            'calcext:value-type="boolean"><text:p>WAAR</text:p></table:table-cell>',
        ],
        # the address shows the name and links to it ("mailto:"), as a list copied from a
        # web page or Outlook has it
        [
            "Daan",
            "van der",
            "Berg",
            '<table:table-cell office:value-type="string"><text:p><text:a '
            'xlink:href="mailto:daan@school.example" xlink:type="simple">Daan van der Berg'
            "</text:a></text:p></table:table-cell>",
            "<table:covered-table-cell/>",  # under the merged line
            "nee",
        ],
        # a number and a whole row hidden by a filter
        row(
            "Zoë",
            "",
            "Ündè",
            "zoe@school.example",
            "Lezen",
            '<table:table-cell office:value-type="float" office:value="0" '
            'calcext:value-type="float"><text:p>0</text:p></table:table-cell>',
            attributes='table:visibility="filter"',
        ),
    ]
    content = ods(sheet("Blad1", rows), active="Blad1")
    staff_import, preview, page = upload(client, steering.user, "team.ods", content)
    assert preview.problems == []
    assert preview.table.read_as == "OpenDocument"
    assert "read as OpenDocument" in page
    assert people(preview) == [
        (4, "new", "Anne Marie", "", "Jansen", "anne.marie@school.example", "Rekenen", True),
        (5, "new", "Daan", "van der", "Berg", "daan@school.example", "Rekenen", False),
        (6, "new", "Zoë", "", "Ündè", "zoe@school.example", "Lezen", False),
    ]
    assert preview.rows[2].notes == [
        "in line B. Lezen from 18 November 2026",
        "Hidden in your file (by hand or by a filter), but read like the other rows.",
    ]
    confirm_imports_the_preview(client, school, staff_import, preview)
    assert team(school)["daan@school.example"] == ("Daan", "van der", "Berg", False, "Rekenen")


def test_the_team_is_on_the_sheet_that_names_people_and_addresses_open_one_first(school):
    cover = sheet("Voorblad", [["Contactpersoon", "E-mail"], ["Ilse", "ilse@school.example"]])
    pupils = sheet("Leerlingen", [["Naam", "Groep"], ["Tim", "3"]])
    the_team = sheet("Team", [["Naam", "E-mail"], ["Jan Smit", "jan@school.example"]])
    old = sheet("Oud", [["Naam", "E-mail"], ["Piet Bos", "piet@school.example"]], hidden=True)
    table = read_staff_list(ods(old, cover, pupils, the_team, active="Leerlingen"))
    assert (table.sheet, table.read_as, table.rows) == (
        "Team",
        "OpenDocument, sheet “Team”",
        [(2, ["Jan Smit", "jan@school.example"])],
    )
    # the list only on a hidden sheet: read, and the preview says from where
    table = read_staff_list(ods(pupils, old, active="Leerlingen"))
    assert (table.sheet, table.hidden, table.read_as) == (
        "Oud",
        True,
        "OpenDocument, hidden sheet “Oud”",
    )


def test_values_are_read_as_an_excel_file_gives_them(school):
    rows = [
        ["Naam", "E-mail", "Personeelsnummer", "In dienst", "Begintijd", "Percentage"],
        [
            "Jan Smit",
            "jan@school.example",
            # a number shown with a thousands separator: the number, as in an .xlsx
            '<table:table-cell office:value-type="float" office:value="1001">'
            "<text:p>1.001</text:p></table:table-cell>",
            '<table:table-cell office:value-type="date" office:date-value="2019-08-01">'
            "<text:p>01-08-19</text:p></table:table-cell>",
            '<table:table-cell office:value-type="time" office:time-value="PT08H30M00S">'
            "<text:p>08:30</text:p></table:table-cell>",
            '<table:table-cell office:value-type="percentage" office:value="0.8">'
            "<text:p>80%</text:p></table:table-cell>",
        ],
        # an empty cell repeated, then a value: the columns stay in place
        [
            "Piet Bos",
            '<table:table-cell table:number-columns-repeated="2"/>',
            '<table:table-cell office:value-type="string"><text:p>2020-01-01</text:p>'
            "</table:table-cell>",
        ],
    ]
    table = read_staff_list(ods(sheet("Blad1", rows)))
    assert table.rows == [
        (2, ["Jan Smit", "jan@school.example", "1001", "2019-08-01 00:00:00", "08:30:00", "0.8"]),
        (3, ["Piet Bos", "", "", "2020-01-01", "", ""]),
    ]


def test_a_failed_formula_and_a_formula_without_a_result_are_said(school):
    rows = [
        ["Naam", "E-mail", "Stuurgroep"],
        # LibreOffice saves an error with its own value type, whatever number it keeps
        [
            "Jan Smit",
            "jan@school.example",
            '<table:table-cell table:formula="of:=VLOOKUP([.A2];$Blad2.A1:B9;2;0)" '
            'office:value-type="float" office:value="0" calcext:value-type="error">'
            "<text:p>#N/A</text:p></table:table-cell>",
        ],
        [
            "Piet Bos",
            '<table:table-cell table:formula="of:=[.A3]&amp;&quot;@school.example&quot;" '
            'office:value-type="string" office:string-value="" calcext:value-type="error">'
            "<text:p>Err:502</text:p></table:table-cell>",
            "nee",
        ],
    ]
    preview = staff_import_preview(school=school, content=ods(sheet("Blad1", rows)))
    assert preview.problems == []
    assert [(r.number, r.outcome, r.steering, r.notes) for r in preview.rows] == [
        (
            2,
            "error",
            None,
            [
                "“#N/A” in column “Stuurgroep” is the error of a formula in your file. Correct "
                "the formula or type the value, then upload the file again."
            ],
        ),
        (
            3,
            "error",
            False,
            [
                "“Err:502” in column “E-mail” is the error of a formula in your file. Correct "
                "the formula or type the value, then upload the file again."
            ],
        ),
    ]
    # a program that writes formulas without calculating them leaves the value out
    rows[2][1] = '<table:table-cell table:formula="of:=[.A3]"/>'
    preview = staff_import_preview(school=school, content=ods(sheet("Blad1", rows)))
    assert preview.problems == [
        "These cells hold a formula whose result is not saved in the file, so we cannot read "
        "them: B3. Open the file in Excel or LibreOffice, save it there and upload it again."
    ]


def test_a_hyperlink_formula_to_an_address_holds_the_address(school):
    rows = [
        ["Naam", "E-mail"],
        [
            "Jan Smit",
            '<table:table-cell table:formula="of:=HYPERLINK(&quot;mailto:jan@school.example&quot;'
            ';&quot;Jan&quot;)" office:value-type="string" office:string-value="Jan">'
            "<text:p>Jan</text:p></table:table-cell>",
        ],
    ]
    preview = staff_import_preview(school=school, content=ods(sheet("Blad1", rows)))
    assert [(r.number, r.outcome, r.name, r.email) for r in preview.rows] == [
        (2, "new", "Jan Smit", "jan@school.example")
    ]


def test_a_header_merged_over_two_columns_reads_their_values_as_one(school):
    rows = [
        [
            '<table:table-cell table:number-columns-spanned="2" table:number-rows-spanned="1" '
            'office:value-type="string"><text:p>Naam</text:p></table:table-cell>',
            "<table:covered-table-cell/>",
            "E-mail",
        ],
        ["Jan", "Smit", "jan@school.example"],
    ]
    preview = staff_import_preview(school=school, content=ods(sheet("Blad1", rows)))
    assert [(r.first_name, r.name_prefix, r.last_name, r.email) for r in preview.rows] == [
        ("Jan", "", "Smit", "jan@school.example")
    ]


def test_a_value_repeated_far_to_the_right_is_too_wide_and_never_spelled_out(school):
    wide = sheet(
        "Blad1",
        [
            row(
                "Naam",
                "E-mail",
                '<table:table-cell table:number-columns-repeated="16000" '
                'office:value-type="string"><text:p>x</text:p></table:table-cell>',
            )
        ],
    )
    with pytest.raises(ImportFileError) as caught:
        read_staff_list(ods(wide))
    assert caught.value.message.startswith(
        f"Row 1 has values in more than {MAX_COLUMNS} columns, so we cannot read it as a list."
    )
    # a value beyond 16,000 empty cells is as far out of reach
    far = sheet(
        "Blad1",
        [
            "<table:table-row>"
            + text("Naam")
            + text("E-mail")
            + '<table:table-cell table:number-columns-repeated="9000"/>'
            + text("opmerking")
            + "</table:table-row>"
        ],
    )
    with pytest.raises(ImportFileError) as caught:
        read_staff_list(ods(far))
    assert caught.value.message.startswith(f"Row 1 has values in more than {MAX_COLUMNS} columns")


def test_a_row_repeated_a_million_times_is_too_long_not_a_million_rows(school):
    rows = [
        ["Naam", "E-mail"],
        '<table:table-row table:number-rows-repeated="1000000">'
        + text("Jan Smit")
        + text("jan@school.example")
        + "</table:table-row>",
    ]
    with pytest.raises(ImportFileError) as caught:
        read_staff_list(ods(sheet("Blad1", rows)))
    assert caught.value.message == "The file has more than 2000 rows. Split it into smaller files."


UNREADABLE = (
    "This file is not a spreadsheet we can read. Upload an Excel file (.xlsx), a LibreOffice "
    "file (.ods) or a CSV file; in Excel choose Save as and pick one of these."
)


@pytest.mark.parametrize(
    "content",
    [
        # billion laughs: entities within entities
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        f"<office:document-content {NAMESPACES}><office:body><office:spreadsheet>"
        '<table:table table:name="B"><table:table-row><table:table-cell><text:p>&lol2;'
        "</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet>"
        "</office:body></office:document-content>",
        # an external entity that would read a file of the server
        '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        f"<office:document-content {NAMESPACES}><office:body><office:spreadsheet>"
        '<table:table table:name="B"><table:table-row><table:table-cell><text:p>&x;'
        "</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet>"
        "</office:body></office:document-content>",
        # a DOCTYPE alone: LibreOffice never writes one
        f'<?xml version="1.0"?><!DOCTYPE d><office:document-content {NAMESPACES}/>',
        # damaged: cut off halfway
        f"<office:document-content {NAMESPACES}><office:body><office:spreadsheet><table:ta",
    ],
)
def test_an_ods_with_a_doctype_or_entities_or_broken_xml_is_not_read(content):
    with pytest.raises(ImportFileError) as caught:
        read_staff_list(ods(content=content))
    assert caught.value.message == UNREADABLE


def test_an_ods_that_unpacks_to_too_much_is_not_opened():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), MIMETYPE)
        archive.writestr("content.xml", b" " * (21 * 1024 * 1024))
    with pytest.raises(ImportFileError) as caught:
        read_staff_list(out.getvalue())
    assert caught.value.message == (
        "This file unpacks to far more than a staff list can hold, so we did not open it. Save "
        "the list again as a new Excel file or as CSV."
    )


def test_an_ods_with_a_password_says_so(client, steering):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), MIMETYPE)
        archive.writestr("content.xml", b"\x8f\x13 encrypted bytes")
        archive.writestr(
            "META-INF/manifest.xml",
            '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:'
            'manifest:1.0"><manifest:file-entry manifest:full-path="content.xml">'
            '<manifest:encryption-data manifest:checksum-type="SHA1/1K"/>'
            "</manifest:file-entry></manifest:manifest>",
        )
    client.force_login(steering.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(URL, {"file": SimpleUploadedFile("team.ods", out.getvalue())})
    assert response.context["form"].errors == {
        "file": [
            "This file is protected with a password, so we cannot read it. Open it in "
            "LibreOffice, save it again without a password and upload it again."
        ]
    }
    assert StaffImport.objects.count() == 0


def test_an_earlier_sessions_plan_may_be_an_ods_too(members, day):  # noqa: F811
    """The earlier-session import reads files with learninglines.tabular: an .ods works there
    as well (a sheet per round, a column per table, as test_earlier_layouts reads an .xlsx)."""
    content = ods(
        sheet("Uitleg", [["Zo lees je dit bestand"], ["Elk blad is een ronde"]]),
        sheet("Ronde 1", columns(ROUND_1)),
        sheet("Ronde 2", columns(ROUND_2)),
        active="Uitleg",
    )
    school = next(iter(members.values())).school
    plan = earlier_plan_read(school=school, content=content, day=day)
    assert plan.problems == []
    assert plan.named_rounds == [ROUND_1, ROUND_2]


# --- Heading rows ------------------------------------------------------------------------------


def test_heading_rows_over_groups_are_skipped_and_named(client, school, steering, lines):
    rows = [
        HEADERS,
        ["Directie"],
        ["Ilse", "", "Vos", "ilse@school.example", "", "ja"],
        ["Onderbouw"],
        ["Groep 1-2"],
        ["Jan", "", "Smit", "jan@school.example", "Rekenen", ""],
        ["Middenbouw"],
        ["Piet", "", "Bos", "piet@school.example", "Lezen", ""],
        ["--- Bovenbouw ---"],
        # a person whose address is missing is still an error, never a heading
        ["Karin", "", "Bakker", "", "Lezen", ""],
        ["Fatima El Amrani"],
    ]
    book = openpyxl.Workbook()
    for values in rows:
        book.active.append(values)
    out = io.BytesIO()
    book.save(out)
    _staff_import, preview, page = upload(client, steering.user, "team.xlsx", out.getvalue())
    assert preview.headings == [
        (2, "Directie"),
        (4, "Onderbouw"),
        (5, "Groep 1-2"),
        (7, "Middenbouw"),
        (9, "--- Bovenbouw ---"),
    ]
    assert preview.skipped_headings == (
        "Skipped 5 heading rows: row 2 (“Directie”), row 4 (“Onderbouw”), row 5 (“Groep "
        "1-2”), row 7 (“Middenbouw”), row 9 (“--- Bovenbouw ---”)."
    )
    assert "Skipped 5 heading rows: row 2 (“Directie”)" in page
    assert [(r.number, r.outcome, r.name, r.notes) for r in preview.rows] == [
        (3, "new", "Ilse Vos", ["in the steering group"]),
        (6, "new", "Jan Smit", ["in line A. Rekenen from 18 November 2026"]),
        (8, "new", "Piet Bos", ["in line B. Lezen from 18 November 2026"]),
        (10, "error", "Karin Bakker", ["The e-mail address is missing."]),
        (11, "error", "Fatima El Amrani", ["The e-mail address is missing."]),
    ]
    # the "Voornaam" column's first value is a person's, not a heading's
    assert preview.columns[0].sample == "Ilse"


def test_without_errors_a_list_with_headings_imports_its_people(client, school, steering):
    content = ods(
        sheet(
            "Team",
            [
                ["Naam", "E-mail"],
                ["Onderbouw"],
                ["Jan Smit", "jan@school.example"],
                ["Groep 7/8:"],
                ["Piet Bos", "piet@school.example"],
            ],
        )
    )
    staff_import, preview, _page = upload(client, steering.user, "team.ods", content)
    assert preview.can_confirm
    assert preview.skipped_headings == (
        "Skipped 2 heading rows: row 2 (“Onderbouw”), row 4 (“Groep 7/8:”)."
    )
    confirm_imports_the_preview(client, school, staff_import, preview)
    assert set(team(school)) == {steering.user.email, "jan@school.example", "piet@school.example"}


def test_one_heading_row_is_named_in_the_singular(school):
    content = b"Naam;E-mail\r\nDirectie;;\r\nJan Smit;jan@school.example\r\n"
    preview = staff_import_preview(school=school, content=content)
    assert preview.skipped_headings == "Skipped 1 heading row: row 2 (“Directie”)."


HEADINGS = [
    "Onderbouw", "Kleuterbouw", "Directie", "OOP", "Ondersteuning", "Conciërges", "Groep 1-2",
    "Groep 7/8", "Groepen 5 t/m 8", "Unit 3", "Team Noord", "Intern begeleiders",
    "Onderwijsondersteunend personeel", "Locatie De Linde", "Vakleerkrachten:", "## MT ##",
    "Lower school", "Year 5", "Teaching staff",
]  # fmt: skip
PERSONS = [
    "Jan de Vries", "Juf Anna", "Meester Bram", "Vries, J. de", "J.", "Fatima El Amrani",
    "Anne-Marie Jansen", "Mw. A. de Vries", "Bakker,",
]  # fmt: skip


@pytest.mark.parametrize(
    "headers", [["Naam", "E-mail", "Leerlijn"], ["Voornaam", "Achternaam", "E-mail"]]
)
def test_which_rows_alone_in_the_first_column_are_headings(school, headers):
    lines = [";".join(headers)]
    for value in HEADINGS + PERSONS:
        lines.append(f"{value};;")
    lines.append(";".join(["Ilse Vos", "ilse@school.example", ""][: len(headers)]))
    content = "\r\n".join(lines).encode()
    preview = staff_import_preview(school=school, content=content)
    assert [text for _number, text in preview.headings] == HEADINGS
    persons = [r for r in preview.rows if r.number <= len(HEADINGS) + len(PERSONS) + 1]
    assert [r.outcome for r in persons] == ["error"] * len(PERSONS)
    assert all("The e-mail address is missing." in r.notes for r in persons)


def test_a_first_name_alone_is_a_person_where_the_list_has_no_last_names(school):
    content = b"Voornaam;E-mail\r\nDirectie;\r\nSanne;\r\nJan;jan@school.example\r\n"
    preview = staff_import_preview(school=school, content=content)
    assert preview.headings == [(2, "Directie")]
    assert [(r.number, r.outcome, r.name, r.notes) for r in preview.rows] == [
        (3, "error", "Sanne", ["The e-mail address is missing."]),
        (4, "new", "Jan", []),
    ]
    # beside a last-name column, one word alone in the first column heads a group
    content = b"Voornaam;Achternaam;E-mail\r\nAdministratie;;\r\nJan;Smit;jan@school.example\r\n"
    preview = staff_import_preview(school=school, content=content)
    assert preview.headings == [(2, "Administratie")]


def test_a_text_alone_that_is_no_heading(school):
    """In the e-mail column, beside a link to an address, or in another column than the
    first, a text alone is a row of a person, as it was."""
    content = b"E-mail;Naam\r\nOnderbouw;\r\njan@school.example;Jan Smit\r\n"
    preview = staff_import_preview(school=school, content=content)
    assert preview.headings == []
    assert [(r.number, r.outcome) for r in preview.rows] == [(2, "error"), (3, "new")]

    content = b"Naam;E-mail\r\n;Onderbouw\r\n;Directie;\r\nJan Smit;jan@school.example\r\n"
    preview = staff_import_preview(school=school, content=content)
    assert preview.headings == []
    assert [(r.number, r.outcome) for r in preview.rows] == [(2, "error"), (3, "error"), (4, "new")]

    linked = sheet(
        "Blad1",
        [
            ["Naam", "E-mail"],
            [
                '<table:table-cell office:value-type="string"><text:p><text:a '
                'xlink:href="mailto:jan@school.example">Jan</text:a></text:p></table:table-cell>'
            ],
        ],
    )
    preview = staff_import_preview(school=school, content=ods(linked))
    assert preview.headings == []


# --- Google Forms and Microsoft Forms ---------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("E-mailadres", ImportField.EMAIL),
        ("Email Address", ImportField.EMAIL),
        ("Wat is je e-mailadres?", ImportField.EMAIL),
        ("Uw e-mailadres (van school)", ImportField.EMAIL),
        ("Wat is je voornaam?", ImportField.FIRST_NAME),
        ("Vul hier je roepnaam in", ImportField.FIRST_NAME),
        ("What is your first name?", ImportField.FIRST_NAME),
        ("Wat is je tussenvoegsel? (als je dat hebt)", ImportField.NAME_PREFIX),
        ("Wat is je achternaam?", ImportField.LAST_NAME),
        ("Wat is je naam?", ImportField.FULL_NAME),
        ("What's your name?", ImportField.FULL_NAME),
        ("Hoe heet je?", ImportField.FULL_NAME),
        ("Je voor- en achternaam", ImportField.FULL_NAME),
        ("In welke leerlijn zit je?", ImportField.LINE),
        ("Wat is de naam van je leerlijn?", ImportField.LINE),
        ("Which learning line are you in?", ImportField.LINE),
        ("Zit je in de stuurgroep?", ImportField.STEERING),
        ("Ben je lid van de stuurgroep?", ImportField.STEERING),
        ("Hoort u bij de stuurgroep?", ImportField.STEERING),
        ("Are you a member of the steering group?", ImportField.STEERING),
        # the form's own columns, and questions about something else
        ("Tijdstempel", None),
        ("Timestamp", None),
        ("ID", None),
        ("Begintijd", None),
        ("Tijd van voltooien", None),
        ("Wat is je functie?", None),
        ("In welke groep werk je?", None),
        ("In dienst sinds", None),
        ("Hoe mogen we je noemen?", None),
    ],
)
def test_form_questions_as_headers(header, field):
    assert header_field(header) == field


def forms_csv(rows: list[list[str]]) -> bytes:
    """As Google Sheets downloads a form's answers: commas, UTF-8 without a byte order mark."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode()


def test_a_google_forms_export_needs_no_choice_of_columns(client, school, steering, lines):
    content = forms_csv(
        [
            [
                "Tijdstempel",
                "E-mailadres",
                "Wat is je voornaam?",
                "Wat is je tussenvoegsel?",
                "Achternaam",
                "In welke leerlijn zit je?",
                "Zit je in de stuurgroep?",
            ],
            ["18-11-2026 9:12:03", "jan@school.example", "Jan", "", "Smit", "Rekenen", "Nee"],
            ["18-11-2026 9:15:44", "daan@school.example", "Daan", "van der", "Berg", "Lezen", "Ja"],
        ]
    )
    staff_import, preview, _page = upload(
        client, steering.user, "Teamlijst (antwoorden).csv", content
    )
    assert [(c.header, c.field, c.recognised) for c in preview.columns] == [
        ("Tijdstempel", "", False),
        ("E-mailadres", ImportField.EMAIL, True),
        ("Wat is je voornaam?", ImportField.FIRST_NAME, True),
        ("Wat is je tussenvoegsel?", ImportField.NAME_PREFIX, True),
        ("Achternaam", ImportField.LAST_NAME, True),
        ("In welke leerlijn zit je?", ImportField.LINE, True),
        ("Zit je in de stuurgroep?", ImportField.STEERING, True),
    ]
    assert preview.problems == []
    assert people(preview) == [
        (2, "new", "Jan", "", "Smit", "jan@school.example", "Rekenen", False),
        (3, "new", "Daan", "van der", "Berg", "daan@school.example", "Lezen", True),
    ]
    confirm_imports_the_preview(client, school, staff_import, preview)


def test_an_english_google_form_with_one_name_question(school):
    content = forms_csv(
        [
            ["Timestamp", "Email Address", "What is your name?"],
            ["11/18/2026 9:12:03", "jan@school.example", "Jan de Vries"],
        ]
    )
    preview = staff_import_preview(school=school, content=content)
    assert preview.problems == []
    assert [(r.first_name, r.name_prefix, r.last_name, r.email) for r in preview.rows] == [
        ("Jan", "de", "Vries", "jan@school.example")
    ]


def test_a_microsoft_forms_export(school):
    book = openpyxl.Workbook()
    book.active.title = "Sheet1"
    for values in [
        ["ID", "Begintijd", "Tijd van voltooien", "E-mail", "Naam", "Hoort u bij de stuurgroep?"],
        [1, "11/18/26 09:12:03", "11/18/26 09:13:10", "jan@school.example", "Jan Smit", "Nee"],
        [2, "11/18/26 09:20:00", "11/18/26 09:21:30", "ilse@school.example", "Ilse Vos", "Ja"],
    ]:
        book.active.append(values)
    out = io.BytesIO()
    book.save(out)
    preview = staff_import_preview(school=school, content=out.getvalue())
    assert preview.problems == []
    assert [c.field for c in preview.columns] == [
        "",
        "",
        "",
        ImportField.EMAIL,
        ImportField.FULL_NAME,
        ImportField.STEERING,
    ]
    assert [(r.number, r.outcome, r.name, r.email, r.steering) for r in preview.rows] == [
        (2, "new", "Jan Smit", "jan@school.example", False),
        (3, "new", "Ilse Vos", "ilse@school.example", True),
    ]


def test_someone_who_answered_the_form_twice_is_the_same_address_twice(school):
    """As any list with an address twice: both rows say where the other is, nothing is saved
    until one is deleted (the import does not guess which answer is the right one)."""
    content = forms_csv(
        [
            ["Tijdstempel", "E-mailadres", "Wat is je naam?"],
            ["18-11-2026 9:12:03", "jan@school.example", "Jan Smit"],
            ["18-11-2026 9:14:00", "piet@school.example", "Piet Bos"],
            ["18-11-2026 9:30:12", "Jan@School.example", "Jan Smid"],
        ]
    )
    preview = staff_import_preview(school=school, content=content)
    assert [(r.number, r.outcome, r.notes) for r in preview.rows] == [
        (2, "error", ["The same e-mail address is also on row 4."]),
        (3, "new", []),
        (4, "error", ["The same e-mail address is also on row 2."]),
    ]
    assert not preview.can_confirm


def test_a_question_we_do_not_recognise_is_still_chosen_by_hand(client, school, steering):
    content = forms_csv(
        [
            ["Tijdstempel", "E-mailadres", "Hoe mogen we je noemen?"],
            ["18-11-2026 9:12:03", "jan@school.example", "Jan"],
        ]
    )
    staff_import, preview, _page = upload(client, steering.user, "antwoorden.csv", content)
    assert preview.problems == [
        "No column holds the first names. Choose it for one of the columns below."
    ]
    response = client.post(
        f"{URL}{staff_import.pk}/",
        {"column_0": "", "column_1": ImportField.EMAIL, "column_2": ImportField.FIRST_NAME},
    )
    assert response.status_code == 302
    preview = client.get(response["Location"]).context["preview"]
    assert preview.problems == []
    assert [(r.number, r.outcome, r.first_name, r.email) for r in preview.rows] == [
        (2, "new", "Jan", "jan@school.example")
    ]
    confirm_imports_the_preview(client, school, staff_import, preview)
