#!/usr/bin/env bash
# Prints the path of azurite.js of an UNPATCHED Azurite, the same version package.json pins, installed from npm into a
# cache folder on first use (no install scripts, so patches/ is not applied). The emulator-patch equivalence test and
# the storage micro-benchmark compare it with the patched copy in node_modules.
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(node -p "require('./package.json').devDependencies.azurite")
cache=${CW_STOCK_AZURITE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/citizenworkflows/azurite-$version-stock}
script=$cache/node_modules/azurite/dist/src/azurite.js
mkdir -p "$(dirname "$cache")"
# One installer at a time (tests and benchmarks may ask together); install beside, then move into place.
exec 9>"$cache.lock"
flock 9
if [ ! -f "$script" ]; then
  tmp=$(mktemp -d "$cache.XXXXXX")
  npm install --prefix "$tmp" --no-save --ignore-scripts --no-audit --no-fund "azurite@$version" >&2
  rm -rf "$cache"
  mv "$tmp" "$cache"
fi
echo "$script"
