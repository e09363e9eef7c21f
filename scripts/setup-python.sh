#!/usr/bin/env bash
# Create (or reuse) the Python environments dbt and the local test engines run from, each from its
# own pinned requirements file python/requirements/<env>.txt. Usage:
#   setup-python.sh                 the default environment (dbt-duckdb)
#   setup-python.sh snowflake ...   the named environments (see python/requirements/)
# Locations: the default environment is $SIGNALS_BATCH_VENV, else <repo>/.venv; every other one is
# <cache>/<env>-<hash of its requirements>, <cache> = $SIGNALS_BATCH_PYTHON_CACHE, else
# ~/.cache/signals-batch/python, so clones on one machine share it. Prints progress; re-running is cheap.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
say() { echo "[setup-python] $*" >&2; }

env_dir() {
  local env="$1" req="$here/python/requirements/$1.txt"
  if [ "$env" = duckdb ]; then echo "${SIGNALS_BATCH_VENV:-$here/.venv}"; return; fi
  local cache="${SIGNALS_BATCH_PYTHON_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/signals-batch/python}"
  echo "$cache/$env-$(sha256sum "$req" | cut -c1-12)"
}

if [ "${1:-}" = "--print-dir" ]; then env_dir "$2"; exit 0; fi

py="${PYTHON:-$(command -v python3 || true)}"
[ -n "$py" ] || { say "python3 not found. Fix: install Python >= 3.10 (e.g. apt-get install python3 python3-venv) or set PYTHON=/path/to/python3"; exit 1; }
"$py" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' || { say "$py is older than 3.10; dbt needs >= 3.10. Set PYTHON to a newer interpreter."; exit 1; }

setup_one() {
  local env="$1" req="$here/python/requirements/$1.txt"
  [ -f "$req" ] || { say "unknown Python environment \"$env\": no $req (known: $(ls "$here/python/requirements" | sed 's/\.txt$//' | tr '\n' ' '))"; exit 1; }
  local venv; venv="$(env_dir "$env")"
  local stamp="$venv/.requirements.sha256" want; want="$(sha256sum "$req" | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    say "$env environment up to date: $venv"
    return
  fi
  if [ ! -x "$venv/bin/python" ]; then
    say "creating the $env environment in $venv"
    mkdir -p "$(dirname "$venv")"
    "$py" -m venv "$venv" || { say "python3 -m venv failed. Fix: apt-get install python3-venv"; exit 1; }
  fi
  say "installing the pinned $env environment (python/requirements/$env.txt); this takes a few minutes the first time"
  "$venv/bin/python" -m pip install --disable-pip-version-check --progress-bar off -q -r "$req"
  echo "$want" > "$stamp"
  say "ready: $env at $venv"
}

if [ "$#" -eq 0 ]; then set -- duckdb; fi
for env in "$@"; do setup_one "$env"; done
