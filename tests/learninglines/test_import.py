"""Staff import: every row's outcome in words, all-or-nothing, idempotent, column choices."""

from collections import Counter
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import formats, timezone, translation

from learninglines.models import LearningLine, LineMembership, Member, StaffImport
from learninglines.services.imports import (
    ImportChanged,
    ImportNotReady,
    split_full_name,
    split_last_name,
    staff_import_apply,
    staff_import_create,
    staff_import_preview,
    staff_import_prune,
    staff_import_set_mapping,
)
from learninglines.services.lines import line_create, membership_move
from learninglines.services.people import member_add, member_set_active
from tests.learninglines.test_import_files import DUTCH_HEADERS, csv_file, make_lines, xlsx_file

pytestmark = pytest.mark.django_db

URL = "/s/de-regenboog/team/import/"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def lines(school):
    return make_lines(school)


@pytest.fixture
def piet(school, lines):
    """Piet Bakker, in line A (Rekenen) since the start of the year, not in the steering group."""
    member, _ = member_add(
        school=school, email="piet@school.example", first_name="Piet", last_name="Bakker"
    )
    membership_move(member=member, line=lines[0], start=lines[0].year.start)
    return member


def today() -> str:
    """Today as the preview writes it: in words, as every Dutch page writes a date."""
    return formats.date_format(timezone.localdate(), "j F Y")


def preview_of(school, rows, by=None, headers=DUTCH_HEADERS, mapping=None):
    return staff_import_preview(
        school=school, content=csv_file([headers, *rows]), mapping=mapping, by=by
    )


def team(school):
    """Everything an import may change, to compare before and after."""
    return (
        sorted(
            Member.objects.filter(school=school).values_list(
                "user__email", "first_name", "name_prefix", "last_name", "is_steering", "is_active"
            )
        ),
        sorted(
            LineMembership.objects.filter(member__school=school).values_list(
                "member__user__email", "line__name", "start", "end"
            )
        ),
    )


OUTCOMES = [
    # (row: Voornaam, Tussenvoegsel, Achternaam, E-mailadres, Leerlijn, Stuurgroep), outcome, notes
    (
        ["Daan", "van der", "Berg", "daan@school.example", "Lezen", "ja"],
        "new",
        ["in line B. Lezen from {today}", "in the steering group"],
    ),
    (["Daan", "", "Berg", "daan@school.example", "", ""], "new", []),
    (["Daan", "", "Berg", "daan@school.example", "", "nee"], "new", []),
    (
        ["Daan", "", "Berg", "daan@school.example", "b", ""],
        "new",
        ["in line B. Lezen from {today}"],
    ),
    (
        ["Daan", "", "Berg", "daan@school.example", "  WERELDORIENTATIE ", ""],
        "new",
        ["in line D. Wereldoriëntatie from {today}"],
    ),
    (["Piet", "", "Bakker", "piet@school.example", "Rekenen", "nee"], "unchanged", []),
    (["Piet", "", "Bakker", "PIET@School.Example ", "", ""], "unchanged", []),
    (["Piet", "", "Bakker", "Piet Bakker <piet@school.example>", "", ""], "unchanged", []),
    (["Piet", "", "Bakker", "mailto:piet@school.example", "", ""], "unchanged", []),
    (["Piet", "", "Bakker", '"piet@school.example";', "", ""], "unchanged", []),
    (["Piet", "", "Bakker", "\u200bpiet@school.example\u200e", "", ""], "unchanged", []),
    (["  Piet ", "", "Bakker", "piet@school.example", "", "0"], "unchanged", []),
    (
        ["Piet", "", "Bakker-de Wit", "piet@school.example", "", ""],
        "updated",
        ["name “Piet Bakker” becomes “Piet Bakker-de Wit”"],
    ),
    (
        ["Piet", "de", "Bakker", "piet@school.example", "Lezen", "x"],
        "updated",
        [
            "name “Piet Bakker” becomes “Piet de Bakker”",
            "joins the steering group",
            "moves from line A. Rekenen to B. Lezen from {today}",
        ],
    ),
    (["Daan", "", "Berg", "", "Lezen", ""], "error", ["The e-mail address is missing."]),
    (
        ["Piet", "", "Bakker", "piet@school.example", "Leerlijn: Lezen", ""],
        "updated",
        ["moves from line A. Rekenen to B. Lezen from {today}"],
    ),
    (["Piet", "", "Bakker", "piet@school.example", "Lijn A", ""], "unchanged", []),
    (["Piet", "", "Bakker", "piet@school.example", "Rekenen (A)", ""], "unchanged", []),
    (
        ["Piet", "", "Bakker", "piet@school.example", "Rekenen (B)", ""],
        "error",
        ["Unknown learning line “Rekenen (B)”. Did you mean “Rekenen”?"],
    ),
    (
        ["Daan", "", "Berg", "daan@", "", ""],
        "error",
        ["“daan@” is not a valid e-mail address."],
    ),
    (["", "van", "Berg", "daan@school.example", "", ""], "error", ["The first name is missing."]),
    (
        ["Daan", "", "Berg", "daan@school.example", "Rekenenn", ""],
        "error",
        ["Unknown learning line “Rekenenn”. Did you mean “Rekenen”?"],
    ),
    (
        ["Daan", "", "Berg", "daan@school.example", "Gym", ""],
        "error",
        [
            "Unknown learning line “Gym”. The lines of {year} are: “Rekenen”, “Lezen”, "
            "“Burgerschap”, “Wereldoriëntatie”."
        ],
    ),
    (
        ["Daan", "", "Berg", "daan@school.example", "", "misschien"],
        "error",
        ["“misschien” is not a steering-group value: write yes or no, or leave it empty."],
    ),
    (
        ["Daan", "van der", "Berg", "daan.vanderberg@example.org", "Rekenen", "nee"],
        "error",
        ["This is the template's example row: remove it."],
    ),
    (
        ["D" * 81, "", "Berg", "daan@school.example", "", ""],
        "error",
        ["First name is longer than 80 characters."],
    ),
    (
        ["", "", "", "geen-adres", "Gym", "?"],
        "error",
        [
            "“geen-adres” is not a valid e-mail address.",
            "The first name is missing.",
            "“?” is not a steering-group value: write yes or no, or leave it empty.",
            "Unknown learning line “Gym”. The lines of {year} are: “Rekenen”, “Lezen”, "
            "“Burgerschap”, “Wereldoriëntatie”.",
        ],
    ),
]


