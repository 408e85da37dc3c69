#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into an EMPTY database and media folder.
#
#   DATABASE_URL=postgres://user:password@host:5432/minsheng_restored MEDIA_ROOT=/app/media \
#     scripts/restore.sh /backups/minsheng-20261128T020000Z
#
# Create the database first (createdb minsheng_restored); the script refuses a database that
# already holds tables, so that a restore never mixes with live data. Stop web, worker and beat
# while restoring over a live installation's database (drop and create it again first).
set -euo pipefail

folder="${1:?usage: scripts/restore.sh BACKUP_FOLDER}"
: "${DATABASE_URL:?DATABASE_URL must name the (empty) PostgreSQL database to restore into}"
media_root="${MEDIA_ROOT:-$(cd "$(dirname "$0")/.." && pwd)/media}"

(cd "$folder" && sha256sum --check --quiet SHA256SUMS)

tables=$(psql --dbname="$DATABASE_URL" --tuples-only --no-align \
  --command="SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")
if [ "$tables" != "0" ]; then
  echo "restore.sh: the database already has $tables tables; restore into an empty database" >&2
  exit 2
fi
pg_restore --no-owner --no-privileges --exit-on-error --single-transaction \
  --dbname="$DATABASE_URL" "$folder/database.dump"

mkdir -p "$media_root"
tar -xzf "$folder/media.tar.gz" -C "$media_root"
echo "restored $folder"
