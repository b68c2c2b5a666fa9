#!/usr/bin/env bash
# JMH microbenchmarks of the plugin's hot paths: converting, validating and serializing one service, and the
# ServiceEntry set rebuilt after one change at 1k and 10k services. Writes docs/benchmarks/jmh.md.
#   bench/jmh.sh [JMH arguments, e.g. SnapshotAfterOneChange -p services=10000]
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -ntp -Pbench -pl benchmarks/jmh -am -DskipTests package
CP="benchmarks/jmh/target/classes:$(cat benchmarks/jmh/target/classpath.txt)"
CSV=benchmarks/jmh/target/jmh.csv
java -cp "$CP" org.openjdk.jmh.Main -rf csv -rff "$CSV" "$@"
java -cp "$CP" io.nacosistio.bench.jmh.JmhReport "$CSV" docs/benchmarks/jmh.md
echo "wrote docs/benchmarks/jmh.md"
