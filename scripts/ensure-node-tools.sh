# Sourced by run.sh and test.sh. ensure_node_tools runs `npm ci` (whose postinstall applies patches/ to Azurite) when
# node_modules is missing or older than package-lock.json or a patch, so an install made before a patch changed is
# never run unpatched.
ensure_node_tools() {
  local stamp=node_modules/.package-lock.json
  if [ ! -x node_modules/.bin/azurite ] || [ ! -f "$stamp" ] || [ -n "$(find package-lock.json patches -newer "$stamp" 2>/dev/null | head -1)" ]; then
    npm ci --no-audit --no-fund
  fi
}

# emulator_on_port PORT: "patched Azurite (…)", "stock Azurite (…)" or "an emulator of unknown build" for whatever
# listens there, read from the azurite script its process runs (cheap: one ss call and one grep).
emulator_on_port() {
  local pid script dist
  pid=$(ss -ltnpH "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)
  script=$([ -n "$pid" ] && tr '\0' '\n' < "/proc/$pid/cmdline" 2>/dev/null | grep -m1 'azurite' || true)
  # The script path may be relative to the process's own folder; azurite-table etc. live under dist/src/<service>/.
  dist=$([ -n "$script" ] && cd "/proc/$pid/cwd" 2>/dev/null && readlink -f "$script" | sed -n 's#^\(.*/dist/src\)/.*#\1#p' || true)
  if [ -n "$dist" ] && [ -f "$dist/table/persistence/LokiTableStoreQueryGenerator.js" ]; then
    if grep -q getRequiredPartitionKey "$dist/table/persistence/LokiTableStoreQueryGenerator.js"; then
      echo "patched Azurite ($script)"
    else
      echo "stock Azurite ($script; its table and queue costs grow with the data: docs/benchmarks.md, Embedded storage)"
    fi
  else
    echo "an emulator of unknown build"
  fi
}
