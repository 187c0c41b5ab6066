#!/usr/bin/env bash
# The same load run on stock and on patched Azurite, back to back, fresh data each (issue: embedded storage).
#   bash benchmarks/emulator/whole-system.sh [COUNT ...]      (default: 400 1000)
#   EMULATORS="patched" TIMEOUT_MINUTES=60 bash benchmarks/emulator/whole-system.sh 1000   (one build only; a longer cap)
#   RATE=1.2 bash benchmarks/emulator/whole-system.sh 1000   (offered submissions/s; default 20, the issue's command)
# Each run: three Azurite processes on ports 10100-10102 (so a default emulator on 10000-10002 is left alone), the
# Local host on 127.0.0.1:7171, `load --count N --rate RATE --kiosks 4 --seed 7` (RATE default 20). Prints each run's report (lifecycles/s,
# CPU ms per lifecycle of the host and of each Azurite process, first/last quarter rates); logs in .bench/emulator/.
set -euo pipefail
cd "$(dirname "$0")/../.."
counts=("$@"); [ ${#counts[@]} -gt 0 ] || counts=(400 1000)
# The same setup as run.sh: Azurite from npm (patched), the Debian packages the biometric stage needs.
source scripts/ensure-node-tools.sh; ensure_node_tools >/dev/null
source scripts/ensure-debian-packages.sh; ensure_debian_packages opencv-data libgtk-3-0
dotnet build tools/CitizenWorkflows.Load -c Release --nologo -v quiet >/dev/null
source scripts/azurite.sh
export AZURITE_BASE_PORT=${AZURITE_BASE_PORT:-10100}
b=$AZURITE_BASE_PORT
storage_connection_string_env
export ASPNETCORE_URLS=http://127.0.0.1:${HOST_PORT:-7171}
out=.bench/emulator; mkdir -p "$out"
trap 'stop_azurite' EXIT
for n in "${counts[@]}"; do
  for emulator in ${EMULATORS:-stock patched}; do
    dir=$(mktemp -d "$out/data-$emulator-$n.XXXX")
    CW_AZURITE=$emulator start_azurite "$dir"
    for _ in $(seq 1 150); do (exec 3<>"/dev/tcp/127.0.0.1/$((b+2))") 2>/dev/null && break; sleep 0.2; done
    echo "=== $emulator Azurite, $n applications at ${RATE:-20}/s ($(date -u +%H:%M:%S))"
    dotnet tools/CitizenWorkflows.Load/bin/Release/net10.0/CitizenWorkflows.Load.dll \
      load --count "$n" --rate "${RATE:-20}" --kiosks 4 --seed 7 --timeout-minutes "${TIMEOUT_MINUTES:-30}" > "$out/$emulator-$n-r${RATE:-20}.log" 2>&1 || true
    sed -n '/^\$ .*load /,$p' "$out/$emulator-$n-r${RATE:-20}.log" | grep -v '^\[' | grep -E "^\\\$|submitted|lifecycles|CPU|intake" || tail -5 "$out/$emulator-$n-r${RATE:-20}.log"
    stop_azurite
    rm -rf "$dir"
  done
done
