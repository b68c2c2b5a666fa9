#!/usr/bin/env bash
# The cluster benchmark: three Nacos 3.1 members with this plugin, each in a JVM of its own, a Nacos client and
# an istiod-like stream on each; change -> every member's stream p50/p99 and heap per member at 100,000 endpoints.
# Writes docs/benchmarks/cluster/RESULTS.md (or --out dir). Method: docs/benchmarks/README.md#nacos-cluster.
#   bench/cluster.sh [--services N] [--endpoints M] [--clients-per-member K] [--changes C] [--interval-ms I] [--member-heap H] [--member-properties k=v,...] [--out dir]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
./mvnw -q -B -ntp -Pbench -pl benchmarks/cluster -am -DskipTests package
CP="$ROOT/benchmarks/cluster/target/classes:$ROOT/benchmarks/side-by-side/target/classes:$(cat benchmarks/cluster/target/classpath.txt)"
ARGS=()
OUT_GIVEN=false
for a in "$@"; do [ "$a" = "--out" ] && OUT_GIVEN=true; ARGS+=("$a"); done
$OUT_GIVEN || ARGS+=(--out "$ROOT/docs/benchmarks/cluster")
# The members' logs go under the module's target directory.
cd benchmarks/cluster
exec java -Xmx4g -cp "$CP" io.nacosistio.bench.ClusterBenchMain "${ARGS[@]}"
