"""The bench's instrument: DuckDB's profile of every statement dbt runs, as JSON lines.

A dbt-duckdb plugin (the bench names it in the run's profile): every connection dbt opens gets
DuckDB's profiler switched on without output, and after each statement its profile is read and
one line appended to the file named by the plugin's `output` setting:

  {"node": dbt node id or null, "connection": dbt connection name or null,
   "at": the statement's start (seconds since the epoch), "seconds": its wall time,
   "rows_scanned": DuckDB's cumulative rows scanned, "peak_buffer_bytes": ...,
   "scans": [{"table": ..., "rows": ..., "seconds": ..., "projections": [...]}, ...]}

dbt names the node and connection of a statement in the comment it puts before the SQL. The SQL
itself is not changed: the plugin only wraps dbt-duckdb's cursor (whose class it patches once per
process, since plugins get no per-statement hook) to read the profile after each statement.
"""
import json
import re
import threading
import time

from dbt.adapters.duckdb.environments import local
from dbt.adapters.duckdb.plugins import BasePlugin

_lock = threading.Lock()
_output = {"path": None}
_COMMENT_FIELD = {name: re.compile(r'"%s":\s*"([^"]*)"' % name) for name in ("node_id", "connection_name")}


def _comment_field(sql, name):
    head = sql[:1000]
    if not head.lstrip().startswith("/*"):
        return None
    match = _COMMENT_FIELD[name].search(head[: head.find("*/") + 2])
    return match.group(1) if match else None


def _table_scans(node, into):
    if node.get("operator_type") == "TABLE_SCAN":
        extra = node.get("extra_info") or {}
        into.append(
            {
                "table": str(extra.get("Table") or extra.get("Function") or "unknown"),
                "rows": int(node.get("operator_rows_scanned") or 0),
                "seconds": float(node.get("operator_timing") or 0),
                "projections": extra.get("Projections") or [],
            }
        )
    for child in node.get("children") or []:
        _table_scans(child, into)


def _record(cursor, sql, at, seconds):
    path = _output["path"]
    if not path:
        return
    try:
        profile = json.loads(cursor.get_profiling_information(format="json"))
    except Exception:  # a statement DuckDB does not profile (e.g. a transaction command)
        profile = {}
    scans = []
    _table_scans(profile, scans)
    line = {
        "node": _comment_field(sql, "node_id"),
        "connection": _comment_field(sql, "connection_name"),
        "at": at,
        "seconds": seconds,
        "rows_scanned": int(profile.get("cumulative_rows_scanned") or 0),
        "peak_buffer_bytes": int(profile.get("system_peak_buffer_memory") or 0),
        "scans": [s for s in scans if s["rows"] > 0],
    }
    with _lock:
        with open(path, "a", encoding="utf-8") as out:
            out.write(json.dumps(line) + "\n")


def _patch_cursor_once():
    cursor_class = local.DuckDBCursorWrapper
    if getattr(cursor_class, "_signals_bench_profiled", False):
        return
    execute = cursor_class.execute

    def profiled_execute(self, sql, bindings=None):
        at = time.time()
        started = time.monotonic()
        result = execute(self, sql, bindings)
        _record(self._cursor, sql, at, time.monotonic() - started)
        return result

    cursor_class.execute = profiled_execute
    cursor_class._signals_bench_profiled = True


class Plugin(BasePlugin):
    def initialize(self, plugin_config):
        if not plugin_config.get("output"):
            raise ValueError("signals_bench_profiler needs an 'output' file in its config")
        _output["path"] = plugin_config["output"]
        _patch_cursor_once()

    def configure_cursor(self, cursor):
        cursor.execute("set enable_profiling = 'no_output'")
        cursor.execute("set profiling_coverage = 'ALL'")
