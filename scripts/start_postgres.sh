#!/usr/bin/env bash
# Start PostgreSQL from Debian's packages and make an empty database for the tests
# that store conversations there. Needs root (CI and the dev machines run as root).
# Prints the TRACKER_URL to use.
set -euo pipefail
DB=${1:-rasa_test}
if ! command -v pg_ctlcluster >/dev/null; then
  apt-get update -qq >&2 && apt-get install -y -qq postgresql >&2
fi
read -r VERSION CLUSTER PORT STATUS _ < <(pg_lsclusters -h | head -n 1)
# Only the URL goes to stdout: callers capture it with $(...).
[ "$STATUS" = online ] || pg_ctlcluster "$VERSION" "$CLUSTER" start >&2
as_postgres() { su postgres -c "$1"; }
as_postgres "psql -p $PORT -tAc \"SELECT 1 FROM pg_roles WHERE rolname='rasa'\"" | grep -q 1 \
  || as_postgres "psql -p $PORT -qc \"CREATE ROLE rasa LOGIN PASSWORD 'rasa'\""
as_postgres "psql -p $PORT -qc 'SET client_min_messages = warning' -c 'DROP DATABASE IF EXISTS $DB'"
as_postgres "createdb -p $PORT -O rasa $DB"
echo "postgresql://rasa:rasa@localhost:$PORT/$DB"
