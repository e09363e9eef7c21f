"""
crucible-emulator (BigQuery) for the BigQuery tests, with the emulator gaps this project's
BigQuery SQL meets filled in, keeping BigQuery's semantics:

- DELETE FROM t WHERE c: not supported by crucible 0.1. Run as keeping the rows where c is not
  TRUE (BigQuery deletes exactly the rows where the condition is TRUE): the kept rows are computed
  through crucible's own query translation, then the table's rows are replaced by them.

- JSON_OBJECT(keys_array, values_array) (BigQuery's array signature): crucible generates DuckDB's
  json_object(key, value), which needs a VARCHAR key and so rejects an array. Run as DuckDB's
  to_json(map(keys, values)): the same object, keys in array order (BigQuery: a repeated key keeps
  its first value; the project's keys are distinct).

- EXTRACT(part FROM timestamp): crucible refuses EXTRACT from a TIMESTAMP (DuckDB TIMESTAMPTZ),
  whose result depends on a time zone. BigQuery extracts in UTC unless AT TIME ZONE is given, so
  it runs on the timestamp's UTC wall-clock time (DuckDB `ts AT TIME ZONE 'UTC'`).

- DATE_TRUNC(date, part): crucible generates DuckDB's date_trunc, which returns a TIMESTAMP for a
  DATE (so its text reads '2025-01-01 00:00:00'); BigQuery returns a DATE. Cast back to DATE.

- ARRAY_AGG(DISTINCT e ... ORDER BY e): DuckDB refuses it once crucible has added its runtime
  checks (ERROR() calls) to e, as it cannot tell the ORDER BY is the argument. BigQuery orders a
  DISTINCT aggregate only by its argument, so it runs as the unordered aggregate sorted by DuckDB's
  list_sort, in the same direction with NULLs placed as BigQuery places them.

Not a gap but the tests' loader: POST /_signals_batch/insert_rows {project, dataset, table,
columns, rows} appends rows (JSON, already in the table's layout and written as BigQuery writes
them, see bigquery_client.py) to a table created through the API, cast by DuckDB to the stored
column types. It stands in for the BigQuery loader's writes: crucible 0.1 has no streaming
inserts, its load jobs take flat CSV columns only, and INSERT ... VALUES through its GoogleSQL
translation loads about 3 rows a second.

Usage: python crucible_server.py serve --dialect bigquery --port PORT
"""
import json
import sys

from sqlglot import exp
from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse
from starlette.routing import Route

from crucible import cli
from crucible.dialects.bigquery import statements, transforms
from crucible.dialects.bigquery.transforms.common import duck_cast, typed
from crucible.engine import Session
from crucible.engine.catalog import qualified, quote
from crucible.server import app as server_app

_plan = statements._plan


def _plan_with_delete(tree, ctx):
    if not isinstance(tree, exp.Delete):
        return _plan(tree, ctx)
    table = tree.this
    info = statements.metadata.find_table(ctx, statements.metadata.name_of(table, ctx))
    full = statements.qualified(info.catalog, info.schema, info.name)
    where = tree.args.get("where")
    condition = where.this if where is not None else exp.true()
    kept = exp.select("*").from_(table.copy()).where(exp.not_(exp.Is(this=exp.paren(condition.copy()), expression=exp.true())))
    target_types = [statements.types.parse(statements.types.type_name(c.type)) for c in info.columns]
    translation = statements.translate_query(kept, ctx, target_types=target_types)
    sql = (
        f"CREATE OR REPLACE TEMP TABLE __sb_kept AS {translation.sql}; "
        f"DELETE FROM {full}; INSERT INTO {full} SELECT * FROM __sb_kept; DROP TABLE __sb_kept"
    )
    return statements.run_sql(sql, "DELETE", ctx, returns_rows=False)


statements._plan = _plan_with_delete


