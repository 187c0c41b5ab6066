# Sourced by run.sh and .ci/run. start_azurite DIR starts Azurite on the default ports (10000 blob, 10001 queue,
# 10002 table) as three processes, azurite-blob, azurite-queue and azurite-table, with their data and logs in DIR.
# One `azurite` process serves all three services on one Node.js thread, and that thread was the ceiling of every load
# run on a 2-core machine (docs/benchmarks.md); three processes let the emulator use both cores.
# Sets AZURITE_PIDS (array) and exports AZURITE_PID (the ids, comma-separated: the load tools meter them).
# stop_azurite stops them with SIGINT and waits: azurite-table saves its data only on SIGINT (SIGTERM ends it at once).
# CW_AZURITE=stock starts the unpatched build of the same version (scripts/stock-azurite.sh) instead, for comparisons;
# AZURITE_BASE_PORT=P puts blob, queue and table on P, P+1, P+2 (a second emulator beside the default one).
# AZURITE_AUTOSAVE_INTERVAL_MS (patched build; default here 30000, Azurite's own 5000): how often each process writes
# its whole database to DIR. Every save serialises all of it (110 MB of tables after 2,000 applications: ~2 s of CPU
# and ~2 s of writing), so at 5 s the table process spent most of its time saving; a graceful stop (SIGINT) still saves
# everything, a crash of Azurite loses at most this long of acknowledged writes (docs/design.md, Embedded storage).
export AZURITE_AUTOSAVE_INTERVAL_MS=${AZURITE_AUTOSAVE_INTERVAL_MS:-30000}
AZURITE_PIDS=()
start_azurite() {
  local dir=$1 service bin=node_modules/.bin base=${AZURITE_BASE_PORT:-10000} port
  if [ "${CW_AZURITE:-patched}" = stock ]; then
    bin="$(dirname "$(scripts/stock-azurite.sh)")/../../../.bin"
  fi
  mkdir -p "$dir"
  AZURITE_PIDS=()
  port=$base
  for service in blob queue table; do
    "$bin"/azurite-"$service" --silent --location "$dir" --skipApiVersionCheck --loose \
      --"$service"Host 127.0.0.1 --"$service"Port "$port" > "$dir/azurite-$service.log" 2>&1 &
    port=$((port + 1))
    AZURITE_PIDS+=("$!")
  done
  AZURITE_PID=$(IFS=,; echo "${AZURITE_PIDS[*]}")
  export AZURITE_PID
}

stop_azurite() {
  [ ${#AZURITE_PIDS[@]} -gt 0 ] || return 0
  kill -INT "${AZURITE_PIDS[@]}" 2>/dev/null || true
  local _ pid alive
  for _ in $(seq 1 100); do
    alive=0
    for pid in "${AZURITE_PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.2
  done
  AZURITE_PIDS=()
}

# storage_connection_string_env exports Storage__ConnectionString for the emulator on AZURITE_BASE_PORT (the
# well-known development account), for a host started beside another emulator.
storage_connection_string_env() {
  local b=${AZURITE_BASE_PORT:-10000}
  local key='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='
  export Storage__ConnectionString="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$key;BlobEndpoint=http://127.0.0.1:$b/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$((b+1))/devstoreaccount1;TableEndpoint=http://127.0.0.1:$((b+2))/devstoreaccount1;"
}