@pytest.mark.parametrize(("row", "outcome", "notes"), OUTCOMES)
def test_row_outcomes(school, lines, piet, row, outcome, notes):
    preview = preview_of(school, [row])
    [result] = preview.rows
    year = lines[0].year.name
    assert (result.number, result.outcome) == (2, outcome)
    assert result.notes == [note.format(today=today(), year=year) for note in notes]
    assert preview.problems == []
    assert preview.can_confirm == (outcome != "error")


def test_the_same_address_twice_is_an_error_on_every_row_that_has_it(school, lines):
    preview = preview_of(
        school,
        [
            ["Daan", "", "Berg", "daan@school.example", "", ""],
            ["Zoë", "", "Ündè", "zoe@school.example", "", ""],
            ["Daan", "", "van den Berg", "Daan@School.example", "", ""],
            ["Daan", "", "Berg", "daan@school.example", "Lezn", ""],
        ],
    )
    assert [(r.number, r.outcome, r.notes) for r in preview.rows] == [
        (2, "error", ["The same e-mail address is also on row 4, 5."]),
        (3, "new", []),
        (4, "error", ["The same e-mail address is also on row 2, 5."]),
        (
            5,
            "error",
            [
                "Unknown learning line “Lezn”. Did you mean “Lezen”?",
                "The same e-mail address is also on row 2, 4.",
            ],
        ),
    ]
    assert preview.counts == {"new": 1, "updated": 0, "unchanged": 0, "skipped": 0, "error": 3}
    assert preview.can_confirm is False


def test_a_deactivated_member_is_skipped_not_brought_back(school, lines, piet):
    member_set_active(member=piet, active=False)
    preview = preview_of(school, [["Piet", "", "Bakker", "piet@school.example", "Lezen", ""]])
    [row] = preview.rows
    assert (row.outcome, row.notes) == (
        "skipped",
        [
            "Deactivated in this school, so not changed. To bring them back, reactivate them on "
            "the team page first."
        ],
    )
    assert preview.can_confirm is True


def test_nobody_takes_themselves_out_of_the_steering_group(school, lines, steering):
    row = ["Anouk", "de", "Vries", steering.user.email, "", "nee"]
    [result] = preview_of(school, [row], by=steering.user).rows
    assert (result.outcome, result.notes) == (
        "error",
        [
            "You cannot take yourself out of the steering group with an import: ask another "
            "member of the steering group."
        ],
    )
    # Someone else (the coach) may.
    [result] = preview_of(school, [row]).rows
    assert (result.outcome, result.notes) == ("updated", ["leaves the steering group"])


