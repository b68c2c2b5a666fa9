#!/usr/bin/env bash
# Idle CPU of a Nacos 3.1 with nacos-istio-plugin and one connected istiod-like client, against the same
# Nacos without the plugin (no client: nothing to connect to), and against Nacos's built-in istio module
# with the same client connected. Each Nacos idles for a warm-up, then its process CPU time is sampled
# over the measurement window.
#   [ROUNDS=2] bench/idle-cpu.sh [measure-seconds] [warmup-seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
MEASURE=${1:-60}
WARMUP=${2:-20}
./mvnw -q -B -ntp -pl quickstart,integration-tests/test-support -am -DskipTests package
CP="quickstart/target/classes:$(cat quickstart/target/classpath.txt)"
CLIENT_CP="integration-tests/test-support/target/classes:$CP"
HTTP=${BENCH_HTTP_PORT:-28848}
MCP=${BENCH_MCP_PORT:-28860}
TICKS=$(getconf CLK_TCK)

cpu_seconds() { awk -v t="$TICKS" '{print ($14+$15)/t}' "/proc/$1/stat"; }
# CPU of the plugin's own threads (all named nacos-mesh-*), to attribute what the plugin itself costs.
plugin_seconds() {
  local sum=0 t
  for t in /proc/$1/task/*; do
    if [[ "$(cat "$t/comm" 2>/dev/null)" == nacos-mesh* ]]; then
      sum=$((sum + $(awk '{print $14+$15}' "$t/stat" 2>/dev/null || echo 0)))
    fi
  done
  awk -v s="$sum" -v t="$TICKS" 'BEGIN {print s/t}'
}

run() {
  local label=$1; shift
  local types=$1; shift
  local home; home=$(mktemp -d)
  java -cp "$CP" -Dnacos.home="$home" io.nacosistio.quickstart.QuickStart \
    --nacos.server.main.port=$HTTP --nacos.mesh.debug.port=0 "$@" > "$home/out.log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 180); do grep -q 'Press Ctrl+C to stop' "$home/out.log" 2>/dev/null && break; sleep 1; done
  if ! kill -0 "$pid" 2>/dev/null || ! grep -q 'Press Ctrl+C to stop' "$home/out.log"; then
    echo "$label: Nacos did not start; its output:" >&2
    grep -E 'ERROR|Caused by' "$home/out.log" | head -5 >&2
    kill "$pid" 2>/dev/null || true
    rm -rf "$home"
    exit 1
  fi
  local client=""
  if [ "$label" != "no-plugin" ]; then
    java -cp "$CLIENT_CP" io.nacosistio.it.IdleClientMain 127.0.0.1 $MCP $((WARMUP + MEASURE + 30)) "$types" > "$home/client.log" 2>&1 &
    client=$!
  fi
  sleep "$WARMUP"
  local a; a=$(cpu_seconds $pid)
  local pa; pa=$(plugin_seconds $pid)
  sleep "$MEASURE"
  local b; b=$(cpu_seconds $pid)
  local pb; pb=$(plugin_seconds $pid)
  awk -v a="$a" -v b="$b" -v pa="$pa" -v pb="$pb" -v m="$MEASURE" -v l="$label" \
    'BEGIN { printf "%-22s %8.3f s CPU in %d s = %5.2f %% of one core (nacos-mesh-* threads: %.3f s)\n", l, b - a, m, 100 * (b - a) / m, pb - pa }'
  if [ -n "$client" ]; then
    echo "  client: $(head -1 "$home/client.log" | cut -c1-200)"
    kill "$client" 2>/dev/null || true
  fi
  kill "$pid"; wait "$pid" 2>/dev/null || true
  rm -rf "$home"
}

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(java -version 2>&1 | head -1); $(date -u +%F)"
for round in $(seq 1 "${ROUNDS:-2}"); do
  run no-plugin 1.24 --nacos.mesh.mcp.enabled=false
  run plugin+client 1.24 --nacos.mesh.mcp.enabled=true --nacos.mesh.mcp.port=$MCP
  # Nacos's built-in module knows only the 1.20-era type URLs: give it a client it can answer.
  run built-in+client 1.20 --nacos.mesh.mcp.enabled=false --nacos.extension.naming.istio.enabled=true \
    --nacos.istio.mcp.server.enabled=true --nacos.istio.mcp.server.port=$MCP
done
