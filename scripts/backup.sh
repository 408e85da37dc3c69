#!/usr/bin/env bash
# Back up the portal: the PostgreSQL database (pg_dump, custom format) and the uploaded files.
#
#   DATABASE_URL=postgres://user:password@host:5432/minsheng MEDIA_ROOT=/app/media \
#     scripts/backup.sh /backups
#
# Writes /backups/minsheng-<UTC date and time>/ holding database.dump, media.tar.gz and
# SHA256SUMS, and prints that folder's path. Run it from cron or a systemd timer; keep copies
# on another machine. Restore with scripts/restore.sh.
set -euo pipefail

destination="${1:?usage: scripts/backup.sh DESTINATION_FOLDER}"
: "${DATABASE_URL:?DATABASE_URL must name the PostgreSQL database (postgres://…)}"
case "$DATABASE_URL" in
  postgres://* | postgresql://*) ;;
  *) echo "backup.sh: DATABASE_URL is not a PostgreSQL database; back up SQLite by copying its file" >&2; exit 2 ;;
esac
media_root="${MEDIA_ROOT:-$(cd "$(dirname "$0")/.." && pwd)/media}"

folder="$destination/minsheng-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$folder"
# A consistent snapshot of the database while the portal keeps running.
pg_dump --format=custom --no-owner --no-privileges --file="$folder/database.dump" --dbname="$DATABASE_URL"
if [ -d "$media_root" ]; then
  tar -czf "$folder/media.tar.gz" -C "$media_root" .
else
  tar -czf "$folder/media.tar.gz" --files-from=/dev/null
fi
(cd "$folder" && sha256sum database.dump media.tar.gz > SHA256SUMS)
echo "$folder"