def test_lines_without_a_school_year_say_so(school):
    preview = preview_of(school, [["Daan", "", "Berg", "daan@school.example", "Lezen", ""]])
    assert preview.rows[0].notes == [
        "Unknown learning line “Lezen”: there is no current school year yet. Leave the line "
        "empty, or open the school year and make the lines first."
    ]


def test_a_year_without_lines_says_to_make_them(school):
    make_lines(school, names=())
    preview = preview_of(school, [["Daan", "", "Berg", "daan@school.example", "Lezen", ""]])
    year = preview.year.name
    assert preview.rows[0].notes == [
        f"Unknown learning line “Lezen”: school year {year} has no learning lines yet. Make them "
        "first, or leave the line empty."
    ]


def test_header_without_rows_is_a_problem(school, lines):
    preview = preview_of(school, [])
    assert preview.problems == [
        "The file has a header row but no people under it. Add one row per team member."
    ]
    assert preview.can_confirm is False


def upload(school, by, rows, headers=DUTCH_HEADERS, **kwargs):
    return staff_import_create(
        school=school,
        by=by,
        file_name="team.csv",
        content=csv_file([headers, *rows], **kwargs),
    )


def apply(staff_import, by):
    preview = staff_import_preview(
        school=staff_import.school,
        content=bytes(staff_import.content),
        mapping=staff_import.mapping,
        by=by,
    )
    return staff_import_apply(staff_import=staff_import, by=by, fingerprint=preview.fingerprint)


GOOD = [
    ["Daan", "van der", "Berg", "daan@school.example", "Lezen", "ja"],
    ["Zoë", "", "Ündè", "zoe@school.example", "Rekenen", ""],
    ["Piet", "", "Bakker", "piet@school.example", "Burgerschap", ""],
    ["Fatima", "el", "Amrani", "fatima@school.example", "", ""],
]


def test_any_error_saves_nothing(school, lines, piet, steering, mailoutbox):
    before = team(school)
    staff_import = upload(
        school, steering.user, [*GOOD, ["Bram", "", "Visser", "bram@school", "Lezen", ""]]
    )
    with pytest.raises(ImportNotReady):
        apply(staff_import, steering.user)
    assert team(school) == before
    assert StaffImport.objects.count() == 1
    assert mailoutbox == []


def test_import_applies_every_row_then_forgets_the_file(school, lines, piet, steering, mailoutbox):
    staff_import = upload(school, steering.user, GOOD)
    result = apply(staff_import, steering.user)
    assert (result.new, result.updated, result.unchanged, result.skipped) == (3, 1, 0, 0)
    start = timezone.localdate()
    year_start = lines[0].year.start
    assert team(school) == (
        sorted(
            [
                ("daan@school.example", "Daan", "van der", "Berg", True, True),
                ("fatima@school.example", "Fatima", "el", "Amrani", False, True),
                ("piet@school.example", "Piet", "", "Bakker", False, True),
                (steering.user.email, "Anouk", "de", "Vries", True, True),
                ("zoe@school.example", "Zoë", "", "Ündè", False, True),
            ]
        ),
        sorted(
            [
                ("daan@school.example", "Lezen", start, None),
                ("zoe@school.example", "Rekenen", start, None),
                *(
                    [("piet@school.example", "Burgerschap", start, None)]
                    if start == year_start
                    else [
                        ("piet@school.example", "Rekenen", year_start, start - timedelta(days=1)),
                        ("piet@school.example", "Burgerschap", start, None),
                    ]
                ),
            ]
        ),
    )
    assert StaffImport.objects.count() == 0
    assert mailoutbox == []


def test_importing_the_same_file_again_changes_nothing(school, lines, piet, steering):
    apply(upload(school, steering.user, GOOD), steering.user)
    after_first = team(school)

    again = upload(school, steering.user, GOOD, delimiter=",", encoding="cp1252")
    preview = staff_import_preview(school=school, content=bytes(again.content), by=steering.user)
    assert [r.outcome for r in preview.rows] == ["unchanged"] * 4
    assert preview.changes == 0
    result = apply(again, steering.user)
    assert (result.new, result.updated, result.unchanged) == (0, 0, 4)
    assert team(school) == after_first


def test_an_excel_file_gives_the_same_team_as_its_csv(school, lines, steering):
    apply(
        staff_import_create(
            school=school,
            by=steering.user,
            file_name="team.xlsx",
            content=xlsx_file([DUTCH_HEADERS, *GOOD]),
        ),
        steering.user,
    )
    preview = preview_of(school, GOOD)
    assert [r.outcome for r in preview.rows] == ["unchanged"] * 4


