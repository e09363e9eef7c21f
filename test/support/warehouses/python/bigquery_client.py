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


def atomic_type(column, kinds):
    return ("atomic", atomic_kind(column, kinds))


def literal(value, t):
    """A BigQuery literal of `value`, of type `t` (an inferred type, or ('atomic', kind))."""
    kind = t[0]
    if kind == "atomic":
        if value is None:
            return f"CAST(NULL AS {ATOMIC_TYPES[t[1]]})"
        if t[1] == "timestamp":
            return f"TIMESTAMP '{value}'"
        if t[1] == "number":
            return repr(float(value))
        if t[1] == "boolean":
            return "TRUE" if value else "FALSE"
        return quote(value)
    if kind == "array":
        inner = t[1] if t[1][0] != "null" else ("string",)
        if not value:
            return f"CAST([] AS {sql_type(t)})"
        return "[" + ", ".join(literal(v, inner) for v in value) + "]"
    if value is None:
        return f"CAST(NULL AS {sql_type(t if kind != 'null' else ('string',))})"
    if kind == "struct":
        return "STRUCT(" + ", ".join(f"{literal(value.get(k), ft)} AS `{k}`" for k, ft in sorted(t[1].items())) + ")"
    if kind == "bool":
        return "TRUE" if value else "FALSE"
    if kind == "int":
        return str(int(value))
    if kind == "float":
        return repr(float(value))
    return quote(value if isinstance(value, str) else json.dumps(value))


def quote(text):
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n").replace("\r", "\\r") + "'"


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
    # DML with typed literals: the emulator has no streaming inserts
    for start in range(0, len(rows), 200):
        values = ",\n".join(
            "(" + ", ".join(literal(conform(r.get(c), types[c]) if c in types else r.get(c), types.get(c) or atomic_type(c, kinds)) for c in columns) + ")"
            for r in rows[start : start + 200]
        )
        bq.query_and_wait(f"insert into `{table}` ({', '.join(f'`{c}`' for c in columns)}) values {values}")
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
