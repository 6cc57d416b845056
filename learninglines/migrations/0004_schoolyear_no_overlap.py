"""School years of one school never overlap, held by the database itself.

Django has no portable overlap constraint: PostgreSQL gets an exclusion constraint over date
ranges (with btree_gist for the school column), SQLite gets triggers that abort an insert or
update that would overlap. SchoolYear.clean() says the same in words for forms.
"""

from django.db import migrations

POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    'ALTER TABLE learninglines_schoolyear ADD CONSTRAINT schoolyear_no_overlap EXCLUDE USING '
    'gist (school_id WITH =, daterange(start, "end", \'[]\') WITH &&)',
]
POSTGRES_BACKWARD = [
    "ALTER TABLE learninglines_schoolyear DROP CONSTRAINT IF EXISTS schoolyear_no_overlap",
]
_SQLITE_CHECK = (
    "BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: schoolyear_no_overlap') "
    "WHERE EXISTS (SELECT 1 FROM learninglines_schoolyear y WHERE y.school_id = NEW.school_id "
    'AND y.id IS NOT NEW.id AND y.start <= NEW."end" AND y."end" >= NEW.start); END'
)
SQLITE_FORWARD = [
    "CREATE TRIGGER schoolyear_no_overlap_insert BEFORE INSERT ON learninglines_schoolyear "
    + _SQLITE_CHECK,
    "CREATE TRIGGER schoolyear_no_overlap_update BEFORE UPDATE ON learninglines_schoolyear "
    + _SQLITE_CHECK,
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS schoolyear_no_overlap_insert",
    "DROP TRIGGER IF EXISTS schoolyear_no_overlap_update",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("learninglines", "0003_outbox_kind_coach_end_email_lower"),
    ]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        ),
    ]
