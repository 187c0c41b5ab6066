#!/usr/bin/env bash
# Runs every test: domain rules, orchestrations on the in-memory backend, the Local host end to end on Azurite over
# HTTP (each test class starts its own Azurite from node_modules on free ports), the kill -9 durability test, the
# Functions parity test and the portrait-quality checks on real photographs (their Debian packages are installed here
# when missing). Extra arguments go to `dotnet test` (e.g. --filter FullyQualifiedName~Domain).
set -euo pipefail
cd "$(dirname "$0")"

source scripts/ensure-node-tools.sh
ensure_node_tools

# The portrait check uses OpenCV's models; the portrait tests read two real photographs; the dashboard test drives
# chromium (through Playwright, never a downloaded browser); all from Debian packages.
source scripts/ensure-debian-packages.sh
ensure_debian_packages opencv-data libgtk-3-0 opencv-doc python3-skimage chromium

dotnet test CitizenWorkflows.sln -c Release --nologo "$@"
