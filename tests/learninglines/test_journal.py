"""The learning log: who reads an entry (per sharing setting, per role), the pages, the admin."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from exchange.admin_site import staff_admin_site
from learninglines.models import LogEntry, SchoolYear
from learninglines.permissions import log_entry_readable
from learninglines.selectors.journal import log_entry_list_shared_with
from learninglines.services.journal import log_entry_create, log_entry_put_from_source
from tests.dutch import long_date
from tests.factories import CoachAssignmentFactory, MemberFactory
from tests.learninglines.test_meetings import as_user, join, make_line

pytestmark = pytest.mark.django_db

SLUG = "de-regenboog"


@pytest.fixture
def team(school, other_school, steering, teacher):
    """Line A: the author (Sanne), a colleague and a steering member; line B: two others."""
    line_a = make_line(school, "A", "Lezen", "blue")
    line_b = make_line(school, "B", "Rekenen", "green")
    colleague = MemberFactory(school=school, first_name="Cor", last_name="Claassen")
    steering_in_line = MemberFactory(
        school=school, is_steering=True, first_name="Stijn", last_name="Smit"
    )
    other_line_teacher = MemberFactory(school=school, first_name="Bram", last_name="Bakker")
    for member in (teacher, colleague, steering_in_line):
        join(member, line_a)
    for member in (other_line_teacher, steering):
        join(member, line_b)
    coach = CoachAssignmentFactory(school=school).user
    stranger = MemberFactory(school=other_school, is_steering=True)
    return {
        "author": teacher,
        "line_colleague": colleague,
        "teacher_of_other_line": other_line_teacher,
        "steering_not_in_line": steering,
        "steering_in_line": steering_in_line,
        "coach": coach,
        "stranger": stranger,
        "line_a": line_a,
    }


def user_of(person):
    return person if hasattr(person, "is_authenticated") else person.user


def write(author, sharing, **fields):
    return log_entry_create(
        author=author,
        date=fields.pop("date", timezone.localdate()),
        tried=fields.pop("tried", "Coöperatief leren bij begrijpend lezen"),
        effect="Stille kinderen praatten mee",
        to_bring="De placemat-werkvorm",
        sharing=sharing,
    )


# Who reads an entry, per sharing setting and per role. A coach is never a member: no access in
# any role. The stranger is a steering member of another school.
READERS = {
    LogEntry.Sharing.PRIVATE: {"author"},
    LogEntry.Sharing.LINE: {"author", "line_colleague", "steering_in_line"},
}
ROLES = [
    "author",
    "line_colleague",
    "teacher_of_other_line",
    "steering_not_in_line",
    "steering_in_line",
    "coach",
    "stranger",
]


@pytest.mark.parametrize("sharing", [LogEntry.Sharing.PRIVATE, LogEntry.Sharing.LINE])
@pytest.mark.parametrize("role", ROLES)
def test_who_reads_an_entry(team, sharing, role):
    entry = write(team["author"], sharing)
    person = team[role]
    member = None if role == "coach" else person
    assert log_entry_readable(member, entry) is (role in READERS[sharing])


@pytest.mark.parametrize("sharing", [LogEntry.Sharing.PRIVATE, LogEntry.Sharing.LINE])
@pytest.mark.parametrize(
    ("role", "status_if_readable", "status_otherwise"),
    [
        ("author", 200, None),
        ("line_colleague", 200, 404),
        ("teacher_of_other_line", None, 404),
        ("steering_not_in_line", None, 404),
        ("steering_in_line", 200, 404),
        ("coach", None, 403),  # the log pages are not for a coach at all
        ("stranger", None, 404),
    ],
)
def test_entry_page_answers_404_unless_readable(
    client, team, sharing, role, status_if_readable, status_otherwise
):
    entry = write(team["author"], sharing)
    url = reverse("learninglines:log-detail", args=[SLUG, entry.pk])
    response = as_user(client, user_of(team[role])).get(url)
    readable = role in READERS[sharing]
    assert response.status_code == (status_if_readable if readable else status_otherwise)
    if response.status_code == 200:
        assert "De placemat-werkvorm" in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_shared_list_holds_exactly_what_the_role_may_read(team, role):
    private = write(team["author"], LogEntry.Sharing.PRIVATE)
    shared = write(team["author"], LogEntry.Sharing.LINE)
    own_shared = write(team["line_colleague"], LogEntry.Sharing.LINE)
    if role == "coach":
        return  # a coach has no member and no log page (403, above)
    member = team[role]
    listed = set(log_entry_list_shared_with(member=member))
    expected = {
        entry
        for entry in (private, shared, own_shared)
        if entry.author != member and log_entry_readable(member, entry)
    }
    assert listed == expected
    assert private not in listed


def test_shared_entries_follow_the_line_on_the_entrys_date(school, team):
    """Moved after writing: the old line still reads it, the new one does not; the reverse too."""
    today = timezone.localdate()
    author, line_a = team["author"], team["line_a"]
    old = write(author, LogEntry.Sharing.LINE, date=today - timedelta(days=20), tried="Oud")
    line_c = make_line(school, "C", "Spelling", "teal")
    author.line_memberships.update(end=today - timedelta(days=10))
    join(author, line_c, start=today - timedelta(days=9))
    new_colleague = MemberFactory(school=school)
    join(new_colleague, line_c)
    new = write(author, LogEntry.Sharing.LINE, date=today, tried="Nieuw")
    late_joiner = MemberFactory(school=school)
    join(late_joiner, line_a, start=today - timedelta(days=5))

    assert list(log_entry_list_shared_with(member=team["line_colleague"])) == [old]
    assert list(log_entry_list_shared_with(member=new_colleague)) == [new]
    assert list(log_entry_list_shared_with(member=late_joiner)) == []
    assert [log_entry_readable(new_colleague, e) for e in (old, new)] == [False, True]
    assert [log_entry_readable(team["line_colleague"], e) for e in (old, new)] == [True, False]
    del line_a


def test_log_entry_is_not_in_any_admin():
    assert LogEntry not in staff_admin_site._registry
    assert LogEntry not in admin.site._registry


# --- Pages: access with exact statuses ---------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("steering_not_in_line", 200),  # a steering member keeps a log as a teacher
        ("coach", 403),
        ("author", 200),
        ("teacher_of_other_line", 200),
        ("stranger", 404),
        ("anonymous", 302),
    ],
)
@pytest.mark.parametrize("name", ["log-list", "log-create", "calendar", "calendar-renew"])
def test_own_pages_access(client, team, name, who, status):
    url = reverse(f"learninglines:{name}", args=[SLUG])
    user = None if who == "anonymous" else user_of(team[who])
    response = as_user(client, user).get(url)
    assert response.status_code == status
    if who == "anonymous":
        assert response["Location"] == f"/login/?next={url}"


@pytest.mark.parametrize("name", ["log-update", "log-delete"])
@pytest.mark.parametrize(
    ("role", "private_status", "shared_status"),
    [
        ("author", 200, 200),
        ("line_colleague", 404, 403),  # may read a shared entry, never change it
        ("teacher_of_other_line", 404, 404),
        ("steering_not_in_line", 404, 404),
        ("steering_in_line", 404, 403),
        ("coach", 403, 403),
        ("stranger", 404, 404),
    ],
)
def test_only_the_author_changes_or_deletes(
    client, team, name, role, private_status, shared_status
):
    private = write(team["author"], LogEntry.Sharing.PRIVATE)
    shared = write(team["author"], LogEntry.Sharing.LINE)
    as_user(client, user_of(team[role]))
    for entry, status in ((private, private_status), (shared, shared_status)):
        url = reverse(f"learninglines:{name}", args=[SLUG, entry.pk])
        assert client.get(url).status_code == status
        post = client.post(url, {"date": entry.date.isoformat(), "tried": "X", "sharing": "line"})
        assert post.status_code == (302 if status == 200 else status)
    expected = 0 if (role == "author" and name == "log-delete") else 2
    assert LogEntry.objects.count() == expected


def test_anonymous_gets_the_login_for_an_entry(client, team):
    entry = write(team["author"], LogEntry.Sharing.LINE)
    url = reverse("learninglines:log-detail", args=[SLUG, entry.pk])
    assert client.get(url)["Location"] == f"/login/?next={url}"


# --- Pages: behaviour --------------------------------------------------------------------------


def test_teacher_writes_an_entry_private_by_default(client, team):
    author = team["author"]
    client.force_login(author.user)
    create = reverse("learninglines:log-create", args=[SLUG])
    form = client.get(create).context["form"]
    assert form.initial["date"] == timezone.localdate()
    assert form.fields["sharing"].initial == LogEntry.Sharing.PRIVATE or (
        form["sharing"].value() == LogEntry.Sharing.PRIVATE
    )
    response = client.post(
        create,
        {
            "date": timezone.localdate().isoformat(),
            "tried": " Placemat ",
            "effect": "",
            "to_bring": "",
            "sharing": "private",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("learninglines:log-list", args=[SLUG])
    entry = LogEntry.objects.get()
    assert (entry.author, entry.tried, entry.sharing) == (author, "Placemat", "private")


def test_an_empty_entry_is_refused(client, team):
    client.force_login(team["author"].user)
    create = reverse("learninglines:log-create", args=[SLUG])
    response = client.post(create, {"date": timezone.localdate().isoformat(), "sharing": "line"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Schrijf minstens een van de drie delen in."
    ]
    assert LogEntry.objects.count() == 0


def textarea_tag(page: str, name: str) -> str:
    return re.search(rf'<textarea [^>]*\bid="id_{name}"[^>]*>', page).group(0)


def test_an_empty_entry_marks_the_three_parts_invalid_and_describes_them_by_its_message(
    client, team
):
    """The message is the form's, not one part's: arrival.js focuses it, and each part, marked
    invalid, reads it out (after its own message, when it has one)."""
    client.force_login(team["author"].user)
    create = reverse("learninglines:log-create", args=[SLUG])
    data = {"date": timezone.localdate().isoformat(), "sharing": "private"}
    page = client.post(create, data).content.decode()
    assert re.search(
        r'<div class="alert alert-danger" id="log-form-error">'
        r'<p class="mb-0">Schrijf minstens een van de drie delen in.</p></div>',
        page,
    )
    assert page.count("Schrijf minstens een van de drie delen in.") == 1
    for name in ("tried", "effect", "to_bring"):
        tag = textarea_tag(page, name)
        assert 'aria-invalid="true"' in tag
        assert 'aria-describedby="log-form-error"' in tag
        assert "is-invalid" in tag
    # A part too long is read out with its own message first.
    page = client.post(create, {**data, "tried": "x" * 5001}).content.decode()
    assert 'aria-describedby="id_tried_error log-form-error"' in textarea_tag(page, "tried")
    assert 'id="id_tried_error"' in page
    assert 'aria-describedby="log-form-error"' in textarea_tag(page, "effect")
    # Only the date is wrong: the parts are neither invalid nor described by another message.
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    page = client.post(create, {**data, "date": tomorrow, "tried": "Placemat"}).content.decode()
    assert 'id="log-form-error"' not in page
    for name in ("tried", "effect", "to_bring"):
        assert "aria-" not in textarea_tag(page, name)
    assert 'aria-invalid="true"' in re.search(r'<input [^>]*\bid="id_date"[^>]*>', page).group(0)


@pytest.mark.parametrize(
    ("day", "error"),
    [
        (lambda today, year: today + timedelta(days=1), "Deze datum ligt nog voor je"),
        (
            lambda today, year: year.start - timedelta(days=1),
            "Deze datum ligt voor het eerste schooljaar van je school in deze app",
        ),
    ],
)
def test_a_date_ahead_or_before_the_schools_years_is_refused_on_the_date(client, team, day, error):
    """A slip of the year (2062, 1990) would escape retention, which blanks an entry two
    school years after its own; an edit that keeps an entry's date is not checked again."""
    author = team["author"]
    year = SchoolYear.objects.get(school=author.school)
    client.force_login(author.user)
    create = reverse("learninglines:log-create", args=[SLUG])
    wrong = day(timezone.localdate(), year)
    data = {"date": wrong.isoformat(), "tried": "Placemat", "sharing": "private"}
    response = client.post(create, data)
    assert response.status_code == 200
    assert error in response.context["form"].errors["date"][0]
    assert LogEntry.objects.count() == 0
    # an entry written before this rule keeps its date when its text is changed
    entry = LogEntry.objects.create(author=author, date=wrong, tried="Placemat")
    update = reverse("learninglines:log-update", args=[SLUG, entry.pk])
    response = client.post(update, data | {"tried": "Anders"})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.date, entry.tried) == (wrong, "Anders")


