"""Staff lists the way Dutch schools' systems and people really produce them, uploaded through
the pages as a steering member: exports of ParnasSys, Magister, Somtoday, AFAS, Microsoft 365
and Google Workspace, files saved by Google Sheets, Apple Numbers, LibreOffice and Excel, and
lists typed or pasted by hand.

Each file is checked on the preview (exactly the people, names, addresses, lines and steering
group), and then confirmed: the team holds exactly what the preview showed, or, when a row has
an error, nothing at all. Files we cannot read are refused with a message that says what the file
is and what to do.
"""

import codecs
import datetime
import io
import zipfile

import openpyxl
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from learninglines.models import LineMembership, Member, StaffImport
from learninglines.services.imports import read_staff_list, split_full_name, split_last_name
from learninglines.services.people import member_add
from tests.learninglines.test_import_exports import with_results
from tests.learninglines.test_import_files import URL, make_lines

pytestmark = pytest.mark.django_db

MEMBERS = "/s/de-regenboog/team/"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def lines(school):
    return make_lines(school)


def workbook_bytes(book: openpyxl.Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def one_sheet(rows: list[list], title: str = "Blad1") -> openpyxl.Workbook:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    return book


def team(school) -> dict[str, tuple]:
    """The school's team as {address: (first name, prefix, last name, steering, line today)}."""
    today = timezone.localdate()
    line_of = {
        ms.member_id: ms.line.name
        for ms in LineMembership.objects.on(today)
        .filter(member__school=school)
        .select_related("line")
    }
    return {
        m.user.email: (m.first_name, m.name_prefix, m.last_name, m.is_steering, line_of.get(m.pk))
        for m in Member.objects.filter(school=school).select_related("user")
    }


def upload(client, user, name: str, content: bytes):
    """Upload `content` as `name` on the page; the stored upload and its preview page."""
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(URL, {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 302, response.context["form"].errors
    staff_import = StaffImport.objects.latest("pk")
    assert response["Location"] == f"{URL}{staff_import.pk}/"
    page = client.get(response["Location"])
    assert page.status_code == 200
    return staff_import, page.context["preview"], page.content.decode()


def people(preview) -> list[tuple]:
    return [
        (
            r.number,
            r.outcome,
            r.first_name,
            r.name_prefix,
            r.last_name,
            r.email,
            r.line.name if r.line else None,
            r.steering,
        )
        for r in preview.rows
    ]


def confirm_imports_the_preview(client, school, staff_import, preview) -> None:
    """Confirming saves exactly what the preview showed, and forgets the upload."""
    expected = team(school)
    for r in preview.rows:
        if r.outcome in ("new", "updated"):
            old = expected.get(r.email, ("", "", "", False, None))
            expected[r.email] = (
                r.first_name,
                old[1] if r.name_prefix is None else r.name_prefix,
                old[2] if r.last_name is None else r.last_name,
                old[3] if r.steering is None else r.steering,
                r.line.name if r.line else old[4],
            )
    response = client.post(f"{URL}{staff_import.pk}/confirm/", {"fingerprint": preview.fingerprint})
    assert response.status_code == 302
    assert response["Location"] == MEMBERS
    assert team(school) == expected
    assert not StaffImport.objects.filter(pk=staff_import.pk).exists()


def confirm_saves_nothing(client, school, staff_import, preview) -> None:
    before = team(school)
    response = client.post(f"{URL}{staff_import.pk}/confirm/", {"fingerprint": preview.fingerprint})
    assert response["Location"] == f"{URL}{staff_import.pk}/"
    assert [str(m) for m in response.wsgi_request._messages] == [
        "The file still has errors, so nothing was saved."
    ]
    assert team(school) == before
    assert StaffImport.objects.filter(pk=staff_import.pk).exists()


def refused(client, user, name: str, content: bytes) -> str:
    """The upload form's one error for `content`; nothing is stored."""
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(URL, {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 200
    assert StaffImport.objects.count() == 0
    [message] = response.context["form"].errors["file"]
    assert message in response.content.decode().replace("&quot;", '"').replace("&#x27;", "'")
    return message


# --- 1. ParnasSys: a title and a print date above the header, "Achternaam, Voornaam" --------


def test_a_parnassys_export_with_a_title_and_last_names_first(client, school, steering, lines):
    book = one_sheet(
        [
            ["ParnasSys - Overzicht medewerkers"],
            ["Basisschool De Regenboog", None, None, "Afdrukdatum:", datetime.date(2026, 11, 18)],
            [],
            [
                "Naam",
                "Voorletters",
                "Functie",
                "E-mailadres",
                "Telefoon",
                "Geboortedatum",
                "Leerlijn",
            ],
            [
                "Berg, Daan van der",
                "D.",
                "Leerkracht groep 5",
                "D.vanderBerg@Regenboog.nl",
                "06-12345678",
                datetime.date(1984, 5, 2),
                "Rekenen",
            ],
            [
                "Hek, Fleur van 't",
                "F.M.",
                "Intern begeleider",
                "fleur.vanthek@regenboog.nl",
                "0612345678",
                datetime.date(1979, 11, 30),
                "lezen",
            ],
            [
                "Şahin, Elif",
                "E.",
                "Leerkracht groep 1/2",
                "elif.sahin@regenboog.nl",
                612345678,
                datetime.datetime(1991, 2, 14),
                None,
            ],
            [
                "Jong, IJsbrand de",
                "IJ.",
                "Vakleerkracht gym",
                "ijsbrand.dejong@regenboog.nl",
                None,
                None,
                "C",
            ],
        ]
    )
    book.active.merge_cells("A1:G1")
    staff_import, preview, page = upload(
        client, steering.user, "Medewerkers.xlsx", workbook_bytes(book)
    )
    assert preview.problems == []
    assert [(c.header, c.field) for c in preview.columns] == [
        ("Naam", "full_name"),
        ("Voorletters", ""),
        ("Functie", ""),
        ("E-mailadres", "email"),
        ("Telefoon", ""),
        ("Geboortedatum", ""),
        ("Leerlijn", "line"),
    ]
    assert people(preview) == [
        (5, "new", "Daan", "van der", "Berg", "d.vanderberg@regenboog.nl", "Rekenen", None),
        (6, "new", "Fleur", "van 't", "Hek", "fleur.vanthek@regenboog.nl", "Lezen", None),
        (7, "new", "Elif", "", "Şahin", "elif.sahin@regenboog.nl", None, None),
        (8, "new", "IJsbrand", "de", "Jong", "ijsbrand.dejong@regenboog.nl", "Burgerschap", None),
    ]
    assert "Import 4 changes" in page
    confirm_imports_the_preview(client, school, staff_import, preview)


# --- 2. Magister: CSV from Dutch Excel in Windows-1252, prefix column, FTE as "0,8" -----------


def test_a_magister_csv_in_windows_1252_with_a_prefix_column(client, school, steering, lines):
    content = (
        "Stamnr;Roepnaam;Tussenv.;Achternaam;Voorletters;E-mail;Functie;FTE;Lid stuurgroep\r\n"
        "1043;Zoë;;Ünal;Z.;Zoe.Unal@regenboog.nl;Leerkracht;0,8;ja\r\n"
        "1044;Noël;van 't;Hof;N.;noel.vanthof@regenboog.nl;Leerkracht;1,0;\r\n"
        "1045;Anaïs;;Dupré;A.;anais.dupre@regenboog.nl;Onderwijsassistent;0,6;nee\r\n"
        "1046;Chloé;de;Wit-van Rijn;C.E.;chloe.dewit@regenboog.nl;Directeur;1,0;voorzitter\r\n"
        ";;;;;;;;\r\n"
    ).encode("cp1252")
    staff_import, preview, page = upload(client, steering.user, "export.csv", content)
    assert preview.table.read_as == "CSV with semicolons, Windows-1252"
    assert preview.problems == []
    assert people(preview) == [
        (2, "new", "Zoë", "", "Ünal", "zoe.unal@regenboog.nl", None, True),
        (3, "new", "Noël", "van 't", "Hof", "noel.vanthof@regenboog.nl", None, None),
        (4, "new", "Anaïs", "", "Dupré", "anais.dupre@regenboog.nl", None, False),
        (5, "new", "Chloé", "de", "Wit-van Rijn", "chloe.dewit@regenboog.nl", None, True),
    ]
    assert "Chloé de Wit-van Rijn" in page
    confirm_imports_the_preview(client, school, staff_import, preview)


# --- 3. Somtoday: call name beside initials, a work and a private address -------------------


def test_a_somtoday_export_takes_the_call_name_and_the_work_address(
    client, school, steering, lines
):
    book = one_sheet(
        [
            [
                "Afkorting",
                "Voorletters",
                "Roepnaam",
                "Voorvoegsel",
                "Achternaam",
                "Geboortedatum",
                "E-mailadres werk",
                "E-mailadres privé",
                "Bouw",
            ],
            [
                "VRI",
                "A.M.",
                "Annemiek",
                "de",
                "Vries",
                datetime.date(1980, 1, 5),
                "a.devries@regenboog.nl",
                "annemiek1980@gmail.com",
                "Onderbouw",
            ],
            [
                "BRG",
                "P.",
                "Pieter",
                "van den",
                "Broek",
                datetime.date(1975, 7, 7),
                "p.vandenbroek@regenboog.nl",
                "",
                "Bovenbouw",
            ],
        ]
    )
    staff_import, preview, page = upload(
        client, steering.user, "medewerkers.xlsx", workbook_bytes(book)
    )
    fields = {c.header: c.field for c in preview.columns}
    assert fields["Roepnaam"] == "first_name"
    assert fields["E-mailadres werk"] == "email"
    assert fields["E-mailadres privé"] == ""
    assert people(preview) == [
        (2, "new", "Annemiek", "de", "Vries", "a.devries@regenboog.nl", None, None),
        (3, "new", "Pieter", "van den", "Broek", "p.vandenbroek@regenboog.nl", None, None),
    ]
    assert "A private address: left out, as another column holds the school addresses." in page
    confirm_imports_the_preview(client, school, staff_import, preview)


# --- 4. AFAS: "Medewerker" is the personnel number, "Naam" the name --------------------------


def test_an_afas_export_does_not_take_the_personnel_number_for_the_name(
    client, school, steering, lines
):
    # before, "Medewerker" (a name header) was read as the whole name: "1001" and "000123"
    # became first names, and the real names in "Naam" were left out
    book = one_sheet(
        [
            ["Medewerker", "Naam", "Functie", "E-mail werk", "Mobiel"],
            [1001, "Anouk Bakker", "Leerkracht", "anouk.bakker@regenboog.nl", "0612345678"],
            ["000123", "Berg, Piet van den", "Conciërge", "piet.vandenberg@regenboog.nl", None],
        ]
    )
    staff_import, preview, page = upload(client, steering.user, "AFAS.xlsx", workbook_bytes(book))
    assert preview.problems == []
    assert [(c.header, c.field, c.numbers) for c in preview.columns] == [
        ("Medewerker", "", True),
        ("Naam", "full_name", False),
        ("Functie", "", False),
        ("E-mail werk", "email", False),
        ("Mobiel", "", False),
    ]
    assert people(preview) == [
        (2, "new", "Anouk", "", "Bakker", "anouk.bakker@regenboog.nl", None, None),
        (3, "new", "Piet", "van den", "Berg", "piet.vandenberg@regenboog.nl", None, None),
    ]
    assert "Only numbers in this column (a personnel number?), so it is left out." in page
    confirm_imports_the_preview(client, school, staff_import, preview)


def test_a_column_of_numbers_can_still_be_chosen_by_hand(client, school, steering):
    book = one_sheet([["Medewerker", "Naam", "E-mail"], [1001, "Anouk Bakker", "a@regenboog.nl"]])
    staff_import, preview, _page = upload(client, steering.user, "AFAS.xlsx", workbook_bytes(book))
    url = f"{URL}{staff_import.pk}/"
    response = client.post(url, {"column_0": "full_name", "column_1": "", "column_2": "email"})
    assert response["Location"] == url
    preview = client.get(url).context["preview"]
    assert [(c.header, c.field, c.chosen) for c in preview.columns] == [
        ("Medewerker", "full_name", True),
        ("Naam", "", True),
        ("E-mail", "email", False),
    ]
    assert [r.first_name for r in preview.rows] == ["1001"]


# --- 5. Google Sheets: English headers in another order, formulas, tick boxes ----------------


def test_a_google_sheet_with_formulas_and_tick_boxes(client, school, steering, lines):
    book = one_sheet(
        [
            [
                "Email address",
                "Last name",
                "First name",
                "Learning line",
                "Steering group",
                "Notes",
            ],
            ['=LOWER(C2)&".smit@regenboog.nl"', "Smit", "Jan", "Reading", True, "chair"],
            ['=LOWER(C3)&".bakker@regenboog.nl"', "Bakker", "Eva", "Rekenen", False, ""],
        ],
        title="Sheet1",
    )
    content = with_results(
        workbook_bytes(book), {"A2": "jan.smit@regenboog.nl", "A3": "eva.bakker@regenboog.nl"}
    )
    staff_import, preview, _page = upload(client, steering.user, "Team (1).xlsx", content)
    assert [r.notes for r in preview.rows if r.is_error] == [
        [
            "Unknown learning line “Reading”. The lines of 2026-2027 are: “Rekenen”, “Lezen”, "
            "“Burgerschap”, “Wereldoriëntatie”."
        ]
    ]
    confirm_saves_nothing(client, school, staff_import, preview)

    book.active["D2"] = "Lezen  "
    content = with_results(
        workbook_bytes(book), {"A2": "jan.smit@regenboog.nl", "A3": "eva.bakker@regenboog.nl"}
    )
    staff_import, preview, _page = upload(client, steering.user, "Team (1).xlsx", content)
    assert preview.problems == []
    assert people(preview) == [
        (2, "new", "Jan", None, "Smit", "jan.smit@regenboog.nl", "Lezen", True),
        (3, "new", "Eva", None, "Bakker", "eva.bakker@regenboog.nl", "Rekenen", False),
    ]
    confirm_imports_the_preview(client, school, staff_import, preview)


# --- 5b. E-mail cells that show a name and link to the address ------------------------------


def test_e_mail_cells_that_link_to_the_address(client, school, steering, lines):
    # before, "Mail Jan" and "Eva Bakker" were read as the addresses: "not a valid e-mail
    # address" on every row of a list made from an address book
    book = one_sheet(
        [
            ["Naam", "E-mail", "Leerlijn"],
            ["Jan Smit", "Mail Jan", "Rekenen"],
            ["Eva Bakker", '=HYPERLINK("mailto:Eva.Bakker@regenboog.nl";"Eva Bakker")', "Lezen"],
            ["Piet de Bos", "piet.debos@regenboog.nl", ""],
            ["Lies Maas", "Lies Maas", ""],
            ["Tim Kok", "kantoor@regenboog.nl", ""],
        ]
    )
    sheet = book.active
    sheet["B2"].hyperlink = "mailto:Jan.Smit@Regenboog.nl?subject=Leerlijnen"
    sheet["B4"].hyperlink = "mailto:piet.debos@regenboog.nl"
    sheet["B5"].hyperlink = "https://www.regenboog.nl/team/lies"
    sheet["B6"].hyperlink = "mailto:tim.kok@regenboog.nl"  # the cell's own address counts
    content = with_results(workbook_bytes(book), {"B3": "Eva Bakker"})
    staff_import, preview, _page = upload(client, steering.user, "adressen.xlsx", content)
    assert [(r.number, r.outcome, r.email, r.notes) for r in preview.rows] == [
        (2, "new", "jan.smit@regenboog.nl", ["in line A. Rekenen from 18 November 2026"]),
        (3, "new", "eva.bakker@regenboog.nl", ["in line B. Lezen from 18 November 2026"]),
        (4, "new", "piet.debos@regenboog.nl", []),
        (5, "error", "lies maas", ["“lies maas” is not a valid e-mail address."]),
        (6, "new", "kantoor@regenboog.nl", []),
    ]
    confirm_saves_nothing(client, school, staff_import, preview)

    sheet.delete_rows(5)
    content = with_results(workbook_bytes(book), {"B3": "Eva Bakker"})
    staff_import, preview, _page = upload(client, steering.user, "adressen.xlsx", content)
    assert people(preview) == [
        (2, "new", "Jan", "", "Smit", "jan.smit@regenboog.nl", "Rekenen", None),
        (3, "new", "Eva", "", "Bakker", "eva.bakker@regenboog.nl", "Lezen", None),
        (4, "new", "Piet", "de", "Bos", "piet.debos@regenboog.nl", None, None),
        (5, "new", "Tim", "", "Kok", "kantoor@regenboog.nl", None, None),
    ]
    confirm_imports_the_preview(client, school, staff_import, preview)


# --- 6. Apple Numbers: a CSV with curly apostrophes and a spaced double name -----------------


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        # Numbers, Pages and Word type a curly apostrophe for '
        ("Fleur van \u2019t Hek", ("Fleur", "van \u2019t", "Hek")),
        ("Hek, Fleur van \u2019t", ("Fleur", "van \u2019t", "Hek")),
        ("Ans in \u2018t Veld", ("Ans", "in \u2018t", "Veld")),
        # a double name with spaces around the hyphen is one last name, as without them
        ("Marieke Jansen - de Vries", ("Marieke", "", "Jansen - de Vries")),
        ("Marieke Jansen \u2013 de Vries", ("Marieke", "", "Jansen \u2013 de Vries")),
        ("Anna Maria Bakker - Smit", ("Anna Maria", "", "Bakker - Smit")),
        ("Jansen - de Vries, Marieke", ("Marieke", "", "Jansen - de Vries")),
        # Word's non-breaking hyphen (Ctrl+Shift+-)
        ("Piet Bakker\u2011de Wit", ("Piet", "", "Bakker\u2011de Wit")),
        # a form of address or a title is no part of the name
        ("Mw. A. de Vries (Anouk)", ("Anouk", "de", "Vries")),
        ("Dhr. drs. J. Smit", ("J.", "", "Smit")),
        ("Vries, mevr. Anouk de", ("Anouk", "de", "Vries")),
        ("Smit, Dhr. J. (Jan)", ("Jan", "", "Smit")),
        ("Mw. Jansen", ("Mw.", "", "Jansen")),
        ("Dr Anouk Smit", ("Dr Anouk", "", "Smit")),
    ],
)
def test_names_as_a_mac_or_word_types_them(text, parts):
    assert split_full_name(text) == parts


def test_a_last_name_with_a_curly_apostrophe_holds_its_prefix():
    assert split_last_name("van \u2019t Hek") == ("van \u2019t", "Hek")
    assert split_last_name("Hek, van \u2019t") == ("van \u2019t", "Hek")


def test_an_apple_numbers_csv(client, school, steering, lines):
    content = (
        "Naam,E-mailadres,Leerlijn,Stuurgroep\n"
        "Fleur van \u2019t Hek,fleur@regenboog.nl,Wereldoriëntatie,\n"
        "Marieke Jansen - de Vries,marieke@regenboog.nl,Burgerschap,✓\n"
        '"Hoek, Ravi van der",ravi@regenboog.nl,B,\n'
    ).encode()
    staff_import, preview, _page = upload(client, steering.user, "Team.csv", content)
    assert preview.table.read_as == "CSV with commas, UTF-8"
    assert people(preview) == [
        (2, "new", "Fleur", "van \u2019t", "Hek", "fleur@regenboog.nl", "Wereldoriëntatie", None),
        (3, "new", "Marieke", "", "Jansen - de Vries", "marieke@regenboog.nl", "Burgerschap", True),
        (4, "new", "Ravi", "van der", "Hoek", "ravi@regenboog.nl", "Lezen", None),
    ]
    confirm_imports_the_preview(client, school, staff_import, preview)


# --- 6b. A call name beside a "Naam" with the whole name, and no last-name column ------------


def test_the_last_name_comes_from_the_whole_name_beside_the_call_name(
    client, school, steering, lines
):
    # before, "Naam" beside "Roepnaam" was left out: everyone was imported without last name
    member_add(school=school, email="b.dejong@regenboog.nl", first_name="Bas", last_name="Jong")
    book = one_sheet(
        [
            ["Naam", "Roepnaam", "E-mailadres", "Functie"],
            ["Vries, A.M. de", "Anouk", "a.devries@regenboog.nl", "Leerkracht"],
            ["Mw. S. van 't Hof (Sanne)", "Sanne", "s.vanthof@regenboog.nl", "IB"],
            ["Jong, B. de", "Bas", "b.dejong@regenboog.nl", "Gym"],
            ["Öztürk", "Emre", "e.ozturk@regenboog.nl", "Leerkracht"],
            ["Kim", "Kim", "kim@regenboog.nl", "Stagiair"],
        ]
    )
    staff_import, preview, page = upload(client, steering.user, "team.xlsx", workbook_bytes(book))
    assert [(c.header, c.field) for c in preview.columns] == [
        ("Naam", "last_name"),
        ("Roepnaam", "first_name"),
        ("E-mailadres", "email"),
        ("Functie", ""),
    ]
    assert people(preview) == [
        (2, "new", "Anouk", "de", "Vries", "a.devries@regenboog.nl", None, None),
        (3, "new", "Sanne", "van 't", "Hof", "s.vanthof@regenboog.nl", None, None),
        (4, "updated", "Bas", "de", "Jong", "b.dejong@regenboog.nl", None, None),
        (5, "new", "Emre", "", "Öztürk", "e.ozturk@regenboog.nl", None, None),
        # a "Naam" that holds the first name only gives no last name
        (6, "new", "Kim", None, None, "kim@regenboog.nl", None, None),
    ]
    assert preview.rows[2].notes == ["name “Bas Jong” becomes “Bas de Jong”"]
    assert "first name Anouk · prefix de · last name Vries" in page
    confirm_imports_the_preview(client, school, staff_import, preview)


# --- 7. Apple Numbers: an .xlsx with its export summary sheet first --------------------------


def test_an_apple_numbers_workbook_with_its_export_summary(client, school, steering, lines):
    book = openpyxl.Workbook()
    summary = book.active
    summary.title = "Export Summary"
    summary.append([])
    summary.append(
        [
            "This document was exported from Numbers. Each table was converted to an Excel "
            "worksheet. All other objects on each Numbers sheet were placed on separate "
            "worksheets. Please be aware that formula calculations may differ in Excel."
        ]
    )
    summary.append(["Numbers Sheet Name", "Numbers Table Name", "Excel Worksheet Name"])
    summary.append(["Blad 1", "Tabel 1", "Blad 1 - Tabel 1"])
    data = book.create_sheet("Blad 1 - Tabel 1")
    data.append(["Tabel 1"])
    data.append(["Voornaam", "Achternaam", "E-mail", "Leerlijn"])
    data.append(["Sophie", "de Graaf", "sophie.degraaf@regenboog.nl", "Rekenen"])
    data.append(["Thijs", "Bos", "thijs.bos@regenboog.nl", ""])
    staff_import, preview, _page = upload(client, steering.user, "Team.xlsx", workbook_bytes(book))
    assert preview.table.read_as == "Excel, sheet “Blad 1 - Tabel 1”"
    assert people(preview) == [
        (3, "new", "Sophie", "de", "Graaf", "sophie.degraaf@regenboog.nl", "Rekenen", None),
        (4, "new", "Thijs", None, "Bos", "thijs.bos@regenboog.nl", None, None),
    ]
    confirm_imports_the_preview(client, school, staff_import, preview)


# --- 8. LibreOffice: quoted cells over lines, trailing empty columns and rows -----------------


def test_a_libreoffice_csv_with_cells_over_lines_and_empty_columns(client, school, steering, lines):
    content = (
        b'"Voornaam","Tussenvoegsel","Achternaam","E-mail","Opmerking",,,\n'
        b'"Lotte","","Visser","lotte.visser@regenboog.nl","werkt ma, di\nen wo",,,\n'
        b'"Bram","van","Dam","bram.vandam@regenboog.nl","",,,\n'
        b",,,,,,,\n,,,,,,,\n"
    )
    staff_import, preview, _page = upload(client, steering.user, "team.csv", content)
    assert preview.table.read_as == "CSV with commas, UTF-8"
    assert [c.header for c in preview.columns] == [
        "Voornaam",
        "Tussenvoegsel",
        "Achternaam",
        "E-mail",
        "Opmerking",
    ]
    assert people(preview) == [
        (2, "new", "Lotte", "", "Visser", "lotte.visser@regenboog.nl", None, None),
        (3, "new", "Bram", "van", "Dam", "bram.vandam@regenboog.nl", None, None),
    ]
    assert [r.notes for r in preview.rows] == [[], []]
    confirm_imports_the_preview(client, school, staff_import, preview)


# --- 9. Excel "sep=;" in Windows-1252 with the same person twice -----------------------------


def test_the_same_person_twice_saves_nothing_until_one_row_goes(client, school, steering, lines):
    rows = [
        "sep=;",
        "Voornaam;Achternaam;E-mailadres;Leerlijn",
        "Inès;Jacobs;ines.jacobs@regenboog.nl;Lezen",
        "Daniël;Kok;daniel.kok@regenboog.nl;Rekenen",
        "Inès;Jacobs;Ines.Jacobs@Regenboog.nl ;Lezen",
    ]
    content = ("\r\n".join(rows) + "\r\n").encode("cp1252")
    staff_import, preview, page = upload(client, steering.user, "team.csv", content)
    assert [(r.number, r.outcome, r.notes) for r in preview.rows] == [
        (2, "error", ["The same e-mail address is also on row 4."]),
        (3, "new", ["in line A. Rekenen from 18 November 2026"]),
        (4, "error", ["The same e-mail address is also on row 2."]),
    ]
    assert "2 rows have an error: nothing is saved" in page
    assert "Row 2 (Inès Jacobs): The same e-mail address is also on row 4." in page
    assert f"{staff_import.pk}/confirm/" not in page
    confirm_saves_nothing(client, school, staff_import, preview)
    assert team(school) == {steering.user.email: ("Anouk", "de", "Vries", True, None)}

    content = ("\r\n".join(rows[:-1]) + "\r\n").encode("cp1252")
    staff_import, preview, page = upload(client, steering.user, "team.csv", content)
    assert people(preview) == [
        (2, "new", "Inès", None, "Jacobs", "ines.jacobs@regenboog.nl", "Lezen", None),
        (3, "new", "Daniël", None, "Kok", "daniel.kok@regenboog.nl", "Rekenen", None),
    ]
    confirm_imports_the_preview(client, school, staff_import, preview)


# --- 10. Addresses as an address book copies them, in a tab-separated text file --------------


def test_addresses_copied_from_an_address_book(client, school, steering, lines):
    content = (
        "Naam\tE-mail\tGroep\t\t\r\n"
        "Anouk Bakker\tAnouk Bakker <Anouk.Bakker@Regenboog.nl>\t3\t\t\r\n"
        "Kees de Boer\tmailto:KEES.DEBOER@REGENBOOG.NL\t4\t\t\r\n"
        'Sara el Amrani\t"Amrani, Sara el" <sara.elamrani@regenboog.nl>;\t5\t\t\r\n'
        "Tom Peters\t  tom.peters@regenboog.nl\u00a0\t6/7\t\t\r\n"
        "\t\t\t\t\r\n"
    ).encode()
    staff_import, preview, _page = upload(client, steering.user, "adressen.txt", content)
    assert preview.table.read_as == "CSV with tabs, UTF-8"
    assert people(preview) == [
        (2, "new", "Anouk", "", "Bakker", "anouk.bakker@regenboog.nl", None, None),
        (3, "new", "Kees", "de", "Boer", "kees.deboer@regenboog.nl", None, None),
        (4, "new", "Sara", "el", "Amrani", "sara.elamrani@regenboog.nl", None, None),
        (5, "new", "Tom", "", "Peters", "tom.peters@regenboog.nl", None, None),
    ]
    confirm_imports_the_preview(client, school, staff_import, preview)


# --- 11. Two addresses in one cell, and an address with a note -------------------------------


def test_two_addresses_in_one_cell_save_nothing(client, school, steering, lines):
    book = one_sheet(
        [
            ["Voornaam", "Achternaam", "E-mail"],
            ["Jan", "Smit", "jan.smit@regenboog.nl; jansmit@hotmail.com"],
            ["Eva", "Bakker", "eva.bakker@regenboog.nl (werk)"],
            ["Piet", "Bos", "piet.bos@regenboog.nl"],
        ]
    )
    staff_import, preview, _page = upload(client, steering.user, "team.xlsx", workbook_bytes(book))
    assert [(r.number, r.outcome, r.email, r.notes) for r in preview.rows] == [
        (
            2,
            "error",
            "jan.smit@regenboog.nl; jansmit@hotmail.com",
            [
                "“jan.smit@regenboog.nl; jansmit@hotmail.com” holds more than one e-mail "
                "address. Keep one address per row: the one of the school."
            ],
        ),
        # what an address adds in brackets is no part of it
        (3, "new", "eva.bakker@regenboog.nl", []),
        (4, "new", "piet.bos@regenboog.nl", []),
    ]
    confirm_saves_nothing(client, school, staff_import, preview)


# --- 12. Initials with the call name in brackets ---------------------------------------------


def test_initials_with_the_call_name_in_brackets(client, school, steering, lines):
    content = (
        "Medewerker;Mailadres;Lijn\r\n"
        "A.M. de Wit (Anne);a.dewit@regenboog.nl;Lijn A\r\n"
        "Smit-Bakker, M. (Marieke);m.smit@regenboog.nl;Rekenen (A)\r\n"
        "J.P. van 't Riet (Hans);j.vantriet@regenboog.nl;B. Lezen\r\n"
    ).encode("utf-8-sig")
    staff_import, preview, page = upload(client, steering.user, "team.csv", content)
    assert preview.table.read_as == "CSV with semicolons, UTF-8"
    assert people(preview) == [
        (2, "new", "Anne", "de", "Wit", "a.dewit@regenboog.nl", "Rekenen", None),
        (3, "new", "Marieke", "", "Smit-Bakker", "m.smit@regenboog.nl", "Rekenen", None),
        (4, "new", "Hans", "van 't", "Riet", "j.vantriet@regenboog.nl", "Lezen", None),
    ]
    assert "first name Anne · prefix de · last name Wit" in page
    confirm_imports_the_preview(client, school, staff_import, preview)


# --- 13. A cover page with a contact person before the team ----------------------------------


def test_a_cover_page_with_a_contact_person_is_not_the_team(client, school, steering, lines):
    # the cover page names an e-mail column too (of the contact person): before, it was read
    # as the staff list, and the team on the next sheet was not
    book = openpyxl.Workbook()
    cover = book.active
    cover.title = "Voorblad"
    cover.append(["Personeelslijst OBS De Regenboog 2026-2027"])
    cover.append([])
    cover.append(["Contactpersoon", "E-mail", "Telefoon"])
    cover.append(["Directie", "directie@regenboog.nl", "010-1234567"])
    old = book.create_sheet("Oud")
    old.append(["Voornaam", "Achternaam", "E-mail"])
    old.append(["Vertrokken", "Collega", "weg@regenboog.nl"])
    old.sheet_state = "hidden"
    staff = book.create_sheet("Personeel")
    staff.append(["Roepnaam", "Tussenvoegsel", "Achternaam", "E-mailadres", "Functie"])
    staff.append(["Lisa", "", "Mulder", "lisa.mulder@regenboog.nl", "Leerkracht"])
    staff.append(["Ahmed", "", "Benali", "ahmed.benali@regenboog.nl", "Leerkracht"])
    staff_import, preview, page = upload(
        client, steering.user, "Personeelslijst.xlsx", workbook_bytes(book)
    )
    assert preview.table.read_as == "Excel, sheet “Personeel”"
    assert preview.problems == []
    assert people(preview) == [
        (2, "new", "Lisa", "", "Mulder", "lisa.mulder@regenboog.nl", None, None),
        (3, "new", "Ahmed", "", "Benali", "ahmed.benali@regenboog.nl", None, None),
    ]
    assert "read as Excel, sheet “Personeel”" in page
    confirm_imports_the_preview(client, school, staff_import, preview)


def test_a_hidden_old_list_is_not_read_before_the_visible_one(school):
    # the visible list's name column has a header we do not know ("Collega"): the hidden old
    # list, with a name header, is still not the list
    book = openpyxl.Workbook()
    team = book.active
    team.title = "Team"
    team.append(["Collega", "E-mail"])
    team.append(["Lisa Mulder", "lisa.mulder@regenboog.nl"])
    old = book.create_sheet("Oud")
    old.append(["Voornaam", "E-mail"])
    old.append(["Vertrokken", "weg@regenboog.nl"])
    old.sheet_state = "hidden"
    table = read_staff_list(workbook_bytes(book))
    assert (table.read_as, table.rows) == (
        "Excel, sheet “Team”",
        [(2, ["Lisa Mulder", "lisa.mulder@regenboog.nl"])],
    )


# --- 14. A filter, numbers stored as text, extra columns, an existing colleague ---------------


def test_a_filtered_list_with_numbers_as_text(client, school, steering, lines):
    member_add(
        school=school, email="sanne.jansen@regenboog.nl", first_name="Sanne", last_name="Jansen"
    )
    book = one_sheet(
        [
            ["Groep", "Voornaam", "Achternaam", "FTE", "E-mail", "Stuurgroep", "Leerlijn"],
            ["1/2", "Sanne", "Jansen", "0,6", "sanne.jansen@regenboog.nl", "1", "D"],
            ["3", "Mila", "de Haan", 1, "mila.dehaan@regenboog.nl", "0", "A"],
            ["4", "Vera", "Smits", "0.8", "vera.smits@regenboog.nl", "", "2"],
        ]
    )
    sheet = book.active
    sheet.auto_filter.ref = "A1:G4"
    sheet.row_dimensions[4].hidden = True
    staff_import, preview, _page = upload(client, steering.user, "team.xlsx", workbook_bytes(book))
    hidden = "Hidden in your file (by hand or by a filter), but read like the other rows."
    assert [(r.number, r.outcome, r.name, r.notes) for r in preview.rows] == [
        (
            2,
            "updated",
            "Sanne Jansen",
            ["joins the steering group", "into line D. Wereldoriëntatie from 18 November 2026"],
        ),
        (3, "new", "Mila de Haan", ["in line A. Rekenen from 18 November 2026"]),
        (
            4,
            "error",
            "Vera Smits",
            [
                "Unknown learning line “2”. The lines of 2026-2027 are: “Rekenen”, “Lezen”, "
                "“Burgerschap”, “Wereldoriëntatie”.",
                hidden,
            ],
        ),
    ]
    confirm_saves_nothing(client, school, staff_import, preview)

    sheet["G4"] = "B"
    staff_import, preview, _page = upload(client, steering.user, "team.xlsx", workbook_bytes(book))
    assert people(preview) == [
        (
            2,
            "updated",
            "Sanne",
            "",
            "Jansen",
            "sanne.jansen@regenboog.nl",
            "Wereldoriëntatie",
            True,
        ),
        (3, "new", "Mila", "de", "Haan", "mila.dehaan@regenboog.nl", "Rekenen", False),
        (4, "new", "Vera", None, "Smits", "vera.smits@regenboog.nl", "Lezen", None),
    ]
    confirm_imports_the_preview(client, school, staff_import, preview)


# --- 15. Microsoft 365 and Google Workspace user exports -------------------------------------


def test_a_microsoft_365_user_export(client, school, steering, lines):
    content = codecs.BOM_UTF8 + (
        b"User principal name,Display name,First name,Last name,Job title,Department,"
        b"Usage location,Licenses\r\n"
        b"Noor.Hendriks@regenboog.nl,Noor Hendriks,Noor,Hendriks,Leerkracht,Groep 6,NL,"
        b'"Office 365 A1 voor docenten+Microsoft Teams"\r\n'
        b"Ruben.vanderLinden@regenboog.nl,Ruben van der Linden,Ruben,van der Linden,IB,,NL,\r\n"
    )
    staff_import, preview, _page = upload(client, steering.user, "users.csv", content)
    assert [(c.header, c.field) for c in preview.columns][:4] == [
        ("User principal name", "email"),
        ("Display name", ""),
        ("First name", "first_name"),
        ("Last name", "last_name"),
    ]
    assert people(preview) == [
        (2, "new", "Noor", None, "Hendriks", "noor.hendriks@regenboog.nl", None, None),
        (3, "new", "Ruben", "van der", "Linden", "ruben.vanderlinden@regenboog.nl", None, None),
    ]
    confirm_imports_the_preview(client, school, staff_import, preview)


def test_a_google_workspace_user_export(client, school, steering, lines):
    content = (
        b"First Name [Required],Last Name [Required],Email Address [Required],"
        b"Password [Required],Org Unit Path [Required],New Primary Email [UPLOAD ONLY]\r\n"
        b"Femke,van Dijk,femke.vandijk@regenboog.nl,****,/Personeel,\r\n"
        b"Youssef,El Idrissi,youssef.elidrissi@regenboog.nl,****,/Personeel,\r\n"
    )
    staff_import, preview, _page = upload(client, steering.user, "User_Download.csv", content)
    assert [(c.header, c.field) for c in preview.columns][:3] == [
        ("First Name [Required]", "first_name"),
        ("Last Name [Required]", "last_name"),
        ("Email Address [Required]", "email"),
    ]
    assert people(preview) == [
        (2, "new", "Femke", "van", "Dijk", "femke.vandijk@regenboog.nl", None, None),
        (3, "new", "Youssef", "El", "Idrissi", "youssef.elidrissi@regenboog.nl", None, None),
    ]
    confirm_imports_the_preview(client, school, staff_import, preview)


# --- 15b. Outlook's contacts: the prefix in the middle name -----------------------------------


def test_an_outlook_contacts_export_with_the_prefix_as_middle_name(client, school, steering, lines):
    # Outlook splits "Anouk de Vries" into Anouk, de, Vries: before, "de" was lost
    content = (
        b'"First Name","Middle Name","Last Name","Title","E-mail Address","E-mail 2 Address",'
        b'"E-mail Display Name","Company","Job Title"\r\n'
        b'"Anouk","de","Vries","","anouk.devries@regenboog.nl","anouk1985@gmail.com",'
        b'"Anouk de Vries (anouk.devries@regenboog.nl)","OBS De Regenboog","Leerkracht"\r\n'
        b'"Bram","van der","Veen","","bram.vanderveen@regenboog.nl","","","",""\r\n'
        b'"Lieke","","Mol","","lieke.mol@regenboog.nl","","","",""\r\n'
    )
    staff_import, preview, _page = upload(client, steering.user, "contacts.csv", content)
    assert [(c.header, c.field) for c in preview.columns][:7] == [
        ("First Name", "first_name"),
        ("Middle Name", "name_prefix"),
        ("Last Name", "last_name"),
        ("Title", ""),
        ("E-mail Address", "email"),
        ("E-mail 2 Address", ""),
        ("E-mail Display Name", ""),
    ]
    assert people(preview) == [
        (2, "new", "Anouk", "de", "Vries", "anouk.devries@regenboog.nl", None, None),
        (3, "new", "Bram", "van der", "Veen", "bram.vanderveen@regenboog.nl", None, None),
        (4, "new", "Lieke", "", "Mol", "lieke.mol@regenboog.nl", None, None),
    ]
    confirm_imports_the_preview(client, school, staff_import, preview)

    # a middle name that is a name is no prefix: the column is left out, as before
    content = content.replace(b'"Lieke",""', b'"Lieke","Marie"')
    _staff_import, preview, _page = upload(client, steering.user, "contacts.csv", content)
    assert [(c.header, c.field) for c in preview.columns][1] == ("Middle Name", "")


# --- 16. Header spellings people type -------------------------------------------------------


def test_a_list_typed_by_hand_with_a_first_name_or_call_name_header(client, school, steering):
    content = (
        b"Voornaam/roepnaam;Achternaam (incl. tussenvoegsel);E-mail adres;Stuurgroep? (x)\r\n"
        b"Iris;van Leeuwen;iris@regenboog.nl;x\r\n"
    )
    staff_import, preview, _page = upload(client, steering.user, "lijst.csv", content)
    assert [(c.header, c.field) for c in preview.columns] == [
        ("Voornaam/roepnaam", "first_name"),
        ("Achternaam (incl. tussenvoegsel)", "last_name"),
        ("E-mail adres", "email"),
        ("Stuurgroep? (x)", "steering"),
    ]
    assert people(preview) == [
        (2, "new", "Iris", "van", "Leeuwen", "iris@regenboog.nl", None, True),
    ]
    confirm_imports_the_preview(client, school, staff_import, preview)


# --- 17. Files that are no .xlsx or CSV, whatever their name says ----------------------------

OPEN_AND_SAVE = (
    "Open it in Excel, choose Save as and pick Excel workbook (.xlsx) or CSV, then upload that "
    "file."
)


def test_an_html_table_saved_as_xls_is_refused_with_what_to_do(client, steering):
    # "Exporteer naar Excel" in many school systems writes a web page with an .xls name
    content = (
        b'<html xmlns:o="urn:schemas-microsoft-com:office:office" '
        b'xmlns:x="urn:schemas-microsoft-com:office:excel">\r\n<head><meta charset="utf-8">'
        b"</head><body><table>\r\n<tr><td>Voornaam</td><td>Achternaam</td><td>E-mail</td></tr>"
        b"\r\n<tr><td>Jan</td><td>Smit</td><td>jan@regenboog.nl</td></tr>\r\n</table></body>"
        b"</html>\r\n"
    )
    message = refused(client, steering.user, "Medewerkers.xls", content)
    assert message == (
        "This file is a web page (HTML) with a table, not a spreadsheet, although some systems "
        f"give it an Excel name (.xls). {OPEN_AND_SAVE}"
    )
    # without the html element, and after a byte order mark
    content = codecs.BOM_UTF8 + b"\r\n<TABLE border=1><TR><TH>Naam</TH><TH>E-mail</TH></TR></TABLE>"
    assert refused(client, steering.user, "export.xls", content) == message


def test_an_excel_2003_xml_spreadsheet_is_refused_with_what_to_do(client, steering):
    content = (
        b'<?xml version="1.0" encoding="UTF-8"?>\r\n<?mso-application progid="Excel.Sheet"?>'
        b'\r\n<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
        b'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="Team">'
        b'<Table><Row><Cell><Data ss:Type="String">Voornaam</Data></Cell><Cell>'
        b'<Data ss:Type="String">E-mail</Data></Cell></Row></Table></Worksheet></Workbook>'
    )
    assert refused(client, steering.user, "team.xls", content) == (
        f"This is an Excel 2003 XML spreadsheet, an old kind of Excel file. {OPEN_AND_SAVE}"
    )


def test_an_old_numbers_file_is_called_a_numbers_file(client, steering):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("index.xml.gz", b"\x1f\x8b\x08\x00")
        archive.writestr("QuickLook/Thumbnail.jpg", b"\xff\xd8\xff")
    assert refused(client, steering.user, "Team.numbers", out.getvalue()) == (
        "This is a Numbers file. Open it in Numbers, choose File, Export To, Excel (or CSV), "
        "then upload that file."
    )


def test_a_strict_open_xml_workbook_is_refused_with_what_to_do(client, steering):
    # Excel's Save as "Strict Open XML Spreadsheet (*.xlsx)": other names for the same parts,
    # which openpyxl reads as sheets without values ("no header row" was the message)
    source = zipfile.ZipFile(io.BytesIO(workbook_bytes(one_sheet([["Voornaam", "E-mail"]]))))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for item in source.infolist():
            archive.writestr(
                item,
                source.read(item)
                .replace(
                    b"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
                    b"http://purl.oclc.org/ooxml/spreadsheetml/main",
                )
                .replace(
                    b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
                    b"http://purl.oclc.org/ooxml/officeDocument/relationships",
                ),
            )
    assert refused(client, steering.user, "team.xlsx", out.getvalue()) == (
        "This Excel file is saved as a Strict Open XML spreadsheet, which we cannot read. "
        f"{OPEN_AND_SAVE}"
    )


def test_an_old_binary_xls_is_refused_with_what_to_do(client, steering):
    content = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4000)
    assert refused(client, steering.user, "Personeel.xls", content) == (
        f"This is an old Excel file (.xls). {OPEN_AND_SAVE}"
    )