def test_confirming_a_preview_that_no_longer_holds_saves_nothing(school, lines, steering):
    staff_import = upload(school, steering.user, GOOD)
    preview = staff_import_preview(school=school, content=bytes(staff_import.content))
    # Someone adds Daan by hand between the preview and the confirmation.
    member_add(school=school, email="daan@school.example", first_name="Daan", last_name="Berg")
    before = team(school)
    with pytest.raises(ImportChanged):
        staff_import_apply(
            staff_import=staff_import, by=steering.user, fingerprint=preview.fingerprint
        )
    assert team(school) == before


def test_unrecognised_headers_are_mapped_by_hand(school, lines, steering):
    headers = ["Naam", "Achternaam", "Mail leerkracht", "Personeelsnummer", "Voornaam"]
    staff_import = upload(
        school,
        steering.user,
        [["Daan", "Berg", "daan@school.example", "1017", "D."]],
        headers=headers,
    )
    preview = staff_import_preview(school=school, content=bytes(staff_import.content))
    assert [(c.header, c.field, c.recognised) for c in preview.columns] == [
        ("Naam", "", False),
        ("Achternaam", "last_name", True),
        ("Mail leerkracht", "", False),
        ("Personeelsnummer", "", False),
        ("Voornaam", "first_name", True),
    ]
    assert [c.sample for c in preview.columns] == [
        "Daan",
        "Berg",
        "daan@school.example",
        "1017",
        "D.",
    ]
    assert preview.problems == [
        "No column holds the e-mail addresses. Choose it for one of the columns below."
    ]
    assert preview.rows == []

    # The school's "Voornaam" holds initials: take the first name from "Naam" instead.
    staff_import_set_mapping(
        staff_import=staff_import,
        mapping={"0": "first_name", "1": "last_name", "2": "email", "3": "", "4": ""},
    )
    assert staff_import.mapping == {"0": "first_name", "2": "email", "4": ""}
    preview = staff_import_preview(
        school=school, content=bytes(staff_import.content), mapping=staff_import.mapping
    )
    assert preview.problems == []
    assert [(r.outcome, r.name, r.email) for r in preview.rows] == [
        ("new", "Daan Berg", "daan@school.example")
    ]

    # Two columns for one field is a problem until one is left out.
    preview = staff_import_preview(
        school=school, content=bytes(staff_import.content), mapping={"2": "last_name"}
    )
    assert preview.problems == [
        "Several columns are set to “Last name”: “Achternaam”, “Mail leerkracht”. Choose one.",
        "No column holds the e-mail addresses. Choose it for one of the columns below.",
    ]


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("Daan van der Berg", ("Daan", "van der", "Berg")),
        ("  Lars   van Dijk ", ("Lars", "van", "Dijk")),
        ("Ingrid van 't Hof", ("Ingrid", "van 't", "Hof")),
        ("Maria de la Cruz", ("Maria", "de la", "Cruz")),
        ("Sanne Jansen", ("Sanne", "", "Jansen")),
        ("Anne Marie Jansen", ("Anne Marie", "", "Jansen")),
        ("Jan-Willem van Dam", ("Jan-Willem", "van", "Dam")),
        ("Piet Bakker-de Wit", ("Piet", "", "Bakker-de Wit")),
        ("Anna Bakker-van den Berg", ("Anna", "", "Bakker-van den Berg")),
        ("Bart De Wever", ("Bart", "De", "Wever")),
        ("Sanne", ("Sanne", "", "")),
        ("", ("", "", "")),
        ("Berg, Daan van der", ("Daan", "van der", "Berg")),
        ("van der Berg, Daan", ("Daan", "van der", "Berg")),
        ("Vries de, Sanne", ("Sanne", "de", "Vries")),
        ("Jansen, S.", ("S.", "", "Jansen")),
        (", Daan", ("Daan", "", "")),
        ("Berg,", ("Berg", "", "")),
    ],
)
def test_a_full_name_is_split_the_way_dutch_lists_write_it(text, parts):
    assert split_full_name(text) == parts