def test_a_part_longer_than_five_thousand_characters_is_refused(client, team):
    client.force_login(team["author"].user)
    create = reverse("learninglines:log-create", args=[SLUG])
    assert 'maxlength="5000"' in client.get(create).content.decode()
    data = {"date": timezone.localdate().isoformat(), "sharing": "private", "effect": ""}
    response = client.post(create, {**data, "tried": "x" * 5001, "to_bring": "y" * 5000})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "tried": ["Zorg dat deze waarde niet meer dan 5000 tekens bevat (het zijn er nu 5001)."]
    }
    assert LogEntry.objects.count() == 0
    client.post(create, {**data, "tried": "x" * 5000, "to_bring": ""})
    assert len(LogEntry.objects.get().tried) == 5000


def test_the_form_says_who_reads_a_shared_entry(client, team):
    client.force_login(team["author"].user)
    form = client.get(reverse("learninglines:log-create", args=[SLUG])).context["form"]
    assert dict(form.fields["sharing"].choices) == {
        "private": "Alleen ik. Niemand anders kan het lezen: de stuurgroep niet, de coach niet.",
        "line": (
            "Ik en mijn leerlijn A. Lezen: de 2 collega's die op de datum van deze notitie in de "
            "lijn zitten, kunnen het lezen. De stuurgroep en de coach niet, tenzij ze in je "
            "lijn zitten."
        ),
    }


