#!/usr/bin/env bash
# Create (or reuse) the project-local Python environment with dbt from pinned requirements.
# Location: $SIGNALS_BATCH_VENV, else <repo>/.venv. Prints progress; re-running is cheap.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${SIGNALS_BATCH_VENV:-$here/.venv}"
req="$here/python/requirements.txt"
stamp="$venv/.requirements.sha256"
want="$(sha256sum "$req" | cut -d' ' -f1)"
say() { echo "[setup-python] $*" >&2; }

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x "$venv/bin/dbt" ]; then
  say "Python environment up to date: $venv"
  exit 0
fi
py="${PYTHON:-$(command -v python3 || true)}"
[ -n "$py" ] || { say "python3 not found. Fix: install Python >= 3.10 (e.g. apt-get install python3 python3-venv) or set PYTHON=/path/to/python3"; exit 1; }
"$py" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' || { say "$py is older than 3.10; dbt needs >= 3.10. Set PYTHON to a newer interpreter."; exit 1; }
if [ ! -x "$venv/bin/python" ]; then
  say "creating virtual environment $venv"
  "$py" -m venv "$venv" || { say "python3 -m venv failed. Fix: apt-get install python3-venv"; exit 1; }
fi
say "installing pinned dbt-core + dbt-duckdb (python/requirements.txt); this takes a minute the first time"
"$venv/bin/python" -m pip install --disable-pip-version-check --progress-bar off -q -r "$req"
echo "$want" > "$stamp"
say "ready: $("$venv/bin/dbt" --version 2>/dev/null | sed -n 's/.*installed: *//p' | head -1) at $venv"
