"""An attacker's look at the learning log's sharing and at "My data".

A shared entry is read by the members of the author's line at the entry's date, and a line
belongs to one school year: the list of shared entries keeps to the same rule as the entry's
own page (`log_entry_readable`), also after a school year ended. My data says that a pair kept
apart exists, without naming the other person.
"""

import io
import json
import zipfile
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from learninglines.models import LogEntry
from learninglines.permissions import log_entry_readable
from learninglines.selectors.journal import log_entry_list_shared_with
from learninglines.services.journal import log_entry_create
from learninglines.services.privacy import member_export_for_steering, person_export
from sessions_app.services.apart import apart_pair_add
from tests.factories import MemberFactory
from tests.learninglines.test_meetings import join, last_years_line, make_line

pytestmark = pytest.mark.django_db


def _share(author, day, text):
    return log_entry_create(author=author, date=day, tried=text, sharing=LogEntry.Sharing.LINE)


def _shared_page(client, member) -> str:
    client.force_login(member.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = reverse("learninglines:log-list", kwargs={"school_slug": member.school.slug})
    return client.get(url).content.decode()


def test_an_entry_dated_after_the_school_year_ended_is_shared_with_nobody(client, school, teacher):
    """The year ended, the next one is not opened yet, the memberships are still open. The
    form told the author "you are not in a line on this date, nobody else can read it"; the
    entry's page refused the colleague, but before the fix the list showed it whole."""
    line = make_line(school, "A", "Lezen")
    colleague = MemberFactory(school=school, first_name="Cor", last_name="Claassen")
    join(teacher, line)
    join(colleague, line)
    last_day = line.year.end
    with time_machine.travel(last_day + timedelta(days=10), tick=False):
        in_year = _share(teacher, last_day, "Placemat op de laatste schooldag")
        summer = _share(teacher, last_day + timedelta(days=3), "Zomerplan voor mezelf")
        assert [e.pk for e in log_entry_list_shared_with(member=colleague)] == [in_year.pk]
        assert log_entry_readable(colleague, in_year) is True
        assert log_entry_readable(colleague, summer) is False
        page = _shared_page(client, colleague)
    assert "Placemat op de laatste schooldag" in page
    assert "Zomerplan voor mezelf" not in page


def test_a_membership_of_last_years_line_left_open_shares_nothing_this_year(
    client, school, teacher
):
    """Last year's line is its own object; a membership of it that was never ended does not
    make its people each other's line this year."""
    old = last_years_line(school)
    colleague = MemberFactory(school=school, first_name="Cor", last_name="Claassen")
    join(teacher, old)
    join(colleague, old)
    entry = _share(teacher, old.year.end + timedelta(days=30), "Dit jaar, zonder leerlijn")
    assert log_entry_readable(colleague, entry) is False
    assert list(log_entry_list_shared_with(member=colleague)) == []
    assert "Dit jaar, zonder leerlijn" not in _shared_page(client, colleague)


def _read(content: bytes) -> dict:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return json.loads(archive.read("data.json"))


def test_my_data_says_a_pair_kept_apart_exists_without_naming_the_other(school, steering, teacher):
    other = MemberFactory(school=school, first_name="Gijs", last_name="Geheim")
    apart_pair_add(school=school, first=teacher, second=other, by=steering.user)
    data = _read(person_export(user=teacher.user, language="en"))
    sections = data["schools"][0]["sections"]
    rows = sections["Never at one table"]
    assert len(rows) == 1
    assert rows[0]["with"] == "a colleague, not named here: the rule concerns them too"
    dumped = json.dumps(data, ensure_ascii=False)
    assert "Gijs" not in dumped
    assert "Geheim" not in dumped
    # The other person's own export has theirs, without the teacher's name.
    theirs = _read(person_export(user=other.user, language="en"))
    assert len(theirs["schools"][0]["sections"]["Never at one table"]) == 1
    assert teacher.last_name not in json.dumps(theirs, ensure_ascii=False)
    # The steering group's download of a member holds only what it reads anyway.
    steering_copy = _read(member_export_for_steering(member=teacher))
    assert "Nooit aan één tafel" not in json.dumps(steering_copy, ensure_ascii=False)
    assert "Never at one table" not in json.dumps(steering_copy, ensure_ascii=False)
