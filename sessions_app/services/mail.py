"""One personal mail of the exchange app: a session mail with a sign-in link to one page.

Publishing a plan, reminding someone of a reflection form and every mail of a small exchange
carry a personal link that stays valid until the end of `day` and works on more than one
device (see `learninglines.services.signin.magic_link_for_session`). Staff accounts, which
never sign in by link, get the plain address of the page instead. Nothing is sent here: the
mail waits in the outbox.
"""

from __future__ import annotations

from datetime import date, datetime

from learninglines.models import PERSONAL_LINK_PLACEHOLDER, Member, OutgoingMail, School
from learninglines.services.links import site_url
from learninglines.services.outbox import mail_queue_from_template
from learninglines.services.signin import magic_link_for_session, may_use_magic_links


def session_mail_queue(
    *,
    member: Member,
    school: School,
    path: str,
    day: date,
    template: str,
    context: dict,
    now: datetime | None = None,
) -> OutgoingMail:
    """Queue `template` for `member` with `url` in its context: their personal link to `path`."""
    link = None
    if may_use_magic_links(member.user):
        link = magic_link_for_session(
            user=member.user, school=school, next_path=path, day=day, now=now
        )
    return mail_queue_from_template(
        to=member.user.email,
        template=template,
        context={
            "member": member,
            "url": PERSONAL_LINK_PLACEHOLDER if link else site_url(path),
            **context,
        },
        language=school.language,
        kind=OutgoingMail.Kind.SESSION,
        user=member.user,
        school=school,
        magic_link=link,
        send_now=False,
    )
