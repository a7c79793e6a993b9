#!/usr/bin/env bash
# Builds the PostgreSQL image the Testcontainers leg of the integration tests runs on, from Debian
# packages only (no image registry needed): debootstrap a minimal root file system of this machine's
# Debian suite with postgresql-$TEST_POSTGRES_MAJOR, add scripts/test-postgres-image/entrypoint.sh,
# `docker import` it. Skipped when the image already exists: its tag carries a hash of this script, the
# entrypoint, the suite and the major version, so a change to any of them builds a new image.
#
# Usage: scripts/build-test-postgres-image.sh [image-name]
# Prints the image name on stdout (progress goes to stderr), for TEST_POSTGRES_IMAGE.
# Needs root, debootstrap and a running Docker daemon.
# Environment: TEST_POSTGRES_MAJOR (default 15), DEBIAN_SUITE (default: this machine's, from
# /etc/os-release), DEBIAN_MIRROR (default: the first Debian mirror in this machine's apt sources).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
entrypoint=$here/test-postgres-image/entrypoint.sh
major=${TEST_POSTGRES_MAJOR:-15}

# The machine's own apt configuration names the mirror it can reach.
debian_mirror() {
  local uri
  uri=$({
    grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | sed 's/^URIs:[[:space:]]*//' | tr ' ' '\n'
    grep -hs '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list | sed -E 's/^deb +(\[[^]]*\] +)?//' | cut -d' ' -f1
  } | grep -E '/debian/?$' | head -n 1 || true)
  echo "${uri:-http://deb.debian.org/debian}"
}

suite=${DEBIAN_SUITE:-$(. /etc/os-release && echo "${VERSION_CODENAME:-}")}
if [ -z "$suite" ]; then
  echo "build-test-postgres-image: cannot tell this machine's Debian suite; set DEBIAN_SUITE" >&2
  exit 1
fi
mirror=${DEBIAN_MIRROR:-$(debian_mirror)}
inputs_hash=$({ cat "${BASH_SOURCE[0]}" "$entrypoint"; echo "$suite $major"; } | sha256sum | cut -c1-12)
image=${1:-se-letters-db-test-postgres:$major-$suite-$inputs_hash}

if docker image inspect "$image" >/dev/null 2>&1; then
  echo "build-test-postgres-image: $image exists, not rebuilt" >&2
  echo "$image"
  exit 0
fi

rootfs=$(mktemp -d /var/tmp/test-postgres-rootfs.XXXXXX)
log=$rootfs.log
# debootstrap mounts /proc and /sys inside the root file system and may leave them mounted when it
# fails: unmount before removing, and never cross into another file system.
remove_rootfs() {
  findmnt -R -n -l -o TARGET "$rootfs" 2>/dev/null | sort -r | xargs -r umount -l 2>/dev/null || true
  rm -rf --one-file-system "$rootfs"
}
trap remove_rootfs EXIT

echo "build-test-postgres-image: debootstrap $suite from $mirror with postgresql-$major (log: $log)" >&2
if ! debootstrap --variant=minbase --include="postgresql-$major" "$suite" "$rootfs" "$mirror" >"$log" 2>&1; then
  tail -n 20 "$log" >&2
  echo "build-test-postgres-image: debootstrap failed (log: $log)" >&2
  exit 1
fi

# The package's post-install script created a cluster the image does not use; the entrypoint makes
# its own in PGDATA at first start.
rm -rf "$rootfs/var/lib/postgresql/$major" "$rootfs/etc/postgresql/$major" "$rootfs"/var/cache/apt/archives/*.deb
install -m 755 "$entrypoint" "$rootfs/usr/local/bin/docker-entrypoint.sh"
chroot "$rootfs" install -d -o postgres -g postgres -m 700 /var/lib/postgresql/data
chroot "$rootfs" install -d -o postgres -g postgres -m 2775 /run/postgresql

echo "build-test-postgres-image: importing $image" >&2
tar -C "$rootfs" -c . | docker import \
  -c 'ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]' \
  -c 'EXPOSE 5432' \
  -c 'USER postgres' \
  -c 'ENV PGDATA=/var/lib/postgresql/data' \
  -c "ENV PATH=/usr/lib/postgresql/$major/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
  - "$image" >/dev/null
rm -f "$log"
echo "$image"
