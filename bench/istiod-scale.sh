#!/usr/bin/env bash
# The real-istiod scale benchmark: one Nacos 3.1 in-process with this plugin, the newest pinned istiod reading it
# over MCP and a second istiod reading the same ServiceEntries from files, sidecar-like xDS clients on both.
# Writes RESULTS.md, results.json and the charts to docs/benchmarks/istiod-scale (--full: 1,000 and 10,000
# services) or docs/benchmarks/istiod-scale/quick (--quick, the default: 100 and 1,000). Method and parameters:
# docs/benchmarks/istiod-scale.md.
#   bench/istiod-scale.sh [--quick | --full] [--sizes N,M] [--endpoints N] [--sidecars N] [--warm-up-changes N]
#                         [--latency-changes N] [--idle-seconds S] [--churn-rate R] [--churn-seconds S] [--out dir]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
./mvnw -q -B -ntp -Pbench -pl benchmarks/istiod-scale -am -DskipTests package
CP="$ROOT/benchmarks/istiod-scale/target/classes:$ROOT/benchmarks/side-by-side/target/classes:$(cat benchmarks/istiod-scale/target/classpath.txt)"
ARGS=()
OUT_GIVEN=false
for a in "$@"; do [ "$a" = "--out" ] && OUT_GIVEN=true; ARGS+=("$a"); done
if ! $OUT_GIVEN; then
  if printf '%s\n' "$@" | grep -qx -- --full; then ARGS+=(--out "$ROOT/docs/benchmarks/istiod-scale"); else ARGS+=(--out "$ROOT/docs/benchmarks/istiod-scale/quick"); fi
fi
# istiod's logs and Nacos's go under the module's target directory.
cd benchmarks/istiod-scale
exec java -Xmx4g -cp "$CP" io.nacosistio.bench.ScaleMain "${ARGS[@]}"
