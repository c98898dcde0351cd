#!/usr/bin/env bash
# MORSE's old rollback_database.sh, now `runner rollback`: removes everything
# MORSE owns (and nothing else). Reads DATABASE_URL.
# Usage: scripts/rollback_database.sh --confirm [--save-backup]
#   without --confirm: prints what would be removed and exits 2
#   --save-backup: pg_dump (custom format) into ./backups first
set -euo pipefail
args=()
for arg in "$@"; do
  case "$arg" in
    --confirm) args+=(--confirm) ;;
    --save-backup) args+=(--save-backup ./backups) ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    *) echo "rollback_database.sh: unknown option $arg (use --confirm and/or --save-backup)" >&2; exit 2 ;;
  esac
done
if [ -z "${DATABASE_URL:-}" ]; then
  echo "rollback_database.sh: DATABASE_URL is not set; export the MORSE database URL" >&2
  exit 2
fi
exec "$(dirname "$0")/runner-bin" --profile morse-url rollback "${args[@]}"
