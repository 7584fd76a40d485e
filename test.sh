#!/usr/bin/env bash
# Runs every test of McpAspire. On a fresh machine with only the .NET SDK it first installs what the tests need
# (scripts/prereqs.sh). Extra arguments go to `dotnet test` (e.g. --filter).
set -euo pipefail
cd "$(dirname "$0")"
source scripts/prereqs.sh
ensure_all_prereqs

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build McpAspire.sln -c Debug -nologo -clp:ErrorsOnly -warnaserror

results="$(pwd)/artifacts/test-results"
rm -rf "$results"
status=0
dotnet test McpAspire.sln -c Debug --no-build --nologo --results-directory "$results" --logger "trx" \
  --blame-hang-timeout 5m "$@" || status=$?

# One closing line a CI reader understands, summed over every test project's trx file.
passed=0; failed=0; skipped=0
for f in "$results"/*.trx; do
  [ -f "$f" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$f" | head -n 1)
  get() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*' || echo 0; }
  passed=$((passed + $(get passed)))
  failed=$((failed + $(get failed) + $(get error) + $(get timeout) + $(get aborted)))
  skipped=$((skipped + $(get notExecuted)))
done
[ "$passed" -gt 0 ] || { echo "no test ran" >&2; status=1; }
echo "$passed passed, $failed failed, $skipped skipped"
exit $status