def test_an_elided_prefix_joins_the_last_name_without_a_space(school, lines, steering):
    rows = [
        ["Jan", "d'", "Hondt", "jan@school.example", "", ""],
        ["Lise", "l\u2019", "Estrange", "lise@school.example", "", ""],
        ["Ingrid", "van 't", "Hof", "ingrid@school.example", "", ""],
    ]
    preview = preview_of(school, rows)
    assert [r.name for r in preview.rows] == [
        "Jan d'Hondt",
        "Lise l\u2019Estrange",
        "Ingrid van 't Hof",
    ]
    apply(upload(school, steering.user, rows), steering.user)
    member = Member.objects.get(user__email="jan@school.example")
    assert (member.name_prefix, member.last_name, member.full_name) == (
        "d'",
        "Hondt",
        "Jan d'Hondt",
    )
    assert member.sort_name == "Hondt, Jan d'"


def test_a_full_name_column_gives_first_name_prefix_and_last_name(school, lines, piet, steering):
    headers = ["Naam", "E-mailadres", "Leerlijn"]
    rows = [
        ["Berg, Daan van der", "daan@school.example", "Lezen"],
        ["Fatima el Amrani", "fatima@school.example", ""],
        ["Bakker, Piet", "piet@school.example", ""],
        ["Piet de Bakker", "PIET@school.example", ""],
        ["", "zoe@school.example", ""],
    ]
    preview = preview_of(school, rows, headers=headers)
    assert [(c.header, c.field, c.recognised) for c in preview.columns] == [
        ("Naam", "full_name", True),
        ("E-mailadres", "email", True),
        ("Leerlijn", "line", True),
    ]
    assert preview.problems == []
    assert [
        (r.outcome, r.first_name, r.name_prefix, r.last_name, r.notes) for r in preview.rows
    ] == [
        ("new", "Daan", "van der", "Berg", [f"in line B. Lezen from {today()}"]),
        ("new", "Fatima", "el", "Amrani", []),
        ("error", "Piet", "", "Bakker", ["The same e-mail address is also on row 5."]),
        ("error", "Piet", "de", "Bakker", ["The same e-mail address is also on row 4."]),
        ("error", "", "", "", ["The first name is missing."]),
    ]

    staff_import = upload(school, steering.user, rows[:3], headers=headers)
    result = apply(staff_import, steering.user)
    assert (result.new, result.updated, result.unchanged) == (2, 0, 1)
    assert sorted(
        Member.objects.filter(
            school=school, user__email__in=["daan@school.example", "fatima@school.example"]
        ).values_list("first_name", "name_prefix", "last_name")
    ) == [("Daan", "van der", "Berg"), ("Fatima", "el", "Amrani")]


def test_the_preview_page_shows_how_a_full_name_was_split(client, school, lines, steering):
    staff_import = upload(
        school,
        steering.user,
        [["Berg, Daan van der", "daan@school.example"], ["Zoë <b>Ündè</b>", "zoe@school.example"]],
        headers=["Naam", "E-mail"],
    )
    client.force_login(steering.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(f"{URL}{staff_import.pk}/").content.decode()
    assert "first name Daan · prefix van der · last name Berg" in page
    assert "first name Zoë · prefix — · last name &lt;b&gt;Ündè&lt;/b&gt;" in page
    assert "<b>Ündè</b>" not in page
    assert "Import 2 changes" in page


def test_a_name_column_beside_the_parts_of_the_name(school, lines):
    # beside a last-name column, "Naam" holds the first names
    preview = preview_of(
        school, [["Daan", "Berg", "daan@school.example"]], headers=["Naam", "Achternaam", "E-mail"]
    )
    assert [(c.header, c.field) for c in preview.columns] == [
        ("Naam", "first_name"),
        ("Achternaam", "last_name"),
        ("E-mail", "email"),
    ]
    assert [(r.outcome, r.name) for r in preview.rows] == [("new", "Daan Berg")]

    # the full name and a part of it, both chosen: the import waits for a choice
    preview = preview_of(
        school,
        [["Daan Berg", "Daan", "daan@school.example"]],
        headers=["Naam", "Voornaam", "E-mail"],
        mapping={"0": "full_name"},
    )
    assert preview.problems == [
        "One column is set to “Full name” and another to a part of the name. Choose the full "
        "name or the parts, not both."
    ]
    assert preview.can_confirm is False


def test_a_private_address_is_used_only_without_the_school_address(school, lines):
    headers = ["Voornaam", "E-mail (privé)", "E-mailadres (werk)"]
    preview = preview_of(
        school, [["Daan", "daan@home.example", "daan@school.example"]], headers=headers
    )
    assert [(c.header, c.field, c.recognised, c.private) for c in preview.columns] == [
        ("Voornaam", "first_name", True, False),
        ("E-mail (privé)", "", False, True),
        ("E-mailadres (werk)", "email", True, False),
    ]
    assert [(r.outcome, r.email) for r in preview.rows] == [("new", "daan@school.example")]

    preview = preview_of(school, [["Daan", "daan@home.example"]], headers=headers[:2])
    assert [(c.header, c.field) for c in preview.columns] == [
        ("Voornaam", "first_name"),
        ("E-mail (privé)", "email"),
    ]
    assert [(r.outcome, r.email) for r in preview.rows] == [("new", "daan@home.example")]

    # The same, with each qualifier written into one word with "mail".
    headers = ["Voornaam", "Privémail", "Werkmail"]
    preview = preview_of(
        school, [["Daan", "daan@home.example", "daan@school.example"]], headers=headers
    )
    assert [(c.header, c.field, c.private) for c in preview.columns] == [
        ("Voornaam", "first_name", False),
        ("Privémail", "", True),
        ("Werkmail", "email", False),
    ]
    assert [(r.outcome, r.email) for r in preview.rows] == [("new", "daan@school.example")]


def test_the_preview_page_says_why_a_private_address_is_left_out(client, school, steering):
    staff_import = upload(
        school,
        steering.user,
        [["Daan", "daan@home.example", "daan@school.example"]],
        headers=["Voornaam", "E-mail (privé)", "E-mailadres (werk)"],
    )
    client.force_login(steering.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(f"{URL}{staff_import.pk}/").content.decode()
    assert page.count("A private address: left out, as another column holds the school") == 1
    assert "Import 1 change" in page


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("van der Berg", ("van der", "Berg")),
        ("Berg, van der", ("van der", "Berg")),
        ("in 't Veld", ("in 't", "Veld")),
        ("Bakker-de Wit", ("", "Bakker-de Wit")),
        ("Berg", ("", "Berg")),
        ("van", ("", "van")),
        ("Berg, Daan", ("", "Berg, Daan")),
    ],
)
def test_a_last_name_may_hold_its_prefix(text, parts):
    assert split_last_name(text) == parts


