#!/usr/bin/env bash
# The side-by-side benchmark: one real Nacos 3.1 in-process with this plugin and Nacos's built-in istio module,
# the same registry and the same istiod-like clients; with --heap-jvms true (full mode) one more Nacos per heap
# measurement. Writes RESULTS.md, results.json and the charts to docs/benchmarks (--full) or
# docs/benchmarks/quick (--quick, the default). Method and parameters: docs/benchmarks/README.md.
#   bench/run.sh [--quick | --full] [--out dir] [--logs dir] [--jvm-arg X] [--services N] [--endpoints M]
#                [--large-services N] [--clients N] [--warm-up-changes N] [--latency-changes N] [--churn-rate R]
#                [--churn-seconds S] [--idle-seconds S] [--stall-streams N] [--stall-changes N] [--full-sync-runs N]
#                [--heap-jvms true|false] [--built-in true|false]
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -ntp -Pbench -pl benchmarks/side-by-side -am -DskipTests package
CP="benchmarks/side-by-side/target/classes:$(cat benchmarks/side-by-side/target/classpath.txt)"
exec java -cp "$CP" io.nacosistio.bench.BenchMain "$@"
