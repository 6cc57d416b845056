"""The overview on a 360 px phone, on a 1280 x 720 projector and on A4, as the coach and as the
steering group, for a school of 8 lines whose names run to 40 characters.

Found in a review: the SVG charts scaled down with their labels (6-7 px on a phone, the heat
map's 10 px with 8 lines), a matrix of long names scrolled sideways on the projector, a row of
"not yet met" lines was a column of broken words on a phone, and the printed line table ran off
the paper. Now a chart is drawn only where its labels render at 12 px or more (a phone gets the
table beside it), the matrix table itself is the heat map, a wide table scrolls in its own
labelled box with a visible hint and the line's name kept in view, and print fits A4.
"""

import pytest
from playwright.sync_api import Page, expect

from exchange.demo import DEMO_COACH_EMAIL, demo_seed
from learninglines.models import LearningLine, School
from learninglines.services.lines import line_create, line_update, membership_move
from learninglines.services.people import school_year_ensure_current
from tests.browser.test_plenary import STEERING_EMAIL, accessible, console_errors, sign_in
from tests.conftest import PHONE
from tests.factories import MemberFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PROJECTOR = {"width": 1280, "height": 720}
A4 = {"width": 718, "height": 1000}  # 210 mm less Chromium's print margins, at 96 dpi
URL = "/s/de-regenboog/overview/"

LONG_NAMES = [  # 40 characters each
    "Begrijpend lezen in alle groepen en vak",
    "Eigenaarschap van leerlingen bij het le",
    "Rekenen met begrip en echte contexten!!",
    "Burgerschap en samenleven in onze buurt",
    "Wetenschap en techniek ontdekkend leren",
    "Kunstzinnige oriëntatie door de hele sc",
    "Bewegingsonderwijs op het schoolplein!!",
    "Taalonderwijs met rijke teksten en boek",
]


def eight_long_lines() -> None:
    """The demo school, its 4 lines renamed to 40 characters and 4 more of 2 members each."""
    demo_seed()
    school = School.objects.get(slug="de-regenboog")
    year = school_year_ensure_current(school=school)
    lines = list(LearningLine.objects.filter(school=school, year=year).order_by("letter"))
    for line, name in zip(lines, LONG_NAMES, strict=False):
        line_update(line=line, name=name.ljust(40, "."))
    for name in LONG_NAMES[len(lines) :]:
        line = line_create(school=school, year=year, name=name.ljust(40, "."))
        for _ in range(2):
            membership_move(member=MemberFactory(school=school), line=line, start=year.start)
    assert LearningLine.objects.filter(school=school, year=year).count() == 8


# What the browser renders, measured there.

CHART_LABELS = """() => [...document.querySelectorAll('svg.ov-chart text')]
    .filter((text) => text.getClientRects().length > 0)
    .map((text) => {
        const svg = text.closest('svg');
        const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
        return {
            text: text.textContent,
            size: parseFloat(getComputedStyle(text).fontSize) * scale,
            height: text.getBoundingClientRect().height,
        };
    })"""

# Elements reaching beyond the page's sides that are not inside a box scrolling on its own
# (a labelled, focusable region with overflow-x auto): what would make the page scroll sideways.
OUTSIDE_A_SCROLL_BOX = """() => {
    const width = document.documentElement.clientWidth;
    const scrolls = (box) => box && box.getAttribute('role') === 'region'
        && box.getAttribute('tabindex') === '0'
        && ['auto', 'scroll'].includes(getComputedStyle(box).overflowX);
    return [...document.querySelectorAll('body *')]
        .filter((el) => el.getClientRects().length > 0)
        .filter((el) => {
            const box = el.getBoundingClientRect();
            return box.right > width + 1 || box.left < -1;
        })
        .filter((el) => !scrolls(el.closest('.table-responsive')))
        .map((el) => `${el.tagName}.${el.className}`);
}"""


def readable_labels(page: Page) -> list[dict]:
    labels = page.evaluate(CHART_LABELS)
    small = [label for label in labels if label["size"] < 12 or label["height"] < 12]
    assert small == [], small
    return labels


def no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    assert page.evaluate(OUTSIDE_A_SCROLL_BOX) == []


