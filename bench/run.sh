#!/usr/bin/env bash
# Usage: bench/run.sh SCENARIO [args]. Builds in Release and prints one JSON object per line
# ({"scenario","metric","value","unit"} plus "baseline"/"ratio" for side-by-side scenarios).
# bench/run.sh gateway-scale [--quick] [--parts catalog,sessions,streams,stdio] [--plot PATH]: writes the PNG to docs/bench/.
# bench/run.sh chaos [--duration 5m] [--seed N] [--out DIR]: the chaos soak of the whole app (bench/McpAspire.Chaos);
# also writes the JSON lines, its log and a timeline PNG to docs/chaos/ and exits 1 when a goal was missed.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
source "$root/scripts/prereqs.sh"
ensure_dotnet_tools
case "${1:-}" in
  redis-client|state-touch|apphost-start|toolhost-messages|session-store|gateway-ratelimit|gateway-scale) ensure_redis ;;
esac
if [ "${1:-}" = gateway-scale ]; then ensure_node_peers; fi
if [ "${1:-}" = chaos ]; then
  ensure_redis
  shift
  dotnet build "$root/bench/McpAspire.Chaos/McpAspire.Chaos.csproj" -c Release -nologo -clp:ErrorsOnly >&2
  exec dotnet "$root/bench/McpAspire.Chaos/bin/Release/net10.0/McpAspire.Chaos.dll" "$@"
fi
dotnet build "$root/bench/McpAspire.Bench/McpAspire.Bench.csproj" -c Release -nologo -clp:ErrorsOnly >&2
exec dotnet "$root/bench/McpAspire.Bench/bin/Release/net10.0/McpAspire.Bench.dll" "$@"
