#!/usr/bin/env bash
# README command 2: the whole test suite; the tests start every service they need
# (plugin processes, moto server, PostgreSQL clusters) and stop them again.
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/ensure-uv.sh
uv sync --all-packages --frozen -q
# The Node.js example plugin's test needs its npm dependencies: install them (exact versions,
# from its package-lock.json) on a fresh clone, so that test runs instead of skipping.
NODE_PLUGIN=examples/plugins/node-memory
if [ ! -d "$NODE_PLUGIN/node_modules" ]; then
  if command -v npm >/dev/null 2>&1; then
    npm ci --prefix "$NODE_PLUGIN" --no-audit --no-fund --loglevel=error
  else  # the test then skips, which fails the run under CI=true (see conftest.py)
    echo "tools/test.sh: npm not found: the Node.js plugin test will skip" >&2
  fi
fi
# Azurite for `genesys-emulator azure` (blob data, the azureblob state backend).
if [ ! -d tools/azurite/node_modules ] && command -v npm >/dev/null 2>&1; then
  npm ci --prefix tools/azurite --no-audit --no-fund --loglevel=error
fi
# Tests are processes waiting on processes (CLI, plugins, emulators, moto): several workers
# overlap those waits even on 2 cores. A module's tests stay together on one worker
# (--dist loadfile), so module fixtures and in-module ordering hold. GENESYS_TEST_WORKERS=0
# runs them in this process, one at a time.
exec uv run --all-packages pytest -n "${GENESYS_TEST_WORKERS:-4}" --dist loadfile "$@"
