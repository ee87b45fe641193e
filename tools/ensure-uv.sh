#!/usr/bin/env bash
# Sourced by the README's commands: puts uv on PATH, installing it from PyPI if missing.
export PATH="$HOME/.local/bin:$PATH"
if ! command -v uv >/dev/null 2>&1; then
  echo "installing uv (from PyPI)..." >&2
  python3 -m pip install --quiet --user uv 2>/dev/null || python3 -m pip install --quiet uv
fi
