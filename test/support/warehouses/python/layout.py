"""
Snowplow atomic events from CSV exports (full-version self-describing column names, JSON text),
shaped the way each warehouse's loader stores them:

- snowflake: one VARIANT column per major version (`contexts_x_1` ARRAY, `unstruct_event_x_1`
  OBJECT), JSON keys as sent.
- databricks: one column per major version, ARRAY<STRUCT> / STRUCT with snake_case fields.
- bigquery: like databricks (REPEATED RECORD / RECORD), except that rows loaded before
  `legacy_before` are in the 1.x loader's full-version columns (`contexts_x_1_0_0`), as in a table
  migrated from the 1.x loader.

Field types of the STRUCT layouts are inferred from the values (the loaders take them from the
schemas); every field is nullable.
"""
import csv
import json
import re

SELF_DESCRIBING = re.compile(r"^((?:contexts|unstruct_event)_.+_(\d+))_(\d+)_(\d+)$")
EXTRA_TIMESTAMPS = {"load_tstamp", "refr_dvce_tstamp"}


def snake_case(name):
    name = re.sub(r"([^A-Z_])([A-Z])", r"\1_\2", name)
    return re.sub(r"[^A-Za-z0-9_]", "_", name).lower()


def read_rows(files):
    rows = []
    for file in files:
        with open(file, newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                rows.append({k.lower(): (v if v != "" else None) for k, v in row.items()})
    return rows


def atomic_kind(column, kinds):
    if column in EXTRA_TIMESTAMPS:
        return "timestamp"
    return kinds.get(column, "string")


def typed_atomic(value, kind):
    if value is None:
        return None
    if kind == "number":
        return float(value)
    if kind == "boolean":
        return value.strip().lower() in ("true", "1", "t", "yes")
    return value


def shape(rows, kinds, warehouse, legacy_before=None):
    """Rows as {column: value}: atomic values typed, self-describing values parsed JSON, keyed by target column."""
    out = []
    for row in rows:
        shaped = {}
        legacy = warehouse == "bigquery" and legacy_before is not None and (row.get("load_tstamp") or "") < legacy_before
        versions = {}
        for column, value in row.items():
            m = SELF_DESCRIBING.match(column)
            if m:
                target = column if legacy else m.group(1)
                versions.setdefault(target, []).append((int(m.group(3)), int(m.group(4)), value))
            elif column.startswith(("contexts_", "unstruct_event_")):
                versions.setdefault(column, []).append((0, 0, value))
            else:
                shaped[column] = typed_atomic(value, atomic_kind(column, kinds))
        for target, values in versions.items():
            newest = next((v for *_, v in sorted(values, reverse=True) if v is not None), None)
            parsed = json.loads(newest) if newest is not None else None
            shaped[target] = snake_keys(parsed) if warehouse != "snowflake" and parsed is not None else parsed
        out.append(shaped)
    return out


def snake_keys(value):
    if isinstance(value, dict):
        return {snake_case(k): snake_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [snake_keys(v) for v in value]
    return value


# --- types of the STRUCT layouts -------------------------------------------------------------

def merge_type(a, b):
    """Types are ('null',) ('bool',) ('int',) ('float',) ('string',) ('array', t) ('struct', {name: t})."""
    if a[0] == "null":
        return b
    if b[0] == "null":
        return a
    if a[0] == "struct" and b[0] == "struct":
        fields = dict(a[1])
        for k, t in b[1].items():
            fields[k] = merge_type(fields.get(k, ("null",)), t)
        return ("struct", fields)
    if a[0] == "array" and b[0] == "array":
        return ("array", merge_type(a[1], b[1]))
    if {a[0], b[0]} == {"int", "float"}:
        return ("float",)
    return a if a == b else ("string",)


def type_of(value):
    if value is None:
        return ("null",)
    if isinstance(value, bool):
        return ("bool",)
    if isinstance(value, int):
        return ("int",)
    if isinstance(value, float):
        return ("float",)
    if isinstance(value, dict):
        return ("struct", {k: type_of(v) for k, v in value.items()})
    if isinstance(value, list):
        t = ("null",)
        for v in value:
            t = merge_type(t, type_of(v))
        return ("array", t)
    return ("string",)


def column_types(rows):
    """The merged type of every self-describing column over all rows; a major-version column also
    takes the type of its full-version columns (the same schemas, as the loader types it)."""
    types = {}
    for row in rows:
        for column, value in row.items():
            if column.startswith(("contexts_", "unstruct_event_")):
                types[column] = merge_type(types.get(column, ("null",)), type_of(value))
    for column, t in list(types.items()):
        m = SELF_DESCRIBING.match(column)
        if m and m.group(1) in types:
            types[m.group(1)] = merge_type(types[m.group(1)], t)
    return {c: (t if t[0] != "null" else ("string",)) for c, t in types.items()}


def conform(value, t):
    """A parsed JSON value made to fit its column type (strings where the type is string)."""
    if value is None:
        return None
    kind = t[0]
    if kind == "struct":
        return {k: conform(value.get(k) if isinstance(value, dict) else None, ft) for k, ft in t[1].items()}
    if kind == "array":
        return [conform(v, t[1]) for v in value] if isinstance(value, list) else None
    if kind == "string":
        return value if isinstance(value, str) else json.dumps(value)
    if kind == "float":
        return float(value)
    return value
