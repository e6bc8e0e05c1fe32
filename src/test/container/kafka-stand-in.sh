#!/usr/bin/env bash
# Builds a stand-in for docker.io/apache/kafka:3.9.1, the broker image docker-compose.yml runs,
# because no container registry is reachable where the compose test runs (field notes 8): FROM the
# stand-in JRE (stand-in-bases.sh), with Kafka 3.9.1's jars from the local Maven repository
# (kafka-stand-in/pom.xml) and a start-up that reads the real image's KAFKA_* variables.
#
#   src/test/container/kafka-stand-in.sh      (root; needs podman, runc, debootstrap, mvn)
#
# An image that already exists is kept when its label matches: a digest of kafka-stand-in/, this
# script and the base image's id, so a changed file or a rebuilt base builds it again.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
image=docker.io/apache/kafka:3.9.1
base=docker.io/library/eclipse-temurin:17-jre
work=${STAND_IN_WORK:-/var/tmp/kafka-steps-stand-ins}

"$here/stand-in-bases.sh"
label=$( { podman image inspect --format '{{.Id}}' "$base"; cat "$0"; find "$here/kafka-stand-in" -type f | sort | xargs cat; } \
  | sha256sum | cut -c1-16)
old=$(podman image inspect --format '{{.Id}} {{index .Labels "kafka-steps.stand-in"}}' "$image" 2>/dev/null || true)
if [ "${old#* }" = "$label" ]; then
  echo "stand-in $image: kept ($label)"
  exit 0
fi

mkdir -p "$work"
ctx=$(mktemp -d "$work/kafka.XXXXXX")
trap 'rm -rf "$ctx"' EXIT
cp -r "$here/kafka-stand-in/." "$ctx/"
echo "stand-in $image: Kafka's jars, then podman build"
mvn -B -ntp -q -f "$ctx/pom.xml" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$ctx/libs" >"$ctx.log" 2>&1 \
  || { tail -20 "$ctx.log"; rm -f "$ctx.log"; exit 1; }
podman --runtime runc build --format docker --pull=never --network none \
  --ulimit nofile=20000:20000 --ulimit nproc=4096:4096 \
  --label "kafka-steps.stand-in=$label" -t "$image" -f "$ctx/Containerfile" "$ctx" >"$ctx.log" 2>&1 \
  || { tail -20 "$ctx.log"; rm -f "$ctx.log"; exit 1; }
rm -f "$ctx.log"
# the image this one replaces, unless a container still uses it
[ -n "$old" ] && podman rmi "${old%% *}" >/dev/null 2>&1 || true
echo "stand-in $image: built ($label)"
