#!/usr/bin/env bash
# Compile and lint the Bicep templates offline.
#
#   bash infra/build.sh        (from the repository root, or from anywhere)
#
# 1. `dotnet restore infra/Infra.Bicep.csproj` brings the Bicep CLI from NuGet
#    (package Azure.Bicep.CommandLine.linux-x64) into the global packages folder.
# 2. `bicep build` compiles infra/main.bicep to infra/out/main.json (git-ignored).
# 3. `bicep lint` runs the linter over main.bicep and every module it uses.
# Exits non-zero on any restore/compile error and on any Error or Warning diagnostic.
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$script_dir/.." && pwd)"
cd "$repo_root"

project="infra/Infra.Bicep.csproj"
template="infra/main.bicep"
out_dir="infra/out"
package_id="azure.bicep.commandline.linux-x64"

# The Bicep version is the one pinned (exactly) in the tool project.
bicep_version="$(sed -n 's/.*PackageDownload Include="Azure.Bicep.CommandLine.linux-x64" Version="\[\([^]]*\)\]".*/\1/p' "$project")"
if [[ -z "$bicep_version" ]]; then
  echo "error: could not read the Bicep CLI version from $project" >&2
  exit 1
fi

if [[ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]]; then
  echo "error: the $package_id package only runs on Linux x86_64 (this is $(uname -s)-$(uname -m))" >&2
  exit 1
fi

echo "==> dotnet restore $project"
dotnet restore "$project" --nologo --verbosity quiet

packages_dir="${NUGET_PACKAGES:-}"
if [[ -z "$packages_dir" ]]; then
  packages_dir="$(dotnet nuget locals global-packages --list 2>/dev/null | sed -n 's/^global-packages: *//p' || true)"
fi
packages_dir="${packages_dir:-$HOME/.nuget/packages}"
packages_dir="${packages_dir%/}"

bicep="$packages_dir/$package_id/$bicep_version/tools/bicep"
if [[ ! -f "$bicep" ]]; then
  echo "error: Bicep CLI not found at $bicep after restore" >&2
  exit 1
fi
# NuGet extracts files without the execute bit.
if [[ ! -x "$bicep" ]]; then
  chmod +x "$bicep" 2>/dev/null || true
fi
if [[ ! -x "$bicep" ]]; then
  # Read-only packages folder: run a private copy instead.
  tool_dir="$out_dir/.tool"
  mkdir -p "$tool_dir"
  cp "$bicep" "$tool_dir/bicep"
  chmod +x "$tool_dir/bicep"
  bicep="$tool_dir/bicep"
fi

echo "==> $("$bicep" --version)"

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
failed=0

# Runs a bicep command, shows its output, and fails on a non-zero exit code or on
# any Error/Warning diagnostic (bicep exits 0 when there are only warnings).
run_bicep() {
  local label="$1"
  shift
  echo "==> bicep $*"
  local rc=0
  "$bicep" "$@" >"$log" 2>&1 || rc=$?
  cat "$log"
  local errors warnings
  errors="$(grep -cE ' : Error ' "$log" || true)"
  warnings="$(grep -cE ' : Warning ' "$log" || true)"
  if [[ $rc -ne 0 || $errors -ne 0 || $warnings -ne 0 ]]; then
    echo "FAIL $label: exit code $rc, $errors error(s), $warnings warning(s)"
    failed=1
  else
    echo "OK   $label: 0 errors, 0 warnings"
  fi
}

mkdir -p "$out_dir"
run_bicep "build" build "$template" --outdir "$out_dir"
run_bicep "lint" lint "$template"

if [[ $failed -ne 0 ]]; then
  echo "infra/build.sh: FAILED"
  exit 1
fi
echo "infra/build.sh: passed (compiled to $out_dir/main.json)"
