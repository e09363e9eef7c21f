"""
The BigQuery side of the warehouse tests, through google-cloud-bigquery (here against the local
crucible-emulator): load CSV exports into the BigQuery loader's layout (RECORD / REPEATED RECORD
with snake_case fields; rows loaded before `legacy_before` in the 1.x loader's full-version
columns), and run queries.

  python bigquery_client.py load  '<settings json>' '<dataset.table>' '<atomic kinds json>' '<type files json>' file.csv...
  python bigquery_client.py query '<settings json>' '<sql>'      -> JSON rows on stdout
"""
import datetime
import decimal
import json
import sys

from google.api_core.client_options import ClientOptions
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


def load(settings, table, kinds, type_files, files):
    legacy_before = settings.get("legacyBefore")
    rows = shape(read_rows(files), kinds, "bigquery", legacy_before)
    if not rows:
        return 0
    types = column_types(shape(read_rows(type_files or files), kinds, "bigquery", legacy_before))
    bq = client(settings)
    dataset = table.split(".")[0]
    bq.query_and_wait(f"create schema if not exists `{dataset}`")
    existing = {r["column_name"] for r in bq.query_and_wait(f"select column_name from `{dataset}`.INFORMATION_SCHEMA.COLUMNS where table_name = '{table.split('.')[1]}'")}
    columns = sorted({c for r in rows for c in r} | set(types))
    if not existing:
        bq.query_and_wait(f"create table `{table}` ({', '.join(f'`{c}` {column_sql_type(c, types, kinds)}' for c in columns)})")
    else:
        for c in columns:
            if c not in existing:
                bq.query_and_wait(f"alter table `{table}` add column `{c}` {column_sql_type(c, types, kinds)}")
    payload = []
    for r in rows:
        out = {}
        for c in columns:
            v = r.get(c)
            if c in types:
                v = conform(v, types[c])
                if v is None and types[c][0] == "array":
                    v = []
            out[c] = v
        payload.append(out)
    for start in range(0, len(payload), 500):
        errors = bq.insert_rows_json(table, payload[start : start + 500])
        if errors:
            raise RuntimeError(f"insert into {table} failed: {errors[:3]}")
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