def _json_object_of_arrays(tree, ctx):
    for node in reversed(list(tree.find_all(exp.JSONObject))):
        pairs = node.expressions
        if len(pairs) != 1 or not isinstance(pairs[0], exp.JSONKeyValue):
            continue
        keys, values = pairs[0].this, pairs[0].expression
        if keys.type is None or not keys.type.is_type(exp.DataType.Type.ARRAY):
            continue
        built = exp.Anonymous(this="to_json", expressions=[exp.Anonymous(this="map", expressions=[keys.copy(), values.copy()])])
        built.type = exp.DataType.build("JSON")
        node.replace(built)
    return tree


def _extract_in_utc(tree, ctx):
    for node in list(tree.find_all(exp.Extract)):
        value = node.expression
        if isinstance(value, exp.Expr) and value.is_type(exp.DataType.Type.TIMESTAMPTZ):
            utc = exp.AtTimeZone(this=value.copy(), zone=exp.Literal.string("UTC"))
            utc.type = exp.DataType.build("DATETIME", dialect="bigquery")
            node.set("expression", utc)
    return tree


def _date_trunc_of_date(tree, ctx):
    for node in list(tree.find_all(exp.DateTrunc)):
        if node.is_type(exp.DataType.Type.DATE):
            node.replace(typed(duck_cast(node.copy(), "DATE"), "DATE"))
    return tree


def _distinct_array_agg_sorted(tree, ctx):
    for node in list(tree.find_all(exp.ArrayAgg)):
        order = node.this
        if not isinstance(order, exp.Order) or not isinstance(order.this, exp.Distinct) or len(order.expressions) != 1:
            continue
        key = order.expressions[0]
        outer = node.parent if isinstance(node.parent, exp.IgnoreNulls) else node
        node.set("this", order.this)
        sort = [exp.Literal.string("DESC" if key.args.get("desc") else "ASC"), exp.Literal.string("NULLS FIRST" if key.args.get("nulls_first") else "NULLS LAST")]
        sorted_ = exp.Anonymous(this="list_sort", expressions=[outer.copy(), *sort])
        sorted_.type = outer.type
        outer.replace(sorted_)
    return tree


# on the type-annotated tree: JSON_OBJECT and ARRAY_AGG before crucible's own transforms, EXTRACT
# and DATE_TRUNC after its dates transform (which rewrites DAYOFWEEK, ISOWEEK and ISOYEAR)
_dates = [name for name, _ in transforms.PIPELINE].index("dates") + 1
transforms.PIPELINE = (
    (("sb_json_object", _json_object_of_arrays), ("sb_distinct_array_agg", _distinct_array_agg_sorted))
    + transforms.PIPELINE[:_dates]
    + (("sb_extract_utc", _extract_in_utc), ("sb_date_trunc", _date_trunc_of_date))
    + transforms.PIPELINE[_dates:]
)


def _insert_rows(engine, body):
    project, dataset, table, columns = body["project"], body["dataset"], body["table"], body["columns"]
    with engine.cursor(Session()) as cursor:
        stored = dict(cursor.execute(
            "select column_name, data_type from duckdb_columns() where database_name = ? and schema_name = ? and table_name = ?",
            [project, dataset, table],
        ).fetchall())
        missing = [c for c in columns if c not in stored]
        if not stored or missing:
            raise ValueError(f"{project}.{dataset}.{table}: no such table or columns {missing}")
        row_type = "STRUCT(" + ", ".join(f"{quote(c)} {stored[c]}" for c in columns) + ")"
        cursor.execute(
            f"insert into {qualified(project, dataset, table)} ({', '.join(quote(c) for c in columns)}) "
            f"select r.* from (select unnest(cast(?::JSON as {row_type}[])) as r)",
            [json.dumps(body["rows"])],
        )
    return len(body["rows"])


_create_app = server_app.create_app


def _create_app_with_loader(dialect, engine):
    app = _create_app(dialect, engine)

    async def insert_rows(request):
        return JSONResponse({"rows": await run_in_threadpool(_insert_rows, engine, await request.json())})

    # ahead of the dialect server's catch-all route
    app.router.routes.insert(0, Route("/_signals_batch/insert_rows", insert_rows, methods=["POST"]))
    return app


server_app.create_app = _create_app_with_loader

if __name__ == "__main__":
    sys.exit(cli.main(sys.argv[1:]))
