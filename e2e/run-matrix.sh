#!/usr/bin/env bash
# The end-to-end matrix: every pinned istiod (e2e/istio-versions.properties) against the plugin in Nacos 3.1
# and Nacos 2.3, with a keepalive soak of several minutes at istiod's default 30 s ping interval, plus the
# same istiod against Nacos 3.1's built-in istio module side by side, and the data-plane tests (a sidecar's xDS and
# proxyless gRPC calls) against every pin, and the rolling restart of a three-member Nacos cluster under
# continuous churn (each Nacos version, newest istiod; docs/cluster.md). Prints a summary table.
#
#   e2e/run-matrix.sh [soak-seconds]        (default 180)
#
# Logs: target/e2e-matrix/<istio>-<nacos>.log. Exit status is non-zero if any leg failed.
set -uo pipefail
cd "$(dirname "$0")/.."
SOAK=${1:-180}
OUT=target/e2e-matrix
mkdir -p "$OUT"
VERSIONS=$(sed -n 's/^\([a-z0-9]*\)\.label=.*/\1/p' e2e/istio-versions.properties)

for v in $VERSIONS; do
  if ! e2e/install-istiod.sh "$v" >/dev/null; then
    echo "matrix: istiod '$v' could not be obtained; see the message above" >&2
    exit 1
  fi
done

status=0
declare -a rows
for v in $VERSIONS; do
  for nacos in nacos-3.1 nacos-2.3; do
    tests='RealIstiodIn*Test'
    extra=()
    if [[ $nacos == nacos-3.1 ]]; then
      tests="$tests,BuiltInModuleSideBySideTest"
      extra=(-De2e.side-by-side=true)
    fi
    log="$OUT/$v-$nacos.log"
    echo "matrix: istiod $v x $nacos (log $log)"
    start=$SECONDS
    ./mvnw -B -ntp verify -pl "integration-tests/$nacos" -am -Dtest="$tests" -Dsurefire.failIfNoSpecifiedTests=false \
      -Distiod.version="$v" -De2e.soak.seconds="$SOAK" -De2e.keepalive.interval=30s "${extra[@]}" > "$log" 2>&1
    rc=$?
    [[ $rc -ne 0 ]] && status=1
    result=$([[ $rc -eq 0 ]] && echo PASS || echo FAIL)
    rows+=("$v|$nacos|$result|$((SECONDS - start)) s|$(grep -h '^E2E-RESULT' "$log" | tail -1 | sed 's/^E2E-RESULT //')|$(grep -h '^E2E-RESTART' "$log" | tail -1 | sed 's/^E2E-RESTART //')")
  done
done

# A three-member Nacos cluster: the smoke of the test command plus every member restarted in turn under churn.
for nacos in nacos-3.1 nacos-2.3; do
  log="$OUT/cluster-rolling-$nacos.log"
  echo "matrix: Nacos cluster rolling restart x $nacos, istiod newest (log $log)"
  start=$SECONDS
  ./mvnw -B -ntp verify -pl "integration-tests/$nacos" -am -Dtest='ClusterIn*Test' -Dsurefire.failIfNoSpecifiedTests=false \
    -Distiod.version=newest -De2e.cluster.rolling=true > "$log" 2>&1
  rc=$?
  [[ $rc -ne 0 ]] && status=1
  rows+=("newest|$nacos cluster|$([[ $rc -eq 0 ]] && echo PASS || echo FAIL)|$((SECONDS - start)) s|$(grep -h '^CLUSTER-ROLLING' "$log" | tail -1 | sed 's/^CLUSTER-ROLLING //')|$(grep -h '^CLUSTER-RESTART' "$log" | tail -1 | sed 's/^CLUSTER-RESTART //')")
done

echo
echo "End-to-end matrix, $(date -u +%F), soak ${SOAK} s at istiod's 30 s keepalive"
printf '%-8s | %-9s | %-6s | %-7s | %s\n' istiod nacos result time "measured (sync, change latencies; restart)"
for row in "${rows[@]}"; do
  IFS='|' read -r v nacos result took measured restart <<< "$row"
  printf '%-8s | %-9s | %-6s | %-7s | %s; %s\n' "$v" "$nacos" "$result" "$took" "${measured:-none}" "${restart:-none}"
done
echo
echo "Data plane: a sidecar's xDS and proxyless gRPC calls through the same istiod (docs/data-plane.md)"
grep -h '^DATA-PLANE' "$OUT"/*.log | sed 's/^DATA-PLANE /  /' || echo "  (no data-plane results)"
echo
echo "Side by side on Nacos 3.1 (same registry, same istiod): plugin vs built-in module"
grep -h '^SIDE-BY-SIDE' "$OUT"/*-nacos-3.1.log | sed 's/^SIDE-BY-SIDE /  /' || echo "  (no side-by-side results)"
grep -h '^types istiod received' "$OUT"/*-nacos-3.1.log | sed 's/^/  /'
exit $status
