#!/usr/bin/env bash
# MORSE's old verify_database.sh, now `runner verify` (definitions, not just
# names). Reads DATABASE_URL; extra arguments go to verify (e.g. --format json).
set -euo pipefail
if [ -z "${DATABASE_URL:-}" ]; then
  echo "verify_database.sh: DATABASE_URL is not set; export the MORSE database URL" >&2
  exit 2
fi
exec "$(dirname "$0")/runner-bin" --profile morse-url verify "$@"
