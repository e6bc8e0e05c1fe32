#!/usr/bin/env bash
# Builds stand-ins for the two base images the Dockerfile names, from Debian's packages, because no
# container registry is reachable where the image test runs (field notes 8). The Dockerfile stays as
# users get it: the stand-ins are tagged with the names its FROM lines use.
#
#   src/test/container/stand-in-bases.sh      (root; needs podman, runc, debootstrap)
#
# An image that already exists is kept: its content depends only on the Debian release and the
# package list below, which are part of its tag's label, so a changed list builds it again.
set -euo pipefail

release=bookworm
mirror=$(sed -n 's/^URIs: *\([^ ]*\).*/\1/p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)
mirror=${mirror:-http://deb.debian.org/debian}
work=${STAND_IN_WORK:-/var/tmp/kafka-steps-stand-ins}

stand_in() {  # stand_in IMAGE PACKAGES
  local image=$1 packages=$2 label="$release:$2"
  if [ "$(podman image inspect --format '{{index .Labels "kafka-steps.stand-in"}}' "$image" 2>/dev/null)" = "$label" ]; then
    echo "stand-in $image: kept ($label)"
    return
  fi
  local rootfs="$work/$(echo "$image" | tr '/:' '__')"
  rm -rf "$rootfs"; mkdir -p "$rootfs"
  echo "stand-in $image: debootstrap $release with $packages"
  debootstrap --variant=minbase --include="$packages" "$release" "$rootfs" "$mirror" >"$rootfs.log" 2>&1 \
    || { tail -20 "$rootfs.log"; exit 1; }
  # Maven in the build stage must trust what the host's Java trusts to reach the package mirror.
  if [ -f /etc/ssl/certs/java/cacerts ] && [ -d "$rootfs/etc/ssl/certs/java" ]; then
    cp /etc/ssl/certs/java/cacerts "$rootfs/etc/ssl/certs/java/cacerts"
  fi
  rm -rf "$rootfs/var/cache/apt/archives"/*.deb "$rootfs/var/lib/apt/lists"/*
  tar -C "$rootfs" -c . | podman import --change "LABEL kafka-steps.stand-in=$label" - "$image" >/dev/null
  rm -rf "$rootfs" "$rootfs.log"
  echo "stand-in $image: built"
}

stand_in docker.io/library/eclipse-temurin:17-jre openjdk-17-jre-headless
stand_in docker.io/library/maven:3.9-eclipse-temurin-17 openjdk-17-jdk-headless,maven