def test_the_form_says_so_when_the_author_is_in_no_line(client, school):
    loner = MemberFactory(school=school)
    client.force_login(loner.user)
    form = client.get(reverse("learninglines:log-create", args=[SLUG])).context["form"]
    assert dict(form.fields["sharing"].choices)["line"] == (
        "Ik en mijn leerlijn. Je zit op deze datum nog niet in een leerlijn, dus voorlopig kan "
        "niemand anders het lezen."
    )


def test_author_edits_and_deletes_an_entry(client, team):
    entry = write(team["author"], LogEntry.Sharing.PRIVATE)
    client.force_login(team["author"].user)
    update = reverse("learninglines:log-update", args=[SLUG, entry.pk])
    assert client.get(update).context["form"].initial["tried"] == entry.tried
    client.post(
        update,
        {
            "date": entry.date.isoformat(),
            "tried": "Anders",
            "effect": "",
            "to_bring": "",
            "sharing": "line",
        },
    )
    entry.refresh_from_db()
    assert (entry.tried, entry.effect, entry.sharing) == ("Anders", "", "line")
    delete = reverse("learninglines:log-delete", args=[SLUG, entry.pk])
    assert client.get(delete).status_code == 200
    assert LogEntry.objects.count() == 1  # a GET only asks
    assert client.post(delete).status_code == 302
    assert LogEntry.objects.count() == 0


