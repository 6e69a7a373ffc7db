#!/bin/sh
# Installs the Node ws test peer's packages (npm ci) unless node_modules already matches
# package.json and package-lock.json. Maven runs it in generate-test-resources of client-core and
# samples (exec-maven-plugin, execution "node-ws-peer" in the root pom), so `mvn -B verify` needs
# no set-up step of its own; the second module finds node_modules up to date. Off: -Dskip.npm.
#
# No node or npm, or an npm ci that fails (offline with an empty npm cache): a warning, and the
# tests that need the peer are reported skipped with the reason. Under CI=true: the build fails.
# SKIP_TESTS / MAVEN_TEST_SKIP (from -DskipTests / -Dmaven.test.skip): nothing to do.
# Maven logs stdout at INFO (hidden by -q) and stderr at ERROR.
set -eu
cd "$(dirname "$0")"

case "${SKIP_TESTS:-false}/${MAVEN_TEST_SKIP:-false}" in
  *true*) echo "node-ws: tests skipped, not installing the Node ws peer"; exit 0 ;;
esac

case "${CI:-}" in
  [Tt][Rr][Uu][Ee]) ci=true ;;
  *) ci=false ;;
esac

unavailable() {
  if [ "$ci" = true ]; then
    echo "node-ws: $1. CI=true: the Node ws peer is required." >&2
    exit 1
  fi
  echo "node-ws: WARNING: $1. The tests that need the Node ws peer will be reported skipped."
  exit 0
}

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  unavailable "'node' and 'npm' are needed on the PATH (Node 18+)"
fi

# What the last successful install was made from: package.json followed by package-lock.json.
stamp=node_modules/.steadysocket-installed
if [ -d node_modules/ws ] && [ -f "$stamp" ] && cat package.json package-lock.json | cmp -s - "$stamp"; then
  echo "node-ws: node_modules up to date"
  exit 0
fi

# --prefer-offline: the lock file pins every version and checksum, so the npm cache is used
# without asking the registry again (a second clone installs offline).
npm ci --prefer-offline --no-audit --no-fund --loglevel=error \
  || unavailable "'npm ci' failed in $(pwd) (offline and not in the npm cache?)"
cat package.json package-lock.json >"$stamp"
echo "node-ws: installed ws $(node -p 'require("ws/package.json").version') in $(pwd)/node_modules"
