"""The outbox and the sign-in links in the admin: every mail's delivery, never who got a
reflection reminder or a mail about a small exchange (docs/admin.md, docs/privacy.md)."""

import re
from dataclasses import dataclass

import pytest
from django.contrib.admin.models import LogEntry
from django.utils.translation import gettext

from learninglines.models import MagicLink, Member, OutgoingMail
from learninglines.services.outbox import mail_queue
from learninglines.services.people import member_invite, school_year_ensure_current
from sessions_app.models import PeerExchange, Questionnaire
from sessions_app.services.day import session_publish
from sessions_app.services.exchanges import ambition_save, exchange_start
from sessions_app.services.reflections import questionnaire_open, reflection_remind
from tests.factories import MemberFactory, UserFactory
from tests.sessions_app.plenary import plenary_of

pytestmark = pytest.mark.django_db

LIST = "/admin/learninglines/outgoingmail/"
TOPIC = "Vraagkaarten bij het voorlezen"
ERROR = "SMTPRecipientsRefused: {'%s': (550, b'5.1.1 <%s>: no such mailbox')}"


@dataclass
class Outbox:
    members: list[Member]
    # A member whose account is staff: their session mails carry the page's plain address.
    staff_member: Member
    tables: list[OutgoingMail]
    reminders: list[OutgoingMail]
    exchange_mails: list[OutgoingMail]
    others: list[OutgoingMail]

    @property
    def sealed(self) -> list[OutgoingMail]:
        return self.reminders + self.exchange_mails


@pytest.fixture
def outbox(school) -> Outbox:
    staff_member = MemberFactory(
        school=school,
        first_name="Bram",
        last_name="Bakker",
        user=UserFactory(email="bram.bakker@school.example", is_staff=True),
    )
    members = [
        MemberFactory(
            school=school,
            first_name=first,
            last_name=last,
            user=UserFactory(email=f"{first.lower()}.{last.lower()}@school.example"),
        )
        for first, last in [
            ("Anna", "Mulder"),
            ("Daan", "Smit"),
            ("Eva", "Visser"),
            ("Finn", "Bos"),
            ("Lotte", "Meijer"),
        ]
    ]
    plenary = plenary_of(school, [*members, staff_member])

    session_publish(session=plenary.session)
    tables = list(OutgoingMail.objects.order_by("pk"))
    questionnaire = questionnaire_open(
        questionnaire=Questionnaire.objects.get(session=plenary.session)
    )
    reflection_remind(questionnaire=questionnaire)
    reminders = list(OutgoingMail.objects.exclude(pk__in=[m.pk for m in tables]).order_by("pk"))
    exchange_start(
        initiator=members[0],
        invitees=[members[1], members[2]],
        topic=TOPIC,
        kind="visit",
        moments=[],
        self_arranged=True,
    )
    exchange_mails = list(
        OutgoingMail.objects.exclude(pk__in=[m.pk for m in tables + reminders]).order_by("pk")
    )
    member_invite(member=members[3])
    mail_queue(
        to=members[4].user.email,
        subject="Morgen: leerlijnbijeenkomst Lezen",
        body="Tot morgen.",
        user=members[4].user,
        school=school,
    )
    others = list(
        OutgoingMail.objects.exclude(
            pk__in=[m.pk for m in tables + reminders + exchange_mails]
        ).order_by("pk")
    )
    return Outbox(members, staff_member, tables, reminders, exchange_mails, others)


def rows(html: str) -> dict[int, str]:
    """The list's rows by mail."""
    found = {}
    for row in re.findall(r"<tr>.*?</tr>", html, re.S):
        match = re.search(r"/admin/learninglines/outgoingmail/(\d+)/change/", row)
        if match:
            found[int(match[1])] = row
    return found


def test_the_fixture_has_every_kind_of_mail(outbox):
    assert len(outbox.tables) == 6
    assert len(outbox.reminders) == 6  # nobody answered yet
    assert all(m.subject.startswith("Herinnering") for m in outbox.reminders)
    assert len(outbox.exchange_mails) == 2
    assert all(TOPIC in m.body for m in outbox.exchange_mails)
    assert len(outbox.others) == 2
    # the staff member's mails carry no sign-in link, only the page's address
    staff_mails = OutgoingMail.objects.filter(to=outbox.staff_member.user.email)
    assert staff_mails.count() == 2
    assert all(m.magic_link is None for m in staff_mails)