def test_author_shares_an_entry_copied_from_a_reflection(client, team):
    """The copy holds only the reflection's text: the edit page shows it and saves a new sharing."""
    entry = log_entry_put_from_source(
        author=team["author"],
        source="reflection:1",
        date=timezone.localdate(),
        note="Mijn eigen antwoord op de privévraag",
    )
    client.force_login(team["author"].user)
    update = reverse("learninglines:log-update", args=[SLUG, entry.pk])
    assert "Mijn eigen antwoord op de privévraag" in client.get(update).content.decode()
    response = client.post(
        update,
        {
            "date": entry.date.isoformat(),
            "tried": "",
            "effect": "",
            "to_bring": "",
            "sharing": "line",
        },
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.sharing, entry.note) == ("line", "Mijn eigen antwoord op de privévraag")


def test_a_shared_copy_whose_text_changes_is_private_again(team):
    """The author shared the copy of their private answers; a later resubmit with new private
    answers must not reach the line unasked. The same text again keeps the sharing."""
    put = {"author": team["author"], "source": "reflection:1", "date": timezone.localdate()}
    entry = log_entry_put_from_source(**put, note="Eerste antwoord")
    entry.sharing = LogEntry.Sharing.LINE
    entry.save(update_fields=["sharing"])

    log_entry_put_from_source(**put, note="Eerste antwoord")
    entry.refresh_from_db()
    assert (entry.note, entry.sharing) == ("Eerste antwoord", "line")

    log_entry_put_from_source(**put, note="Iets wat alleen voor mij is")
    entry.refresh_from_db()
    assert (entry.note, entry.sharing) == ("Iets wat alleen voor mij is", "private")


