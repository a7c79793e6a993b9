#!/bin/sh
# Entrypoint of the Debian-built PostgreSQL test image (scripts/build-test-postgres-image.sh).
# It honours the part of the official postgres image's contract that Testcontainers' PostgreSqlContainer
# relies on: POSTGRES_USER, POSTGRES_PASSWORD and POSTGRES_DB name the superuser, its password and a
# database created at first start; TCP connections from anywhere authenticate with scram-sha-256; the
# server listens on all addresses only once set up, so a `pg_isready --host localhost` health check
# answers only when the database exists. Runs as the postgres user (the image sets USER postgres).
set -eu

: "${POSTGRES_USER:=postgres}"
: "${POSTGRES_DB:=$POSTGRES_USER}"
: "${PGDATA:=/var/lib/postgresql/data}"

if [ -z "${POSTGRES_PASSWORD:-}" ]; then
  echo "entrypoint: POSTGRES_PASSWORD is not set; this image needs a superuser password" >&2
  exit 1
fi

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  password_file=$(mktemp)
  printf '%s\n' "$POSTGRES_PASSWORD" >"$password_file"
  initdb --pgdata="$PGDATA" --username="$POSTGRES_USER" --pwfile="$password_file" \
    --auth-local=trust --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8
  rm -f "$password_file"
  # initdb's host lines cover loopback only; the test runner connects through the mapped port.
  printf 'host all all all scram-sha-256\n' >>"$PGDATA/pg_hba.conf"
  if [ "$POSTGRES_DB" != "postgres" ]; then
    # Single-user mode: no network listener exists while the database is being created.
    printf 'CREATE DATABASE "%s";\n' "$POSTGRES_DB" | postgres --single -D "$PGDATA" postgres >/dev/null
  fi
fi

exec postgres -D "$PGDATA" -c listen_addresses='*' "$@"