def test_reminders_and_exchange_mails_are_listed_without_recipient_or_subject(admin_client, outbox):
    response = admin_client.get(LIST)
    html = response.content.decode()
    listed = rows(html)

    assert response.context["cl"].result_count == 16
    assert "Herinnering" not in html
    assert TOPIC not in html
    assert "uit te wisselen" not in html
    for mail in outbox.sealed:
        row = listed[mail.pk]
        assert mail.to not in row
        assert mail.user.email not in row
        assert gettext("not shown") in row
        assert gettext("personal mail") in row
        assert "Basisschool De Regenboog" in row  # delivery: school, status, times
    for mail in outbox.tables + outbox.others:
        assert mail.to in listed[mail.pk]
        assert mail.subject in listed[mail.pk]


def test_no_search_or_filter_finds_a_reminder_by_its_words_or_its_recipient(admin_client, outbox):
    anna = outbox.members[0]
    assert admin_client.get(LIST + "?q=Herinnering").context["cl"].result_count == 0
    assert admin_client.get(LIST + "?q=voorlezen").context["cl"].result_count == 0
    found = admin_client.get(LIST, {"q": anna.user.email}).context["cl"].result_list
    # only her table plan, not her reminder nor the exchange she started
    assert [mail.pk for mail in found] == [
        mail.pk for mail in outbox.tables if mail.to == anna.user.email
    ]
    for lookup in [
        {"to": anna.user.email},
        {"to__icontains": "anna"},
        {"user": anna.user.pk},
        {"user__id__exact": anna.user.pk},
        {"subject__startswith": "Herinnering"},
        {"body__icontains": "reflectieformulier"},
        {"magic_link__next_path__contains": "reflections"},
        {"magic_link__user": anna.user.pk},
    ]:
        assert admin_client.get(LIST, lookup).status_code == 400, lookup
    # the list's own filters still work
    school_filter = {"school__id__exact": anna.school_id, "kind__exact": "session"}
    assert admin_client.get(LIST, school_filter).context["cl"].result_count == 14


def test_sorting_on_the_hidden_columns_keeps_sealed_mails_apart(admin_client, outbox):
    sealed = {mail.pk for mail in outbox.sealed}
    for column in ["1", "2", "4"]:  # recipient, subject, user
        for order in [column, f"-{column}"]:
            listed = [m.pk for m in admin_client.get(LIST, {"o": order}).context["cl"].result_list]
            flags = [pk in sealed for pk in listed]
            # all sealed mails together, first or last: their place says nothing of the address
            assert flags in (sorted(flags), sorted(flags, reverse=True)), order


def test_a_failed_reminder_is_found_read_and_queued_again_without_its_recipient(
    admin_client, outbox
):
    mail = outbox.reminders[0]
    OutgoingMail.objects.filter(pk=mail.pk).update(
        status=OutgoingMail.Status.FAILED, attempts=5, last_error=ERROR % (mail.to, mail.to)
    )

    failed = admin_client.get(LIST, {"status__exact": "failed"})
    assert [m.pk for m in failed.context["cl"].result_list] == [mail.pk]
    assert mail.to not in failed.content.decode()

    change = admin_client.get(f"{LIST}{mail.pk}/change/")
    html = change.content.decode()
    assert change.status_code == 200
    assert mail.to not in html
    assert mail.user.email not in html
    assert "Herinnering" not in html
    # nothing of the mail's own text (the page's explanation names reminders in general)
    assert [line for line in mail.body.splitlines() if len(line) > 20 and line in html] == []
    assert "Basisschool De Regenboog" in html
    assert "SMTPRecipientsRefused: {&#x27;…&#x27;: (550, b&#x27;5.1.1 &lt;…&gt;: no such" in html
    assert gettext("not shown") in change.context["subtitle"]
    # view only: nothing of the copy without recipient is ever saved
    assert change.context["has_change_permission"] is False
    assert admin_client.post(f"{LIST}{mail.pk}/change/", {}).status_code == 403
    mail.refresh_from_db()
    assert mail.to.endswith("@school.example")

    admin_client.post(
        LIST, {"action": "retry", "_selected_action": [mail.pk], "index": 0}, follow=True
    )
    mail.refresh_from_db()
    assert (mail.status, mail.attempts) == (OutgoingMail.Status.QUEUED, 0)


