"""
One local Spark (with Delta) for a whole test file, reached through Spark Connect: dbt-spark's
`session` method, the loader and the reader each open a session on it (`spark.remote`), so the JVM,
the Ivy resolution, the metastore and the JIT warm-up are paid once instead of once per process.
Connect sessions are isolated from each other (current schema, runtime settings) and share the
catalog, as separate clients of one Databricks cluster do.

  python spark_server.py '<spark conf json>' <port>

Prints "spark connect server ready" once the port accepts sessions; stops on SIGTERM or SIGINT.
"""
import json
import signal
import sys
import threading

from pyspark.sql import SparkSession


def main() -> int:
    conf, port = json.loads(sys.argv[1]), sys.argv[2]
    builder = SparkSession.builder
    for key, value in conf.items():
        builder = builder.config(key, value)
    builder = builder.config("spark.plugins", "org.apache.spark.sql.connect.SparkConnectPlugin")
    builder = builder.config("spark.connect.grpc.binding.address", "127.0.0.1")
    builder = builder.config("spark.connect.grpc.binding.port", port)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    spark.sql("show databases").collect()
    print("spark connect server ready", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    while not stop.wait(1):
        pass
    spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
