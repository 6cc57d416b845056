"""How long the staff import takes for a school's whole team, in one request each step.

Builds a staff list of N teachers in 4 lines (XLSX or CSV), then times, against a fresh
database: the upload (the form reads the file), the preview page, and the confirmation that
saves everyone, each through Django's test client as one request; then the same file again
(every row "unchanged"), then a file that moves everyone to another line. Prints one line per
step, in seconds.

Run from the repository root: ``.venv/bin/python bench/staff_import.py [--rows 500]``. Uses a
SQLite file in a temporary folder unless DATABASE_URL is set (then a test database next to it,
created and dropped here).
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "exchange.settings")


def staff_list(rows: int, kind: str, line_names: list[str]) -> bytes:
    headers = ["Voornaam", "Tussenvoegsel", "Achternaam", "E-mailadres", "Leerlijn", "Stuurgroep"]
    people = [
        [
            f"Voornaam{n}",
            "van" if n % 5 == 0 else "",
            f"Achternaam{n}",
            f"leerkracht{n}@school.example",
            line_names[n % len(line_names)],
            "ja" if n < 4 else "",
        ]
        for n in range(rows)
    ]
    if kind == "csv":
        text = "\r\n".join(";".join(row) for row in [headers, *people])
        return ("\ufeff" + text).encode("utf-8")
    import openpyxl

    workbook = openpyxl.Workbook()
    for row in [headers, *people]:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=500)
    parser.add_argument("--kind", choices=["xlsx", "csv"], default="xlsx")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test.utils import get_runner

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ALLOWED_HOSTS = ["testserver"]
    runner = get_runner(settings)(verbosity=0)
    runner.setup_test_environment()  # responses carry their template context
    old_config = runner.setup_databases()
    try:
        from django.test import Client

        from learninglines.models import LineMembership, Member, StaffImport
        from learninglines.services.lines import line_create
        from learninglines.services.people import school_create, school_year_ensure_current

        setup = school_create(
            name="Bench school",
            slug="bench",
            steering_email="stuurgroep@school.example",
            first_name="Anouk",
            last_name="Vries",
            send_invite=False,
        )
        year = school_year_ensure_current(school=setup.school)
        names = ["Rekenen", "Lezen", "Burgerschap", "Wereldoriëntatie"]
        for name in names:
            line_create(school=setup.school, year=year, name=name)
        content = staff_list(args.rows, args.kind, names)
        client = Client()
        client.force_login(setup.steering.user)
        url = "/s/bench/team/import/"

        def timed(label, call):
            start = time.perf_counter()
            response = call()
            print(f"{label:<38} {time.perf_counter() - start:6.2f} s")
            return response

        client.get(url)  # the first request loads URLs and templates; not part of an import
        engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
        print(f"{args.rows} rows, {args.kind}, {len(content) // 1024} KB, {engine}")
        # The worst case: everyone moves to another line (a move ends one membership and
        # starts the next, row by row through membership_move).
        moved = staff_list(args.rows, args.kind, names[1:] + names[:1])
        steps = [("first import", content), ("same file again", content)]
        steps.append(("everyone moves to another line", moved))
        for attempt, data in steps:
            print(f"-- {attempt}")
            upload = SimpleUploadedFile(f"team.{args.kind}", data)
            response = timed("upload", lambda u=upload: client.post(url, {"file": u}))
            preview_url = response["Location"]
            response = timed("preview page", lambda p=preview_url: client.get(p))
            fingerprint = response.context["preview"].fingerprint
            pk = StaffImport.objects.latest("pk").pk
            confirm = f"{url}{pk}/confirm/"
            if response.context["preview"].changes:
                response = timed(
                    "confirm (saves every change)",
                    lambda c=confirm, f=fingerprint: client.post(c, {"fingerprint": f}),
                )
                assert response.status_code == 302, response.status_code
        members = Member.objects.filter(school=setup.school).count()
        in_lines = LineMembership.objects.filter(member__school=setup.school).count()
        print(f"team: {members} members, {in_lines} in a line")
    finally:
        runner.teardown_databases(old_config)
        runner.teardown_test_environment()


if __name__ == "__main__":
    main()
