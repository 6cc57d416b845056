"""Findings of the security review of the .ods reader and the school years' remove page.

- An .ods is a zip of XML: a file of a few kilobytes may unpack to millions of tiny elements,
  to elements nested millions deep, or to one value repeated over every cell of a sheet. Each
  cost a minute and gigabytes to read (or the worker's memory): they are refused now as files
  that unpack to far more than a list holds; a cell of megabytes is read up to MAX_CELL_CHARS.
- The remove page of a school year answered "removed already" for a number that exists
  nowhere and a 404 for another school's year: that told which numbers other schools use. Any
  number not of this school is a 404 now, except a year this session removed (a second press).
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from learninglines.models import SchoolYear
from learninglines.services.imports import read_staff_list
from learninglines.services.lines import school_year_open_next, school_year_remove_ahead
from learninglines.services.people import school_year_ensure_current
from learninglines.tabular import MAX_CELL_CHARS, ImportFileError
from tests.learninglines.test_import_real_lists import NAMESPACES, ods, row, sheet, text

TOO_MUCH = (
    "This file unpacks to far more than a staff list can hold, so we did not open it. Save "
    "the list again as a new Excel file or as CSV."
)
HEADER = ["Voornaam", "Achternaam", "E-mailadres"]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _content(body: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f"<office:document-content {NAMESPACES}><office:body><office:spreadsheet>"
        f'<table:table table:name="Blad1">{row(*HEADER)}{body}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )


def _refused(content: str) -> str:
    with pytest.raises(ImportFileError) as caught:
        read_staff_list(ods(content=content))
    return caught.value.message


# --- the .ods reader ----------------------------------------------------------------------------


def test_an_ods_of_millions_of_tiny_elements_is_not_read():
    # 3 MB of "<x/>" zips to a few kilobytes; read, it took 18 s and 550 MB (outside the rows
    # nothing was ever let go of)
    assert _refused(_content("<x/>" * 750_000)) == TOO_MUCH


def test_an_ods_nested_a_million_deep_is_not_read():
    # "<a>" a million deep (never closed): 27 s and 2 GB before the parser gave up
    assert _refused(_content("<a>" * 1_000_000)) == TOO_MUCH


def test_an_ods_row_of_a_million_empty_cells_is_not_read():
    cells = "<table:table-cell/>" * 400_000
    assert _refused(_content(f"<table:table-row>{cells}</table:table-row>")) == TOO_MUCH


def test_one_long_value_repeated_over_a_sheet_is_not_spelled_out():
    # 600 characters over 200 columns and 200 rows: 24 million characters from one value of a
    # file of a few kilobytes (100,000 characters over 200 x 2000 took the worker's memory)
    value = text("y" * 600).replace(
        "<table:table-cell ", '<table:table-cell table:number-columns-repeated="200" ', 1
    )
    repeated = f'<table:table-row table:number-rows-repeated="200">{value}</table:table-row>'
    assert _refused(_content(repeated)) == TOO_MUCH


def test_a_cell_of_megabytes_is_read_up_to_its_limit():
    # 3 million characters in one cell: 11 s (and 330 MB) to look at, now a moment
    content = ods(
        sheet("Blad1", [HEADER, ["Jan", "y" * 3_000_000, "jan@school.example"]]),
        active="Blad1",
    )
    table = read_staff_list(content)
    (number, cells) = table.rows[0]
    assert (number, cells[0], len(cells[1]), cells[2]) == (
        2,
        "Jan",
        MAX_CELL_CHARS,
        "jan@school.example",
    )


def test_an_honest_ods_list_is_still_read():
    rows = [HEADER] + [[f"Jan{i}", "de Vries", f"jan{i}@school.example"] for i in range(1, 1500)]
    table = read_staff_list(ods(sheet("Blad1", rows), active="Blad1"))
    assert len(table.rows) == 1499
    assert table.rows[-1] == (1500, ["Jan1499", "de Vries", "jan1499@school.example"])


# --- removing a school year opened ahead --------------------------------------------------------


def _remove_url(school, pk: int) -> str:
    return reverse("learninglines:year-remove", kwargs={"school_slug": school.slug, "pk": pk})


def test_a_year_number_that_exists_nowhere_is_a_404_as_another_schools_is(
    client, school, steering, other_school
):
    school_year_ensure_current(school=school)
    school_year_ensure_current(school=other_school)
    theirs = school_year_open_next(school=other_school, copy_line_ids=set())
    gone = school_year_open_next(school=school, copy_line_ids=set())
    gone_pk = gone.pk
    school_year_remove_ahead(year=gone)  # removed elsewhere: not by this session
    nowhere = SchoolYear.objects.order_by("-pk").first().pk + 100
    client.force_login(steering.user)
    answers = [
        client.post(_remove_url(school, pk)).status_code for pk in (theirs.pk, nowhere, gone_pk)
    ]
    assert answers == [404, 404, 404]
    assert SchoolYear.objects.filter(pk=theirs.pk).exists()


def test_a_second_press_after_removing_a_year_says_it_is_gone(client, school, steering):
    school_year_ensure_current(school=school)
    ahead = school_year_open_next(school=school, copy_line_ids=set())
    client.force_login(steering.user)
    url = _remove_url(school, ahead.pk)
    years = reverse("learninglines:year-list", kwargs={"school_slug": school.slug})
    first = client.post(url)
    second = client.post(url)
    assert [(first.status_code, first.url), (second.status_code, second.url)] == [
        (302, years),
        (302, years),
    ]
    messages = [str(m) for m in second.wsgi_request._messages]
    assert messages[-1] == "Dit schooljaar is al verwijderd."  # the default language
