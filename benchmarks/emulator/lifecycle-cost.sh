#!/usr/bin/env bash
# One load run on a fresh private Azurite, for a lifecycle's cost (issue 17): work items, storage requests by service,
# caller and operation, control-queue messages left.
#   bash benchmarks/emulator/lifecycle-cost.sh [LABEL] [HOST SETTINGS ...]
# e.g. `bash benchmarks/emulator/lifecycle-cost.sh polling-5s --TaskHub:MaxQueuePollingInterval=00:00:05`.
# Azurite on AZURITE_BASE_PORT (default 10200) .. +2, the Local host on 127.0.0.1:${HOST_PORT:-7272},
# `load --count ${COUNT:-100} --rate 10 --kiosks 4 --seed 7`. Does not build: build functions/CitizenWorkflows.Local first.
set -euo pipefail
cd "$(dirname "$0")/../.."
label=${1:-run}; shift || true
source scripts/azurite.sh
export AZURITE_BASE_PORT=${AZURITE_BASE_PORT:-10200}
b=$AZURITE_BASE_PORT
storage_connection_string_env
export ASPNETCORE_URLS=http://127.0.0.1:${HOST_PORT:-7272}
out=.bench/cost; mkdir -p "$out"
dir=$(mktemp -d "$out/data-$label.XXXX")
trap 'stop_azurite; rm -rf "$dir"' EXIT
start_azurite "$dir"
for _ in $(seq 1 150); do (exec 3<>"/dev/tcp/127.0.0.1/$((b+2))") 2>/dev/null && break; sleep 0.2; done
echo "=== $label ($(date -u +%H:%M:%S)) $*"
dotnet tools/CitizenWorkflows.Load/bin/Release/net10.0/CitizenWorkflows.Load.dll \
  load --count "${COUNT:-100}" --rate 10 --kiosks 4 --seed 7 "$@" > "$out/$label.log" 2>&1 || true
sed -n '/^\$ load/,$p' "$out/$label.log"
