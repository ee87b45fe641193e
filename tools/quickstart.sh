#!/usr/bin/env bash
# README command 1: install the workspace and apply the quickstart on the local provider.
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/ensure-uv.sh
uv sync --all-packages --frozen -q
cd examples/quickstart
exec uv run --all-packages genesys apply --auto-approve "$@"
