"""
The BigQuery side of the warehouse tests, through google-cloud-bigquery (here against the local
crucible-emulator): load CSV exports into the BigQuery loader's layout (RECORD / REPEATED RECORD
with snake_case fields; rows loaded before `legacy_before` in the 1.x loader's full-version
columns), and run queries. Tables are created through the API; rows go in through the emulator's
test-side bulk insert (crucible_server.py), written as BigQuery writes them.

  python bigquery_client.py load  '<settings json>' '<dataset.table>' '<atomic kinds json>' '<type files json>' file.csv...
  python bigquery_client.py query '<settings json>' '<sql>'      -> JSON rows on stdout
"""
import datetime
import decimal
import json
import sys

import requests
from google.api_core.client_options import ClientOptions
from google.api_core.exceptions import NotFound
from google.auth.credentials import AnonymousCredentials
from google.cloud import bigquery

from layout import atomic_kind, column_types, conform, read_rows, shape

ATOMIC_TYPES = {"timestamp": "TIMESTAMP", "number": "FLOAT64", "boolean": "BOOL", "string": "STRING"}


def client(settings):
    return bigquery.Client(
        project=settings["project"],
        credentials=AnonymousCredentials(),
        client_options=ClientOptions(api_endpoint=settings["endpoint"]),
    )


def sql_type(t):
    kind = t[0]
    if kind == "struct":
        return "STRUCT<" + ", ".join(f"`{k}` {sql_type(v)}" for k, v in sorted(t[1].items())) + ">"
    if kind == "array":
        inner = t[1] if t[1][0] != "null" else ("string",)
        return f"ARRAY<{sql_type(inner)}>"
    return {"bool": "BOOL", "int": "INT64", "float": "FLOAT64"}.get(kind, "STRING")


def column_sql_type(column, types, kinds):
    if column in types:
        t = types[column]
        # contexts are REPEATED RECORD, self-describing events RECORD
        return sql_type(t if t[0] != "null" else ("string",))
    return ATOMIC_TYPES[atomic_kind(column, kinds)]


def written(value, t):
    """A conformed value as BigQuery writes it: a NULL array is an empty one, at any depth, and an
    array may not hold a NULL element."""
    if t[0] == "array":
        if value is None:
            return []
        if any(v is None for v in value):
            raise ValueError("Array cannot have a null element")
        return [written(v, t[1]) for v in value]
    if t[0] == "struct" and value is not None:
        return {k: written(value.get(k), ft) for k, ft in t[1].items()}
    return value


def load(settings, table, kinds, type_files, files):
    legacy_before = settings.get("legacyBefore")
    rows = shape(read_rows(files), kinds, "bigquery", legacy_before)
    if not rows:
        return 0
    types = column_types(shape(read_rows(type_files or files), kinds, "bigquery", legacy_before))
    bq = client(settings)
    dataset = table.split(".")[0]
    bq.query_and_wait(f"create schema if not exists `{dataset}`")
    try:
        existing = {f.name for f in bq.get_table(table).schema}
    except NotFound:
        existing = set()
    columns = sorted({c for r in rows for c in r} | set(types))
    if not existing:
        bq.query_and_wait(f"create table `{table}` ({', '.join(f'`{c}` {column_sql_type(c, types, kinds)}' for c in columns)})")
    else:
        for c in columns:
            if c not in existing:
                bq.query_and_wait(f"alter table `{table}` add column `{c}` {column_sql_type(c, types, kinds)}")
    # the emulator has no streaming inserts: its test-side bulk insert (crucible_server.py)
    project = settings["project"]
    for start in range(0, len(rows), 2000):
        batch = [{c: written(conform(r.get(c), types[c]), types[c]) if c in types else r.get(c) for c in columns} for r in rows[start : start + 2000]]
        body = {"project": project, "dataset": dataset, "table": table.split(".")[1], "columns": columns, "rows": batch}
        requests.post(f"{settings['endpoint']}/_signals_batch/insert_rows", json=body, timeout=600).raise_for_status()
    return len(rows)


def plain(value):
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def query(settings, sql):
    return [{k.lower(): plain(v) for k, v in row.items()} for row in client(settings).query_and_wait(sql)]


if __name__ == "__main__":
    command, settings = sys.argv[1], json.loads(sys.argv[2])
    if command == "load":
        print(json.dumps({"rows": load(settings, sys.argv[3], json.loads(sys.argv[4]), json.loads(sys.argv[5]), sys.argv[6:])}))
    elif command == "query":
        print(json.dumps(query(settings, sys.argv[3])))
    else:
        sys.exit(f"unknown command {command}")