def test_without_a_prefix_column_the_last_name_holds_the_prefix(school, lines, steering):
    # stored as the school typed them by hand: both must stay as they are
    member_add(school=school, email="bram@school.example", first_name="Bram", last_name="van Dijk")
    member_add(
        school=school,
        email="zoe@school.example",
        first_name="Zoë",
        name_prefix="de",
        last_name="Wit",
    )
    headers = ["Voornaam", "Achternaam + tussenvoegsel", "E-mail"]
    rows = [
        ["Daan", "van der Berg", "daan@school.example"],
        ["Fatima", "Amrani, el", "fatima@school.example"],
        ["Bram", "van Dijk", "bram@school.example"],
        ["Zoë", "de Wit", "zoe@school.example"],
        ["Piet", "Bakker", "piet@school.example"],
    ]
    preview = preview_of(school, rows, headers=headers)
    assert preview.problems == []
    assert [
        (r.outcome, r.first_name, r.name_prefix, r.last_name, r.from_full_name)
        for r in preview.rows
    ] == [
        ("new", "Daan", "van der", "Berg", True),
        ("new", "Fatima", "el", "Amrani", True),
        ("unchanged", "Bram", "", "van Dijk", False),
        ("unchanged", "Zoë", "de", "Wit", False),
        ("new", "Piet", None, "Bakker", False),
    ]

    result = apply(upload(school, steering.user, rows, headers=headers), steering.user)
    assert (result.new, result.updated, result.unchanged) == (3, 0, 2)
    assert sorted(
        Member.objects.filter(school=school).values_list("first_name", "name_prefix", "last_name")
    ) == [
        ("Anouk", "de", "Vries"),
        ("Bram", "", "van Dijk"),
        ("Daan", "van der", "Berg"),
        ("Fatima", "el", "Amrani"),
        ("Piet", "", "Bakker"),
        ("Zoë", "de", "Wit"),
    ]
    # the same file again: nothing changes
    result = apply(upload(school, steering.user, rows, headers=headers), steering.user)
    assert (result.new, result.updated, result.unchanged) == (0, 0, 5)


