#!/usr/bin/env bash
# CI's Testcontainers leg: the integration tests on a Testcontainers PostgreSQL 15, then the tests of the
# harness's Testcontainers path (test/testcontainers/). Installs docker.io and debootstrap when missing,
# starts dockerd when it is not running (and stops it on exit, since this leg started it), builds the
# test image from Debian packages (scripts/build-test-postgres-image.sh; no registry needed).
# Where Docker cannot be had on the machine, it prints one line saying so and exits 0: the other legs
# still cover the integration tests. Any other failure fails the leg.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS

skip() {
  echo "== Testcontainers leg SKIPPED: $1; the integration tests ran only on the other servers"
  exit 0
}

if ! command -v dockerd >/dev/null || ! command -v debootstrap >/dev/null; then
  [ "$(id -u)" = 0 ] || skip "docker.io or debootstrap is missing and this is not root"
  echo "== installing docker.io and debootstrap"
  install_log=$(mktemp)
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io debootstrap; } >"$install_log" 2>&1; then
    skip "apt-get could not install docker.io and debootstrap: $(tail -n 1 "$install_log") (log: $install_log)"
  fi
  rm -f "$install_log"
fi

dockerd_pid=""
stop_dockerd() {
  kill -0 "$dockerd_pid" 2>/dev/null || return 0
  # Every container on a daemon this leg started is this run's (Ryuk is off, so nothing else reaps them).
  { docker ps -aq --filter label=org.testcontainers=true | xargs -r docker rm -f; } >/dev/null 2>&1 || true
  kill "$dockerd_pid"
  wait "$dockerd_pid" || true
  echo "== stopped the dockerd this leg started"
}
if ! docker info >/dev/null 2>&1; then
  dockerd_log=$(mktemp /tmp/ci-dockerd.XXXXXX.log)
  dockerd >"$dockerd_log" 2>&1 &
  dockerd_pid=$!
  trap stop_dockerd EXIT
  for _ in $(seq 60); do
    docker info >/dev/null 2>&1 && break
    kill -0 "$dockerd_pid" 2>/dev/null || break
    sleep 0.5
  done
  if ! docker info >/dev/null 2>&1; then
    skip "dockerd did not start: $(tail -n 1 "$dockerd_log") (log: $dockerd_log)"
  fi
  echo "== started dockerd (pid $dockerd_pid, log $dockerd_log) in $((SECONDS - started)) s"
fi

step=$SECONDS
image=$(scripts/build-test-postgres-image.sh)
echo "== test image $image ready in $((SECONDS - step)) s"

export TEST_POSTGRES_IMAGE=$image TEST_REQUIRE_TESTCONTAINERS=1 TESTCONTAINERS_RYUK_DISABLED=true
# Reach the container through its port published on loopback. Inside a container (/.dockerenv) Testcontainers
# would otherwise use the bridge gateway's private address: tests send traffic to loopback only.
export TESTCONTAINERS_HOST_OVERRIDE=${TESTCONTAINERS_HOST_OVERRIDE:-127.0.0.1}
unset TEST_DATABASE_URL

step=$SECONDS
echo "== integration tests on Testcontainers: TEST_POSTGRES_IMAGE=$image TEST_REQUIRE_TESTCONTAINERS=1 npm run test:integration"
npm run test:integration
echo "== integration tests on Testcontainers passed in $((SECONDS - step)) s"

step=$SECONDS
echo "== the harness's Testcontainers path and its fallback: npx vitest run --config test/testcontainers/vitest.config.ts"
npx vitest run --config test/testcontainers/vitest.config.ts
echo "== harness Testcontainers tests passed in $((SECONDS - step)) s"

# Tell .ci/run (when it asked, with CI_LEG_STATUS_FILE) that PostgreSQL 15 is covered.
if [ -n "${CI_LEG_STATUS_FILE:-}" ]; then echo passed >"$CI_LEG_STATUS_FILE"; fi
echo "== Testcontainers leg passed in $((SECONDS - started)) s"
