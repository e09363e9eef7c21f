"""
fakesnow in server mode for the Snowflake tests, with the emulator gaps this project's Snowflake
SQL meets filled in. Each fill keeps Snowflake's documented semantics and only renames a call to a
DuckDB macro doing the same (fakesnow stores ARRAY/VARIANT values as JSON text):

- ARRAY_UNIQUE_AGG(x): fakesnow returns a DuckDB list it cannot describe (HTTP 500). Snowflake:
  the distinct non-NULL values; an empty array when there are none.
- ARRAY_SORT(a): fakesnow returns a DuckDB list it cannot describe. Snowflake: ascending, numbers
  by value.
- NULL timestamps in results: fakesnow's server sends a timestamp column as Snowflake's
  (epoch, fraction) struct without a validity mask, so a NULL reads back as 1970-01-01 00:00:00.
  The struct is sent with the column's NULLs (the SQL result is unchanged; only its transport).
- ALTER SESSION SET/UNSET QUERY_TAG and SHOW PARAMETERS LIKE 'QUERY_TAG': not implemented in
  fakesnow (dbt-snowflake reads the session's tag before setting a model's). A query tag only
  labels query history: setting it is accepted and ignored, and the session's tag reads as empty.

Usage: python fakesnow_server.py PORT (prints "listening" once ready; stops on SIGTERM).
"""
import signal
import sys
import threading

import fakesnow
import fakesnow.arrow
import fakesnow.cursor
import fakesnow.instance
import fakesnow.macros
import fakesnow.transforms
import pyarrow as pa
import sqlglot
import sqlglot.expressions as exp

MACROS = """
CREATE OR REPLACE MACRO {catalog}._sb_array_unique_agg(x) AS
    TO_JSON(COALESCE(LIST(DISTINCT x) FILTER (WHERE x IS NOT NULL), []));
CREATE OR REPLACE MACRO {catalog}._sb_array_sort(a) AS
    CASE WHEN a IS NULL THEN NULL ELSE TO_JSON(list_transform(
        list_sort(list_transform(CAST(a AS JSON[]), lambda e: {{'n': TRY_CAST(e AS DOUBLE), 's': e}})),
        lambda e: e.s)) END;
"""

_creation_sql = fakesnow.macros.creation_sql
# conn.py and cursor.py look it up on the module at each database creation
fakesnow.macros.creation_sql = lambda catalog: _creation_sql(catalog) + MACROS.format(catalog=catalog)


def rename_gaps(node: exp.Expr) -> exp.Expr:
    if isinstance(node, exp.ArrayUniqueAgg):
        return exp.Anonymous(this="_sb_array_unique_agg", expressions=[node.this])
    if isinstance(node, exp.SortArray) and not node.args.get("asc") and not node.args.get("nulls_first"):
        return exp.Anonymous(this="_sb_array_sort", expressions=[node.this])
    return node


_transform = fakesnow.cursor.FakeSnowflakeCursor._transform


def _transform_with_fills(self, expression, params):
    # a replaced call's arguments are not revisited in the same pass: repeat until nothing changes
    for _ in range(8):
        before = expression.sql(dialect="snowflake")
        expression = expression.transform(rename_gaps, copy=False)
        if expression.sql(dialect="snowflake") == before:
            break
    return _transform(self, expression, params)


fakesnow.cursor.FakeSnowflakeCursor._transform = _transform_with_fills

_timestamp_to_sf_struct = fakesnow.arrow.timestamp_to_sf_struct


def _timestamp_to_sf_struct_with_nulls(ts):
    if isinstance(ts, pa.ChunkedArray):
        ts = ts.combine_chunks()
    struct = _timestamp_to_sf_struct(ts)
    if ts.null_count == 0:
        return struct
    children = [struct.field(i) for i in range(struct.type.num_fields)]
    return pa.StructArray.from_arrays(children, fields=list(struct.type), mask=ts.is_null())


# to_sf looks it up on the module at each result
fakesnow.arrow.timestamp_to_sf_struct = _timestamp_to_sf_struct_with_nulls

_show_parameters = fakesnow.transforms.show_parameters


def _show_parameters_with_query_tag(expression):
    if isinstance(expression, exp.Command) and "query_tag" in str(expression.expression).lower():
        return sqlglot.parse_one(
            "SELECT * FROM (VALUES ('QUERY_TAG', '', '', 'SESSION', 'query tag', 'STRING')) "
            'AS parameters("key", "value", "default", "level", "description", "type")',
            read="duckdb",
        )
    return _show_parameters(expression)


fakesnow.transforms.show_parameters = _show_parameters_with_query_tag

_connect = fakesnow.instance.FakeSnow.connect
QUERY_TAG = [r"^\s*alter\s+session\s+(un)?set\s+query_tag\b"]


def _connect_ignoring_query_tags(self, *args, nop_regexes=None, **kwargs):
    return _connect(self, *args, nop_regexes=(nop_regexes or []) + QUERY_TAG, **kwargs)


fakesnow.instance.FakeSnow.connect = _connect_ignoring_query_tags

if __name__ == "__main__":
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    with fakesnow.server(port=int(sys.argv[1])):
        print("listening", flush=True)
        stop.wait()
