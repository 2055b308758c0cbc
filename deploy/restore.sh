#!/usr/bin/env bash
# Restore a dump made by deploy/backup.sh into a database.
#
#   deploy/restore.sh DUMP [--clean]
#
# DATABASE_URL names the database to restore into, which must exist (createdb) and, unless
# --clean is given, be empty. --clean drops what the dump holds before restoring it. Stop the web
# and worker units first. Everything is restored in one transaction: on any error nothing changes.
# Uploads: tar -xzf ewview-media-<time>.tar.gz -C "$MEDIA_ROOT".
set -euo pipefail

dump="${1:?usage: deploy/restore.sh DUMP [--clean]}"
mode="${2:-}"
: "${DATABASE_URL:?DATABASE_URL must name the database to restore into}"
[ -r "$dump" ] || { echo "restore: cannot read $dump" >&2; exit 1; }

tables="$(psql "$DATABASE_URL" --no-psqlrc --tuples-only --no-align --command \
  "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")"
options=(--no-owner --no-privileges --exit-on-error --single-transaction)
if [ "$mode" = "--clean" ]; then
  options+=(--clean --if-exists)
elif [ "$tables" != "0" ]; then
  echo "restore: the database already has $tables tables; pass --clean to replace them" >&2
  exit 1
fi

pg_restore "${options[@]}" --dbname="$DATABASE_URL" "$dump"
echo "restored $dump"
