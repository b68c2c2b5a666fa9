#!/usr/bin/env bash
# Builds (once) and prints the path of a pinned pilot-discovery binary.
#
#   e2e/install-istiod.sh newest|legacy
#
# Binaries are cached outside the checkout, keyed by version, so a warm run costs
# nothing: ${NACOS_MESH_ISTIOD_CACHE:-$HOME/.cache/nacos-istio-plugin/istiod}/<label>/.
# Any failure to fetch or build the pinned version is fatal and says which version.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
key="${1:?usage: install-istiod.sh newest|legacy}"
props="$here/istio-versions.properties"

prop() { sed -n "s/^$key\.$1=//p" "$props" | tail -1; }
module="$(prop module)"
api="$(prop api)"
label="$(prop label)"
if [[ -z "$module" || -z "$label" ]]; then
  echo "install-istiod: no pinned version '$key' in $props" >&2
  exit 2
fi

cache="${NACOS_MESH_ISTIOD_CACHE:-$HOME/.cache/nacos-istio-plugin/istiod}/$label"
binary="$cache/pilot-discovery"
if [[ -x "$binary" ]]; then
  echo "$binary"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  echo "install-istiod: Go is needed to build istiod $label and is not on PATH" >&2
  exit 3
fi

mkdir -p "$cache"
# One build per version at a time: a second caller waits and then finds the binary.
exec 9>"$cache/.lock"
flock 9
if [[ -x "$binary" ]]; then
  echo "$binary"
  exit 0
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "install-istiod: building pilot-discovery $label (istio.io/istio $module${api:+, istio.io/api $api}); a cold build takes several minutes" >&2
(
  cd "$work"
  # Built inside istio's own module, so its go.mod, go.sum and replace directives decide every dependency.
  src="$(go mod download -json "istio.io/istio@$module" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  if [[ -z "$src" ]]; then
    echo "install-istiod: the Go module proxy does not serve istio.io/istio@$module" >&2
    exit 1
  fi
  cp -r "$src" istio
  chmod -R u+w istio
  cd istio
  if [[ -n "$api" ]]; then
    go mod edit -replace="istio.io/api=istio.io/api@$api"
  fi
  CGO_ENABLED=0 go build -mod=mod -trimpath -o "$cache/pilot-discovery.tmp" ./pilot/cmd/pilot-discovery >&2
) || {
  echo "install-istiod: FAILED to fetch or build istiod $label (istio.io/istio $module) from the Go module proxy" >&2
  rm -f "$cache/pilot-discovery.tmp"
  exit 4
}
mv "$cache/pilot-discovery.tmp" "$binary"
echo "$binary"
