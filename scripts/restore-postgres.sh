#!/usr/bin/env bash
# Restore a backup made by `python manage.py backup FILE` (pg_dump -Fc) into an EMPTY database.
#
#   createdb -h HOST -U USER exchange_restored          # or your provider's console
#   scripts/restore-postgres.sh FILE postgres://USER@HOST:5432/exchange_restored
#
# The target is a libpq connection string or URL; give the password in PGPASSWORD (or ~/.pgpass),
# not in the URL, so it does not show up in the process list. The script refuses a database that
# already has tables, stops at the first error and restores in a single transaction: either the
# whole backup is there afterwards or nothing is. Then point DATABASE_URL at the restored database
# and run `python manage.py migrate` (a no-op for a backup of the same version).
set -euo pipefail

if [ "$#" -ne 2 ]; then
  echo "usage: $0 BACKUP_FILE TARGET_DATABASE_URL" >&2
  exit 2
fi
backup=$1
target=$2

if [ ! -r "$backup" ]; then
  echo "Cannot read the backup file $backup." >&2
  exit 1
fi
# Checks the file is a pg_dump archive before touching the database.
pg_restore --list "$backup" >/dev/null

tables=$(psql "$target" --no-psqlrc --tuples-only --no-align --quiet \
  --command "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")
if [ "$tables" != "0" ]; then
  echo "The target database already has $tables tables; restore into an empty database." >&2
  exit 1
fi

pg_restore --dbname "$target" --no-owner --no-privileges --exit-on-error --single-transaction \
  "$backup"
echo "Restored $backup into the target database."