@pytest.mark.parametrize("email", [DEMO_COACH_EMAIL, STEERING_EMAIL])
def test_on_a_phone_every_figure_reads_at_12_px_or_more(
    page: Page, serious_violations, live_server, email
):
    eight_long_lines()
    page.set_viewport_size(PHONE)
    errors = console_errors(page)
    sign_in(page, live_server, email)
    page.goto(live_server.url + URL)
    no_sideways_scroll(page)
    # The charts give way to their tables, which hold the same figures at the page's size.
    assert readable_labels(page) == []
    expect(page.locator("svg.ov-course")).to_be_hidden()
    expect(page.locator("svg.ov-took")).to_be_hidden()
    expect(page.locator("#ov-course-caption")).to_be_visible()
    expect(page.locator("#ov-took-caption")).to_be_visible()
    expect(page.locator("#ov-took-caption").locator("xpath=..").locator("tbody tr")).to_have_count(
        8
    )
    # The heat map is the matrix table: 64 numbers, none under 12 px, shaded by count.
    cells = page.locator("table.ov-matrix td.ov-cell")
    expect(cells).to_have_count(64)
    sizes = cells.evaluate_all(
        "(tds) => tds.map((td) => parseFloat(getComputedStyle(td).fontSize))"
    )
    assert min(sizes) >= 12
    assert page.locator("table.ov-matrix td.ov-cell-4").count() > 0
    # It is wider than the phone: it says so, and the line's name stays in view as it scrolls.
    expect(page.locator("#ov-matrix-hint")).to_be_visible()
    region = page.get_by_role("region", name="Ontmoetingen tussen de leerlijnen")
    region.evaluate("box => { box.scrollLeft = box.scrollWidth; }")
    box = region.bounding_box()
    name = page.locator("table.ov-matrix tbody th").first.bounding_box()
    assert box["x"] - 1 <= name["x"]
    assert name["x"] + name["width"] <= box["x"] + box["width"]
    assert region.evaluate("box => box.scrollLeft") > 0
    # A 40-character name wraps in its cell; it never widens the page.
    assert name["width"] <= 11 * 16 + 1
    no_sideways_scroll(page)
    if email == STEERING_EMAIL:
        # Who has not met a line: badges on a phone, the names kept for a screen reader.
        table = page.locator("table.ov-not-met")
        expect(table.locator(".line-badge").first).to_be_visible()
        text = table.locator(".ov-line-text").first
        assert text.bounding_box()["width"] <= 1
        assert text.text_content().endswith(".")  # "E · Wetenschap … leren." in full
    accessible(page, serious_violations, errors)
    # Keyboard alone: the scrolling box takes the focus and scrolls with the arrow keys.
    region.evaluate("box => { box.scrollLeft = 0; }")
    region.focus()
    page.keyboard.press("ArrowRight")
    expect(region).to_be_focused()
    page.wait_for_function("(box) => box.scrollLeft > 0", arg=region.element_handle())


@pytest.mark.parametrize(
    "viewport", [{"width": 768, "height": 900}, {"width": 1000, "height": 800}, PROJECTOR]
)
def test_where_a_chart_is_drawn_its_labels_render_at_12_px_or_more(
    page: Page, serious_violations, live_server, viewport
):
    eight_long_lines()
    page.set_viewport_size(viewport)
    errors = console_errors(page)
    sign_in(page, live_server, STEERING_EMAIL)
    page.goto(live_server.url + URL)
    no_sideways_scroll(page)
    labels = readable_labels(page)
    # the course's 5 ticks and 1 session, the 8 lines' letters and counts
    assert len(labels) == 5 + 1 + 8 * 2
    expect(page.locator("svg.ov-course")).to_be_visible()
    expect(page.locator("svg.ov-took")).to_be_visible()
    # Each chart tells a screen reader what it shows.
    for chart in ("ov-course", "ov-took"):
        svg = page.locator(f"svg.{chart}")
        assert svg.get_attribute("role") == "img"
        title, desc = svg.get_attribute("aria-labelledby").split()
        assert page.locator(f"#{title}").text_content()
        assert page.locator(f"#{desc}").text_content()
    if viewport == PROJECTOR:
        # On the projector the 8 lines' matrix fits without scrolling and needs no hint.
        region = page.get_by_role("region", name="Ontmoetingen tussen de leerlijnen")
        assert region.evaluate("box => box.scrollWidth <= box.clientWidth")
        expect(page.locator("#ov-matrix-hint")).to_be_hidden()
        expect(page.locator("#ov-lines-hint")).to_be_hidden()
        accessible(page, serious_violations, errors)


def test_printed_on_a4_nothing_runs_off_the_paper(page: Page, live_server):
    eight_long_lines()
    page.set_viewport_size(A4)
    sign_in(page, live_server, STEERING_EMAIL)
    page.emulate_media(media="print")
    page.goto(live_server.url + URL + "print/")
    no_sideways_scroll(page)
    # Every table shows whole: nothing scrolls out of sight on paper.
    hidden = page.evaluate(
        """() => [...document.querySelectorAll('.table-responsive')]
            .filter((box) => box.scrollWidth > box.clientWidth + 1)
            .map((box) => box.getAttribute('aria-labelledby'))"""
    )
    assert hidden == []
    # The charts print, their labels at 12 px or more; no "swipe" hint on paper.
    assert len(readable_labels(page)) == 5 + 1 + 8 * 2
    expect(page.locator(".ov-swipe-hint").first).to_be_hidden()
