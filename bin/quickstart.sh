#!/usr/bin/env bash
# Builds the plugin and starts a real Nacos 3.1 (standalone, embedded storage) with it:
# HTTP 8848, gRPC 9848, MCP-over-XDS 18848, debug view 18849. Data under ./work/nacos.
# Extra arguments are Nacos or plugin properties, e.g. --nacos.mesh.mcp.port=28848
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -ntp -pl quickstart -am -DskipTests package
exec java -cp "quickstart/target/classes:$(cat quickstart/target/classpath.txt)" \
  -Dnacos.home="${NACOS_HOME:-$PWD/work/nacos}" io.nacosistio.quickstart.QuickStart "$@"
