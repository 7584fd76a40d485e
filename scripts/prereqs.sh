#!/usr/bin/env bash
# Installs what the tests need on a fresh machine that has only the .NET SDK: redis-server (apt), Chromium (apt),
# Node 22 and the npm MCP peers (into tests/node), and the local tools (garnet-server, the Aspire CLI). Sourced by test.sh.
# Under CI=true a prerequisite that cannot be had is an error; elsewhere the script says what is missing and goes on.

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

prereq_missing() {
  if [ "${CI:-}" = "true" ]; then
    echo "prereqs: MISSING (fatal under CI=true): $1" >&2
    exit 1
  fi
  echo "prereqs: missing, tests that need it will fail: $1" >&2
}

apt_updated=0
apt_install() {
  if [ "$(id -u)" != "0" ] && ! command -v sudo >/dev/null 2>&1; then
    return 1
  fi
  local sudo=""
  [ "$(id -u)" = "0" ] || sudo="sudo -n"
  if [ "$apt_updated" = "0" ]; then
    $sudo apt-get update -qq >/dev/null || return 1
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

ensure_redis() {
  if command -v redis-server >/dev/null 2>&1 && command -v redis-benchmark >/dev/null 2>&1; then return 0; fi
  echo "prereqs: installing redis-server with apt" >&2
  apt_install redis-server redis-tools || prereq_missing "redis-server (apt-get install redis-server redis-tools)"
  # The Debian package starts a system service on 6379; the tests start their own servers and need none.
  if command -v systemctl >/dev/null 2>&1; then systemctl stop redis-server >/dev/null 2>&1 || true; fi
}

ensure_chromium() {
  if [ -x /usr/bin/chromium ]; then return 0; fi
  echo "prereqs: installing chromium with apt" >&2
  apt_install chromium || prereq_missing "chromium (apt-get install chromium)"
}

ensure_node_peers() {
  local dir="$repo_root/tests/node"
  if [ -x "$dir/node_modules/.bin/node" ] && [ "$dir/node_modules/.package-lock.json" -nt "$dir/package.json" ]; then return 0; fi
  if ! command -v npm >/dev/null 2>&1; then
    echo "prereqs: installing npm with apt" >&2
    apt_install npm || { prereq_missing "npm (to install Node 22 and the MCP peers)"; return 0; }
  fi
  echo "prereqs: installing Node 22 and MCP peers into tests/node" >&2
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) || prereq_missing "npm packages in tests/node"
}

ensure_dotnet_tools() {
  (cd "$repo_root" && dotnet tool restore >/dev/null) || prereq_missing "local tools garnet-server and aspire (dotnet tool restore)"
}

ensure_all_prereqs() {
  ensure_dotnet_tools
  ensure_redis
  ensure_node_peers
  ensure_chromium
}
