"""
The Databricks side of the warehouse tests, a client of the local Spark with Delta that
spark_server.py runs (the session settings dbt-spark's `session` method gets too): load CSV
exports into the lake loader's layout (STRUCT / ARRAY<STRUCT> with snake_case fields, one column
per major version), and run queries.

  python spark_client.py load  '<spark conf json>' '<schema.table>' '<atomic kinds json>' '<type files json>' file.csv...
  python spark_client.py query '<spark conf json>' '<sql>'      -> JSON rows on stdout
"""
import datetime
import decimal
import json
import sys

from pyspark.sql import SparkSession
from pyspark.sql import types as T

from layout import atomic_kind, column_types, conform, read_rows, shape

ATOMIC_TYPES = {"timestamp": T.TimestampType(), "number": T.DoubleType(), "boolean": T.BooleanType(), "string": T.StringType()}


def session(conf):
    builder = SparkSession.builder.enableHiveSupport()
    for key, value in conf.items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


def spark_type(t):
    kind = t[0]
    if kind == "struct":
        return T.StructType([T.StructField(k, spark_type(v), True) for k, v in sorted(t[1].items())])
    if kind == "array":
        return T.ArrayType(spark_type(t[1]) if t[1][0] != "null" else T.StringType(), True)
    return {"bool": T.BooleanType(), "int": T.LongType(), "float": T.DoubleType()}.get(kind, T.StringType())


def timestamp(value):
    return datetime.datetime.fromisoformat(value.replace(" ", "T")) if value else None


def load(conf, table, kinds, type_files, files):
    rows = shape(read_rows(files), kinds, "databricks")
    if not rows:
        return 0
    types = column_types(shape(read_rows(type_files or files), kinds, "databricks"))
    columns = sorted({c for r in rows for c in r} | set(types))
    fields = []
    for c in columns:
        if c in types:
            fields.append(T.StructField(c, spark_type(types[c]), True))
        else:
            fields.append(T.StructField(c, ATOMIC_TYPES[atomic_kind(c, kinds)], True))
    data = []
    for r in rows:
        out = []
        for c in columns:
            v = r.get(c)
            if c in types:
                out.append(conform(v, types[c]))
            elif atomic_kind(c, kinds) == "timestamp":
                out.append(timestamp(v))
            else:
                out.append(v)
        data.append(out)
    spark = session(conf)
    schema = table.split(".")[0]
    spark.sql(f"create schema if not exists {schema}")
    frame = spark.createDataFrame(data, T.StructType(fields))
    frame.write.format("delta").mode("append").option("mergeSchema", "true").saveAsTable(table)
    return len(rows)


def plain(value):
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if hasattr(value, "asDict"):
        return plain(value.asDict())
    return value


def query(conf, sql):
    spark = session(conf)
    frame = spark.sql(sql)
    return [{k.lower(): plain(v) for k, v in row.asDict().items()} for row in frame.collect()]


if __name__ == "__main__":
    command, conf = sys.argv[1], json.loads(sys.argv[2])
    if command == "load":
        print(json.dumps({"rows": load(conf, sys.argv[3], json.loads(sys.argv[4]), json.loads(sys.argv[5]), sys.argv[6:])}))
    elif command == "query":
        print(json.dumps(query(conf, sys.argv[3])))
    else:
        sys.exit(f"unknown command {command}")
