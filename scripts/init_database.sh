#!/usr/bin/env bash
# MORSE's old init_database.sh, now a thin wrapper over the runner.
# Usage: scripts/init_database.sh [--with-test-data] [--force]
#   reads DATABASE_URL like the original;
#   --with-test-data  load the sample rows (treats the database as development)
#   --force           roll back everything MORSE owns first, then migrate
# Exit codes are the runner's (README "Exit codes").
set -euo pipefail
here=$(dirname "$0")
with_test_data=() force=false
for arg in "$@"; do
  case "$arg" in
    --with-test-data) with_test_data=(--with-test-data); export MORSE_PRODUCTION=false ;;
    --force) force=true ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "init_database.sh: unknown option $arg (use --with-test-data and/or --force)" >&2; exit 2 ;;
  esac
done
if [ -z "${DATABASE_URL:-}" ]; then
  echo "init_database.sh: DATABASE_URL is not set; export the MORSE database URL" >&2
  exit 2
fi
if $force; then
  "$here/runner-bin" --profile morse-url rollback --confirm
fi
exec "$here/runner-bin" --profile morse-url migrate "${with_test_data[@]}"
