"""
The Snowflake side of the warehouse tests, through snowflake-connector-python (here against the
fakesnow server): load CSV exports into the Snowflake loader's layout, and run queries.

  python snowflake_client.py load  '<connection json>' '<table>' '<atomic kinds json>' file.csv...
  python snowflake_client.py query '<connection json>' '<sql>'      -> JSON rows on stdout
"""
import datetime
import decimal
import json
import sys

import snowflake.connector

from layout import atomic_kind, read_rows, shape

TYPES = {"timestamp": "TIMESTAMP_NTZ(9)", "number": "FLOAT", "boolean": "BOOLEAN", "string": "VARCHAR"}


def connect(settings):
    return snowflake.connector.connect(
        user="signals_batch_test",
        password="unused",
        account="fakesnow",
        host=settings["host"],
        port=settings["port"],
        protocol="http",
        database=settings["database"],
        session_parameters={"CLIENT_OUT_OF_BAND_TELEMETRY_ENABLED": False},
        network_timeout=900,
        login_timeout=600,
        socket_timeout=900,
    )


def literal(value):
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return repr(value)
    return "'" + str(value).replace("\\", "\\\\").replace("'", "''") + "'"


def column_type(column, kinds):
    if column.startswith("contexts_"):
        return "ARRAY"
    if column.startswith("unstruct_event_"):
        return "OBJECT"
    return TYPES[atomic_kind(column, kinds)]


def load(settings, table, kinds, files):
    rows = shape(read_rows(files), kinds, "snowflake")
    if not rows:
        return 0
    conn = connect(settings)
    cur = conn.cursor()
    schema, name = table.split(".")
    cur.execute(f"create schema if not exists {schema}")
    columns = sorted({c for r in rows for c in r})
    cur.execute(
        "select lower(column_name) from information_schema.columns where upper(table_schema) = %s and upper(table_name) = %s",
        (schema.upper(), name.upper()),
    )
    existing = {r[0] for r in cur.fetchall()}
    if not existing:
        cur.execute(f"create table {table} ({', '.join(f'{c} {column_type(c, kinds)}' for c in columns)})")
    else:
        for c in columns:
            if c not in existing:
                cur.execute(f"alter table {table} add column {c} {column_type(c, kinds)}")
    select = []
    for i, c in enumerate(columns, start=1):
        t = column_type(c, kinds)
        select.append(f"parse_json(v{i})" if t in ("ARRAY", "OBJECT") else f"v{i}::{t}")
    for start in range(0, len(rows), 100):
        values = ",\n".join(
            "(" + ", ".join(literal(json.dumps(r.get(c)) if column_type(c, kinds) in ("ARRAY", "OBJECT") and r.get(c) is not None else r.get(c)) for c in columns) + ")"
            for r in rows[start : start + 100]
        )
        names = ", ".join(f"v{i}" for i in range(1, len(columns) + 1))
        cur.execute(f"insert into {table} ({', '.join(columns)}) select {', '.join(select)} from (values {values}) as v ({names})")
    conn.close()
    return len(rows)


def plain(value):
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat(sep=" ") if isinstance(value, datetime.datetime) else value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    return value


def query(settings, sql):
    conn = connect(settings)
    cur = conn.cursor()
    cur.execute(sql)
    names = [d.name.lower() for d in cur.description]
    # ARRAY/OBJECT/VARIANT values arrive as JSON text
    semi = [d.type_code in (5, 9, 10) for d in cur.description]
    out = []
    for row in cur.fetchall():
        out.append({n: (json.loads(v) if s and isinstance(v, str) else plain(v)) for n, v, s in zip(names, row, semi)})
    conn.close()
    return out


if __name__ == "__main__":
    command, settings = sys.argv[1], json.loads(sys.argv[2])
    if command == "load":
        print(json.dumps({"rows": load(settings, sys.argv[3], json.loads(sys.argv[4]), sys.argv[5:])}))
    elif command == "query":
        print(json.dumps(query(settings, sys.argv[3])))
    else:
        sys.exit(f"unknown command {command}")
