#!/usr/bin/env bash
# Installs nacos-istio-plugin into a Nacos distribution (2.3+ or 3.x):
#   bin/install-into-nacos.sh <NACOS_HOME>
# copies the drop-in jar into <NACOS_HOME>/plugins/ (replacing another version of it) and appends this
# repository's conf/application.properties (the plugin's properties with their defaults, switched on) to
# <NACOS_HOME>/conf/application.properties, once: running it again changes nothing but the jar. Refuses a
# Nacos whose built-in istio module is enabled on the plugin's port. Restart Nacos afterwards.
# The jar is $PLUGIN_JAR, else the one this checkout built (./mvnw -B -ntp -DskipTests package).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
begin="# >>> nacos-istio-plugin >>>"
end="# <<< nacos-istio-plugin <<<"

if [ $# -ne 1 ]; then
  echo "usage: $0 <NACOS_HOME>" >&2
  exit 2
fi
home="$1"
conf="$home/conf/application.properties"
if [ ! -f "$conf" ]; then
  echo "install-into-nacos: $conf not found; is $home a Nacos distribution (bin/, conf/, target/)?" >&2
  exit 2
fi

jar="${PLUGIN_JAR:-}"
if [ -z "$jar" ]; then
  for candidate in "$here"/distribution/target/nacos-istio-plugin-*.jar; do
    if [ -f "$candidate" ]; then jar="$candidate"; fi
  done
fi
if [ -z "$jar" ] || [ ! -f "$jar" ]; then
  echo "install-into-nacos: no plugin jar; build it with ./mvnw -B -ntp -DskipTests package or set PLUGIN_JAR" >&2
  exit 2
fi

# The last uncommented value of a property in the file, or the default.
property() {
  local value
  value="$(grep -E "^[[:space:]]*$1[[:space:]]*[=:]" "$conf" | tail -n 1 | sed -E 's/^[^=:]*[=:][[:space:]]*//; s/[[:space:]]*$//' || true)"
  echo "${value:-$2}"
}
plugin_port="$(property 'nacos\.mesh\.mcp\.port' 18848)"
built_in_enabled="$(property 'nacos\.istio\.mcp\.server\.enabled' false)"
built_in_port="$(property 'nacos\.istio\.mcp\.server\.port' 18848)"
if [ "$built_in_enabled" = "true" ] && [ "$built_in_port" = "$plugin_port" ]; then
  echo "install-into-nacos: $conf enables Nacos's built-in istio module (nacos.istio.mcp.server.enabled=true)" \
       "on port $built_in_port, the plugin's port; set it to false, or give nacos.mesh.mcp.port another port" >&2
  exit 3
fi

mkdir -p "$home/plugins"
for old in "$home"/plugins/nacos-istio-plugin-*.jar; do
  if [ -f "$old" ] && [ "$(basename "$old")" != "$(basename "$jar")" ]; then
    rm -f "$old"
    echo "removed $old"
  fi
done
cp "$jar" "$home/plugins/"
echo "copied $(basename "$jar") into $home/plugins/"

if grep -qF "$begin" "$conf"; then
  echo "$conf already has the plugin's properties; left as it is"
else
  {
    echo ""
    echo "$begin"
    cat "$here/conf/application.properties"
    echo "$end"
  } >> "$conf"
  echo "appended the plugin's properties to $conf (nacos.mesh.mcp.enabled=true, MCP port $plugin_port)"
fi
echo "restart Nacos; its logs/nacos.log then says: nacos-istio-plugin: MCP-over-XDS server listening on ..."
