#!/usr/bin/env bash
# CI's scale leg (npm run test:scale): a primary with a streaming replica, and PgBouncer in transaction mode
# (its own tests and the repository's integration suite through it), on servers the tests start themselves
# from Debian's postgresql-15 binaries and pgbouncer package. Installs them when missing (as root).
# Where they cannot be had, it prints one line saying so and exits 0: the leg is SKIPPED visibly, never
# silently. Any other failure fails the leg.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS

skip() {
  echo "== scale leg SKIPPED: $1; replicas and PgBouncer were NOT tested"
  exit 0
}

missing=()
[ -x /usr/lib/postgresql/15/bin/pg_basebackup ] || missing+=(postgresql-15)
[ -x /usr/sbin/pgbouncer ] || missing+=(pgbouncer)
if [ ${#missing[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || skip "${missing[*]} missing and this is not root"
  echo "== installing ${missing[*]}"
  install_log=$(mktemp)
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"; } >"$install_log" 2>&1; then
    skip "apt-get could not install ${missing[*]}: $(tail -n 1 "$install_log") (log: $install_log)"
  fi
  rm -f "$install_log"
fi
id postgres >/dev/null 2>&1 || skip "there is no postgres user to run the servers as"

npm run test:scale
echo "== scale leg passed in $((SECONDS - started)) s"