def test_mapping_through_the_preview_page(client, school, lines, steering):
    staff_import = upload(
        school, steering.user, [["Daan", "daan@school.example"]], headers=["Collega", "E-mail"]
    )
    client.force_login(steering.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = f"{URL}{staff_import.pk}/"
    page = client.get(url).content.decode()
    assert "Not recognised: choose a field, or leave it out." in page
    assert "Import 1 change" not in page

    response = client.post(url, {"column_0": "first_name", "column_1": "email"})
    assert StaffImport.objects.get().mapping == {"0": "first_name"}
    assert response.status_code == 302
    assert response["Location"] == url
    page = client.get(url).content.decode()
    assert "Chosen by you." in page
    assert "Import 1 change" in page


def test_the_whole_journey_through_the_pages(client, school, lines, piet, steering, mailoutbox):
    client.force_login(steering.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    bad = csv_file([DUTCH_HEADERS, *GOOD, ["Bram", "", "Visser", "bram@school", "Lezn", ""]])
    response = client.post(URL, {"file": SimpleUploadedFile("team.csv", bad)})
    staff_import = StaffImport.objects.get()
    assert response["Location"] == f"{URL}{staff_import.pk}/"

    page = client.get(response["Location"]).content.decode()
    assert "1 row has an error: nothing is saved" in page
    assert "Row 6 (Bram Visser): “bram@school” is not a valid e-mail address." in page
    assert "Did you mean “Lezen”?" in page
    assert f"{staff_import.pk}/confirm/" not in page

    # Posting the confirmation anyway saves nothing.
    before = team(school)
    response = client.post(f"{URL}{staff_import.pk}/confirm/", {"fingerprint": "x"})
    assert response["Location"] == f"{URL}{staff_import.pk}/"
    assert team(school) == before

    good = csv_file([DUTCH_HEADERS, *GOOD])
    response = client.post(URL, {"file": SimpleUploadedFile("team.csv", good)})
    fixed = StaffImport.objects.latest("pk")
    page = client.get(response["Location"])
    fingerprint = page.context["preview"].fingerprint
    assert "Import 4 changes" in page.content.decode()
    response = client.post(f"{URL}{fixed.pk}/confirm/", {"fingerprint": fingerprint})
    assert response["Location"] == "/s/de-regenboog/team/"
    assert Member.objects.filter(school=school).count() == 5
    assert StaffImport.objects.filter(pk=fixed.pk).exists() is False
    assert mailoutbox == []
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == [
        "Import done: 3 new, 1 updated, 0 unchanged. New team members get no mail yet: invite "
        "them from this page when you are ready."
    ]

    # A second confirmation of the same upload (back button) explains that it is gone.
    response = client.post(f"{URL}{fixed.pk}/confirm/", {"fingerprint": fingerprint})
    assert response["Location"] == URL


def test_an_upload_is_seen_only_by_who_uploaded_it(client, school, steering, coach):
    staff_import = upload(school, steering.user, GOOD)
    client.force_login(coach)
    assert client.get(f"{URL}{staff_import.pk}/")["Location"] == URL
    response = client.post(f"{URL}{staff_import.pk}/confirm/", {"fingerprint": "x"})
    assert response["Location"] == URL
    assert StaffImport.objects.filter(pk=staff_import.pk).exists()


def test_uploads_older_than_a_day_are_pruned(school, steering):
    old = upload(school, steering.user, GOOD)
    StaffImport.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(days=1, minutes=1)
    )
    recent = upload(school, steering.user, GOOD)
    assert staff_import_prune() == 1
    assert list(StaffImport.objects.values_list("pk", flat=True)) == [recent.pk]


def test_five_hundred_rows_in_one_request(client, school, lines, steering):
    rows = [
        [
            f"Voornaam{n}",
            "",
            f"Achternaam{n}",
            f"leerkracht{n}@school.example",
            lines[n % 4].name,
            "",
        ]
        for n in range(500)
    ]
    client.force_login(steering.user)
    response = client.post(
        URL, {"file": SimpleUploadedFile("team.xlsx", xlsx_file([DUTCH_HEADERS, *rows]))}
    )
    staff_import = StaffImport.objects.get()
    preview = client.get(response["Location"]).context["preview"]
    assert preview.counts["new"] == 500
    response = client.post(f"{URL}{staff_import.pk}/confirm/", {"fingerprint": preview.fingerprint})
    assert response.status_code == 302
    assert Member.objects.filter(school=school).count() == 501
    assert Counter(
        LineMembership.objects.filter(member__school=school).values_list("line__name", flat=True)
    ) == {"Rekenen": 125, "Lezen": 125, "Burgerschap": 125, "Wereldoriëntatie": 125}


def test_a_member_without_a_line_is_placed_and_one_in_a_line_is_moved(
    school, lines, piet, steering
):
    member_add(
        school=school, email="fatima@school.example", first_name="Fatima", last_name="Amrani"
    )
    rows = [
        ["Fatima", "", "Amrani", "fatima@school.example", "Lezen", ""],
        ["Piet", "", "Bakker", "piet@school.example", "Lezen", ""],
    ]
    preview = preview_of(school, rows)
    assert [(r.outcome, r.notes) for r in preview.rows] == [
        ("updated", [f"into line B. Lezen from {today()}"]),
        ("updated", [f"moves from line A. Rekenen to B. Lezen from {today()}"]),
    ]
    apply(upload(school, steering.user, rows), steering.user)
    on_today = LineMembership.objects.on(timezone.localdate())
    assert sorted(on_today.values_list("member__first_name", "line__name")) == [
        ("Fatima", "Lezen"),
        ("Piet", "Lezen"),
    ]
    assert [r.outcome for r in preview_of(school, rows).rows] == ["unchanged", "unchanged"]


def test_without_a_school_year_names_and_steering_still_import(school, steering):
    rows = [["Daan", "", "Berg", "daan@school.example", "", "ja"]]
    result = apply(upload(school, steering.user, rows), steering.user)
    assert result.new == 1
    daan = Member.objects.get(user__email="daan@school.example")
    assert (daan.full_name, daan.is_steering, daan.line_memberships.count()) == (
        "Daan Berg",
        True,
        0,
    )


@pytest.mark.parametrize(
    "value",
    ["ja", "Ja", "J", "yes", "Y", "x", "X", "1", "waar", "TRUE", "✓", "Lid", "voorzitter",
     "Ja (voorzitter)"],
)  # fmt: skip
def test_steering_yes_values(school, value):
    [row] = preview_of(school, [["Daan", "", "Berg", "daan@school.example", "", value]]).rows
    assert (row.outcome, row.steering) == ("new", True)


@pytest.mark.parametrize(
    "value", ["nee", "Nee", "n", "no", "0", "onwaar", "false", "-", "Nee (tot januari)"]
)
def test_steering_no_values(school, value):
    [row] = preview_of(school, [["Daan", "", "Berg", "daan@school.example", "", value]]).rows
    assert (row.outcome, row.steering) == ("new", False)


def test_someone_of_another_school_keeps_one_account(school, steering, stranger):
    rows = [["Sam", "", "Smit", stranger.email.upper(), "", ""]]
    apply(upload(school, steering.user, rows), steering.user)
    assert sorted(stranger.memberships.values_list("school__slug", flat=True)) == [
        "de-regenboog",
        "de-vlinder",
    ]


def teachers(count):
    return [
        [
            f"Voornaam{n}",
            "",
            f"Achternaam{n}",
            f"l{n}@school.example",
            ["Rekenen", "Lezen"][n % 2],
            "",
        ]
        for n in range(count)
    ]


@pytest.mark.parametrize("count", [10, 150])
def test_preview_costs_the_same_for_any_number_of_rows(
    school, lines, steering, count, django_assert_num_queries
):
    content = csv_file([DUTCH_HEADERS, *teachers(count)])
    with django_assert_num_queries(5):  # the year, its lines, the team, its coach, the places
        preview = staff_import_preview(school=school, content=content, by=steering.user)
    assert preview.counts["new"] == count


@pytest.mark.parametrize("count", [10, 150])
def test_adding_new_people_costs_the_same_for_any_number(
    school, lines, steering, count, django_assert_max_num_queries
):
    staff_import = upload(school, steering.user, teachers(count))
    fingerprint = staff_import_preview(
        school=school, content=bytes(staff_import.content)
    ).fingerprint
    # A dozen queries whatever the size; SQLite splits the bulk inserts of 150 people into a
    # few batches (its limit on query parameters), hence "at most".
    with django_assert_max_num_queries(15):
        staff_import_apply(staff_import=staff_import, by=steering.user, fingerprint=fingerprint)
    assert LineMembership.objects.filter(member__school=school).count() == count


def test_a_shortened_line_name_suggests_the_line_that_holds_it(school, lines):
    """ "Burgerschap" looks like "Eigenaarschap" letter by letter, but means the line whose
    name holds the word: a steering member following the hint must land in the right line."""
    line_create(school=school, year=lines[0].year, name="Burgerschap en samenleven")
    line_create(school=school, year=lines[0].year, name="Eigenaarschap")
    LearningLine.objects.filter(name="Burgerschap").update(name="Gym en spel")
    preview = preview_of(school, [["Daan", "", "Berg", "daan@school.example", "Burgerschap", ""]])
    assert [r.notes for r in preview.rows] == [
        ["Unknown learning line “Burgerschap”. Did you mean “Burgerschap en samenleven”?"]
    ]
