#!/usr/bin/env bash
# Builds the plugin and starts a real Nacos 3.1 (standalone, embedded storage) with it:
# HTTP 8848, gRPC 9848, MCP-over-XDS 18848, debug view 18849. Data under ./work/nacos.
# Extra arguments are Nacos or plugin properties, e.g. --nacos.mesh.mcp.port=28848
#
# bin/quickstart.sh --cluster: three Nacos 3.1 members on loopback instead, each in a JVM of its own with the
# plugin (HTTP 8848/8858/8868, gRPC +1000, MCP 18848/18858/18868, debug 18849/18859/18869, a load-balanced MCP
# address 18840 in front of the three), data under ./work/cluster; Ctrl-C stops all of them. Other ports:
# --http-ports=a,b,c --mcp-ports=x,y,z --debug-ports=u,v,w --balancer-port=n; --heap=512m per member.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -ntp -pl quickstart -am -DskipTests package
MAIN=io.nacosistio.quickstart.QuickStart
HOME_DIR="${NACOS_HOME:-$PWD/work/nacos}"
if [ "${1:-}" = "--cluster" ]; then
  shift
  MAIN=io.nacosistio.quickstart.ClusterQuickStart
  HOME_DIR="${NACOS_HOME:-$PWD/work/cluster}"
fi
exec java -cp "quickstart/target/classes:$(cat quickstart/target/classpath.txt)" \
  -Dnacos.home="$HOME_DIR" "$MAIN" "$@"