def test_log_page_lists_mine_and_shared_with_me(client, team):
    mine = write(team["line_colleague"], LogEntry.Sharing.PRIVATE, tried="Van mezelf")
    shared = write(team["author"], LogEntry.Sharing.LINE, tried="Gedeeld door Sanne")
    write(team["author"], LogEntry.Sharing.PRIVATE, tried="Geheim van Sanne")
    client.force_login(team["line_colleague"].user)
    response = client.get(reverse("learninglines:log-list", args=[SLUG]))
    assert list(response.context["mine"]) == [mine]
    assert list(response.context["shared"]) == [shared]
    page = response.content.decode()
    assert "Gedeeld door Sanne" in page
    assert "Geheim van Sanne" not in page


def test_the_links_of_two_entries_of_one_day_say_which_entry_they_are_for(client, team):
    day = timezone.localdate()
    write(team["author"], LogEntry.Sharing.PRIVATE, tried="Vraagkaarten bij het voorlezen")
    write(
        team["author"],
        LogEntry.Sharing.PRIVATE,
        tried="Een kindgesprek van vijf minuten op vrijdag",
    )
    client.force_login(team["author"].user)
    page = client.get(reverse("learninglines:log-list", args=[SLUG])).content.decode()
    date = long_date(day)
    hidden = re.findall(r'<span class="visually-hidden"> (de notitie.*?)</span>', page)
    OPEN, CLOSE = "\u2018", "\u2019"  # Dutch quotes around the entry's first words
    assert hidden == [
        f"de notitie van {date}, {OPEN}Een kindgesprek van vijf minuten op …{CLOSE}",
        f"de notitie van {date}, {OPEN}Een kindgesprek van vijf minuten op …{CLOSE}",
        f"de notitie van {date}, {OPEN}Vraagkaarten bij het voorlezen{CLOSE}",
        f"de notitie van {date}, {OPEN}Vraagkaarten bij het voorlezen{CLOSE}",
    ]


# Session, user, school, member, coach; mine (count, page), shared (count, page), my line.
LOG_PAGE_QUERIES = 10


@pytest.mark.parametrize("entries", [2, 40])
def test_log_page_costs_the_same_however_many_entries(
    client, team, entries, django_assert_num_queries
):
    for n in range(entries):
        write(team["author"], LogEntry.Sharing.LINE, tried=f"Poging {n}")
        write(team["line_colleague"], LogEntry.Sharing.LINE, tried=f"Poging {n}")
    client.force_login(team["line_colleague"].user)
    with django_assert_num_queries(LOG_PAGE_QUERIES):
        client.get(reverse("learninglines:log-list", args=[SLUG]))


def test_turning_one_lists_page_keeps_the_other_list_where_it_was(client, team):
    for number in range(21):  # 20 entries a page: two pages each
        write(team["line_colleague"], LogEntry.Sharing.PRIVATE, tried=f"Eigen {number}")
        write(team["author"], LogEntry.Sharing.LINE, tried=f"Gedeeld {number}")
    client.force_login(team["line_colleague"].user)
    url = reverse("learninglines:log-list", args=[SLUG])
    page = client.get(url, {"page": 2, "shared_page": 2}).content.decode()
    assert 'href="?page=1&amp;shared_page=2">Nieuwere notities</a>' in page
    assert 'href="?shared_page=1&amp;page=2">Nieuwere notities</a>' in page
    first = client.get(url).content.decode()
    assert 'href="?page=2">Oudere notities</a>' in first
    assert 'href="?shared_page=2">Oudere notities</a>' in first


def test_the_empty_shared_list_does_not_ask_someone_who_shares_to_start(client, team):
    # Sanne shared an entry with her line; nobody else did. The list of what others shared is
    # empty, but it must not tell her that nobody in the line shared anything.
    write(team["author"], LogEntry.Sharing.LINE, tried="Gedeeld door Sanne")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(team["author"].user)
    page = client.get(reverse("learninglines:log-list", args=[SLUG])).content.decode()
    assert "No colleague in Lezen has shared an entry with the line yet." in page
    assert "Share one of yours to start" not in page
    # A colleague who shared nothing is still asked to start (and sees Sanne's entry).
    client.force_login(team["line_colleague"].user)
    colleague = client.get(reverse("learninglines:log-list", args=[SLUG])).content.decode()
    assert "Gedeeld door Sanne" in colleague
    client.force_login(team["teacher_of_other_line"].user)
    other = client.get(reverse("learninglines:log-list", args=[SLUG])).content.decode()
    assert "Nobody in Rekenen has shared an entry with the line yet." in other
