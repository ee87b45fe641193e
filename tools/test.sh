#!/usr/bin/env bash
# README command 2: the whole test suite; the tests start every service they need
# (plugin processes, moto server, PostgreSQL clusters) and stop them again.
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/ensure-uv.sh
uv sync --all-packages --frozen -q
exec uv run --all-packages pytest "$@"