def test_deleting_a_sealed_mail_names_nobody_on_the_page_or_in_the_history(admin_client, outbox):
    one, two = outbox.reminders[:2]
    page = admin_client.get(f"{LIST}{one.pk}/delete/").content.decode()
    assert one.to not in page
    assert "Herinnering" not in page
    confirm = admin_client.post(
        LIST, {"action": "delete_selected", "_selected_action": [one.pk, two.pk], "index": 0}
    ).content.decode()
    assert one.to not in confirm
    assert two.to not in confirm
    assert "Herinnering" not in confirm

    admin_client.post(
        LIST, {"action": "delete_selected", "_selected_action": [one.pk, two.pk], "post": "yes"}
    )
    assert not OutgoingMail.objects.filter(pk__in=[one.pk, two.pk]).exists()
    logged = list(LogEntry.objects.values_list("object_repr", flat=True))
    assert len(logged) == 2
    assert all(one.to not in text and two.to not in text for text in logged)
    assert all("Herinnering" not in text for text in logged)
    index = admin_client.get("/admin/").content.decode()  # "recent actions"
    assert one.to not in index


def test_table_plans_and_other_mails_stay_readable_in_full(admin_client, outbox):
    staff_table = next(m for m in outbox.tables if m.to == outbox.staff_member.user.email)
    for mail in [outbox.tables[0], staff_table, *outbox.others]:
        html = admin_client.get(f"{LIST}{mail.pk}/change/").content.decode()
        assert mail.to in html
        assert mail.subject in html
        assert "leerlijnen.test" in html or "[[personal-link]]" in html or "Tot morgen" in html


def test_the_staff_members_reminder_without_a_link_is_sealed_too(admin_client, outbox):
    staff_reminder = next(m for m in outbox.reminders if m.to == outbox.staff_member.user.email)
    assert "https://leerlijnen.test/s/de-regenboog/reflections/" in staff_reminder.body
    html = admin_client.get(f"{LIST}{staff_reminder.pk}/change/").content.decode()
    assert staff_reminder.to not in html
    assert "reflections" not in html


def test_sign_in_links_of_sealed_mails_are_not_listed(admin_client, outbox):
    listing = admin_client.get("/admin/learninglines/magiclink/")
    shown = {link.pk for link in listing.context["cl"].result_list}
    table_links = {m.magic_link_id for m in outbox.tables if m.magic_link_id}
    sealed_links = {m.magic_link_id for m in outbox.sealed if m.magic_link_id}
    assert len(table_links) == 5
    assert len(sealed_links) == 7  # 5 reminders, 2 exchange invitations (not the staff member)
    assert table_links <= shown
    assert not sealed_links & shown
    assert MagicLink.objects.filter(pk__in=sealed_links).count() == 7
    link = next(iter(sealed_links))
    assert admin_client.get(f"/admin/learninglines/magiclink/{link}/change/").status_code == 302
    html = admin_client.get(f"/admin/learninglines/magiclink/{min(table_links)}/change/")
    assert html.context["adminform"].form.fields == {}  # a record: nothing to edit


def test_a_member_is_never_deleted_in_the_admin(admin_client, outbox):
    """Their delete page listed, by name, the reminders they got and their exchanges."""
    anna = outbox.members[0]
    assert admin_client.get(f"/admin/learninglines/member/{anna.pk}/delete/").status_code == 403
    user_page = admin_client.get(f"/admin/learninglines/user/{anna.user.pk}/change/")
    assert "memberships-0-DELETE" not in user_page.content.decode()


def test_an_ambition_and_a_small_exchange_are_named_by_number_only(teacher):
    """A delete page in the admin (a school year's, say) lists what it would take along by
    these names: never the person, the ambition or the exchange's topic."""
    year = school_year_ensure_current(school=teacher.school)
    ambition = ambition_save(member=teacher, year=year, text="Leren van Rekenen", sharing="private")
    colleague = MemberFactory(school=teacher.school)
    exchange = exchange_start(
        initiator=teacher,
        invitees=[colleague],
        topic="Samen een weektaak plannen",
        kind=PeerExchange.Kind.CONVERSATION,
        moments=[],
        self_arranged=True,
    )
    participant = exchange.participants.first()
    for thing in (ambition, exchange, participant):
        words = (teacher.full_name, colleague.full_name, "Rekenen", "weektaak")
        assert [word for word in words if word in str(thing)] == []
    assert (str(ambition), str(exchange)) == (
        f"Ambitie {ambition.pk}",
        f"Kleine uitwisseling {exchange.pk}",
    )
