#!/usr/bin/env bash
# Back up ewview's database (and local uploads) to a folder: run it daily from cron or a timer.
#
#   deploy/backup.sh [BACKUP_DIR]
#
# DATABASE_URL names the database (as in /etc/ewview/ewview.env); BACKUP_DIR defaults to
# /var/backups/ewview. Writes ewview-<UTC time>.dump (pg_dump's custom format: compressed,
# restored with deploy/restore.sh) and, when MEDIA_ROOT is a folder, ewview-media-<time>.tar.gz.
# Backups older than BACKUP_KEEP_DAYS (14) are deleted. Prints the dump's path.
# Uploads in a bucket (MEDIA_STORAGE=s3) are backed up by the bucket's versioning instead.
set -euo pipefail

: "${DATABASE_URL:?DATABASE_URL must name the database to back up}"
dir="${1:-${BACKUP_DIR:-/var/backups/ewview}}"
keep_days="${BACKUP_KEEP_DAYS:-14}"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
dump="$dir/ewview-$stamp.dump"

mkdir -p "$dir"
umask 077  # the dump holds subscribers' addresses
# Written under another name first: a dump cut short never looks like a finished backup.
pg_dump --format=custom --no-owner --no-privileges --file="$dump.partial" "$DATABASE_URL"
mv "$dump.partial" "$dump"

if [ -n "${MEDIA_ROOT:-}" ] && [ -d "$MEDIA_ROOT" ]; then
  tar -czf "$dir/ewview-media-$stamp.tar.gz.partial" -C "$MEDIA_ROOT" .
  mv "$dir/ewview-media-$stamp.tar.gz.partial" "$dir/ewview-media-$stamp.tar.gz"
fi

find "$dir" -maxdepth 1 -name 'ewview-*' -mtime +"$keep_days" -delete
echo "$dump"
