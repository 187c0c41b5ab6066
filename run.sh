#!/usr/bin/env bash
# Sets up and runs CitizenWorkflows on its embedded default: Azurite (installed into node_modules by npm) and the
# Local host (the durable runtime on Azure Storage + the HTTP API), with the print-centre, courier and police-station
# simulators (tools/CitizenWorkflows.Simulators) answering it from their own process.
#   ./run.sh                     serve the API on http://127.0.0.1:7071 until Ctrl+C
#   ./run.sh demo --count 50     submit 50 sample applications and follow them to Delivered
# Any other arguments go to the Local host as configuration, e.g. --Workflow:AutoApprove=true
set -euo pipefail
cd "$(dirname "$0")"

source scripts/ensure-node-tools.sh
ensure_node_tools
# The biometric stage's portrait check runs OpenCV with the models Debian ships.
source scripts/ensure-debian-packages.sh
ensure_debian_packages opencv-data libgtk-3-0
# The host serves; the demo, load runs, benchmarks and fault drivers are tools/CitizenWorkflows.Load, the registry, kiosk
# and card commands tools/CitizenWorkflows.Admin: each verb goes to the program that has it.
case "${1:-serve}" in
  demo|load|bench-intake|bench-lifecycle|faults|fingerprints) program=CitizenWorkflows.Load; project=tools/CitizenWorkflows.Load ;;
  registry|kiosk|card) program=CitizenWorkflows.Admin; project=tools/CitizenWorkflows.Admin ;;
  *) program=CitizenWorkflows.Local; project=functions/CitizenWorkflows.Local ;;
esac
# The simulators' project builds the host it references too.
[ "$program" = CitizenWorkflows.Local ] && build=tools/CitizenWorkflows.Simulators || build=$project
dotnet build "$build" -c Release --nologo -v quiet

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
if port_open 10000 && port_open 10001 && port_open 10002; then
  echo "Using the Azure Storage emulator already listening on 10000-10002."
  echo "  table: $(emulator_on_port 10002)"
  echo "  queue: $(emulator_on_port 10001)"
else
  source scripts/azurite.sh
  start_azurite .azurite
  started_azurite=1
  trap 'stop_azurite' EXIT
  for _ in $(seq 1 100); do port_open 10000 && port_open 10001 && port_open 10002 && break; sleep 0.2; done
  echo "Azurite started: blob, queue and table processes (data in .azurite/, logs in .azurite/azurite-*.log)."
fi

if [ "$program" != CitizenWorkflows.Local ]; then
  dotnet "$project/bin/Release/net10.0/$program.dll" "$@"
  exit
fi

# The partners answer from their own process with the host's settings; they wait for the host and stop with it.
dotnet tools/CitizenWorkflows.Simulators/bin/Release/net10.0/CitizenWorkflows.Simulators.dll "$@" &
simulators=$!
dotnet "$project/bin/Release/net10.0/$program.dll" "$@" &
host=$!
# Ctrl+C, or SIGTERM to this script (timeout, a supervisor), stops both gracefully; the host's exit code is this script's.
trap 'kill -TERM "$host" "$simulators" 2>/dev/null' INT TERM
trap 'kill "$simulators" 2>/dev/null; wait "$simulators" 2>/dev/null; [ -z "${started_azurite:-}" ] || stop_azurite' EXIT
set +e
wait "$host"
status=$?
# A signal ends the first wait at once; the host is still shutting down.
while kill -0 "$host" 2>/dev/null; do wait "$host"; status=$?; done
exit "$status"
