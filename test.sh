#!/usr/bin/env bash
# Runs every test: domain rules, orchestrations on the in-memory backend, the Local host end to end on Azurite over
# HTTP (each test class starts its own Azurite from node_modules on free ports), the kill -9 durability test and the
# Functions parity test. Extra arguments go to `dotnet test` (e.g. --filter FullyQualifiedName~Domain).
set -euo pipefail
cd "$(dirname "$0")"

[ -x node_modules/.bin/azurite ] || npm ci --no-audit --no-fund
dotnet test CitizenWorkflows.sln -c Release --nologo "$@"
