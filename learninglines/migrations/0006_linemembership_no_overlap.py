"""A member is in at most one line at any date, held by the database itself.

As for school years (0004): an exclusion constraint over date ranges on PostgreSQL (an open
membership has no upper bound), triggers on SQLite. The membership services say the same in
words before saving.
"""

from django.db import migrations

POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    "ALTER TABLE learninglines_linemembership ADD CONSTRAINT linemembership_no_overlap EXCLUDE "
    'USING gist (member_id WITH =, daterange(start, "end", \'[]\') WITH &&)',
]
POSTGRES_BACKWARD = [
    "ALTER TABLE learninglines_linemembership DROP CONSTRAINT IF EXISTS linemembership_no_overlap",
]
_SQLITE_CHECK = (
    "BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: linemembership_no_overlap') "
    "WHERE EXISTS (SELECT 1 FROM learninglines_linemembership m "
    "WHERE m.member_id = NEW.member_id AND m.id IS NOT NEW.id "
    "AND m.start <= COALESCE(NEW.\"end\", '9999-12-31') "
    "AND COALESCE(m.\"end\", '9999-12-31') >= NEW.start); END"
)
SQLITE_FORWARD = [
    "CREATE TRIGGER linemembership_no_overlap_insert BEFORE INSERT ON "
    "learninglines_linemembership " + _SQLITE_CHECK,
    "CREATE TRIGGER linemembership_no_overlap_update BEFORE UPDATE ON "
    "learninglines_linemembership " + _SQLITE_CHECK,
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS linemembership_no_overlap_insert",
    "DROP TRIGGER IF EXISTS linemembership_no_overlap_update",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("learninglines", "0005_lines_meetings_log"),
    ]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        ),
    ]
