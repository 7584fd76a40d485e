#!/usr/bin/env bash
# Usage: bench/run.sh SCENARIO [args]. Builds in Release and prints one JSON object per line
# ({"scenario","metric","value","unit"} plus "baseline"/"ratio" for side-by-side scenarios).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
source "$root/scripts/prereqs.sh"
ensure_dotnet_tools
case "${1:-}" in
  redis-client|state-touch|apphost-start|toolhost-messages|session-store|gateway-ratelimit) ensure_redis ;;
esac
dotnet build "$root/bench/McpAspire.Bench/McpAspire.Bench.csproj" -c Release -nologo -clp:ErrorsOnly >&2
exec dotnet "$root/bench/McpAspire.Bench/bin/Release/net10.0/McpAspire.Bench.dll" "$@"
