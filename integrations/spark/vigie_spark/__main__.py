"""`python -m vigie_spark run --rules PATH --input PATH --output DIR [--master local[2]]`.

Reads comments as JSON lines (one object per line, sent to Vigie as written) or Parquet, and
writes one decision per comment, with the comment's `id`: JSON lines (the `vigie run` line without
its `line` number) or Parquet (`id`, `vigie_decision`, `vigie_actions`, `vigie_tags`, `vigie_rules`).
"""

from __future__ import annotations

import argparse
import os
import sys

from .core import DECISION, PlanError, decide, find_binary


def _format(path: str, given: str | None) -> str:
    if given:
        return given
    if path.endswith(".parquet") or (os.path.isdir(path) and any(f.endswith(".parquet") for f in os.listdir(path))):
        return "parquet"
    return "jsonl"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m vigie_spark", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="decide every comment of a JSON-lines or Parquet input with Spark")
    run.add_argument("--rules", required=True, help="a .vigie file or a folder of them")
    run.add_argument("--input", required=True, help="comments: a JSON-lines file or folder, or Parquet")
    run.add_argument("--output", required=True, help="a folder for the decisions (must not exist)")
    run.add_argument("--master", help="Spark master, e.g. local[2] (default: the one spark-submit gives)")
    run.add_argument("--input-format", choices=["jsonl", "parquet"], help="default: from the file names")
    run.add_argument("--output-format", choices=["jsonl", "parquet"], default="jsonl")
    run.add_argument("--vigie", help="the vigie binary (default: $VIGIE_BIN, else vigie on the PATH)")
    run.add_argument("--partitions", type=int, help="default: the session's default parallelism")
    run.add_argument("--key-column", help="the column of the state key, when not the field the rules name")
    run.add_argument("--time-column", help="the column of the event time (default: timestamp, else created_at)")
    run.add_argument("--refuse-global", action="store_true",
                     help="fail instead of deciding in one partition when the rules keep global state")
    run.add_argument("--no-ship", action="store_true",
                     help="do not copy the binary and rules to the executors: the paths exist on every node")
    run.add_argument("vigie_args", nargs="*", help="after --: more `vigie run` options (--map, --time-field...)")
    a = ap.parse_args(argv)

    try:
        binary = find_binary(a.vigie)
    except FileNotFoundError as e:
        print(f"vigie_spark: {e}", file=sys.stderr)
        return 2
    if not os.path.exists(a.rules):
        print(f"vigie_spark: no rules at {a.rules!r}: give a .vigie file or a folder of them", file=sys.stderr)
        return 2
    if not os.path.exists(a.input) and "://" not in a.input:
        print(f"vigie_spark: no input at {a.input!r}", file=sys.stderr)
        return 2

    from pyspark.sql import SparkSession
    from pyspark.sql import functions as F

    # A session that was already running (a notebook, a test) is used and left running.
    ours = SparkSession.getActiveSession() is None
    builder = SparkSession.builder.appName("vigie").config("spark.sql.session.timeZone", "UTC")
    if a.master:
        builder = builder.master(a.master)
    spark = builder.getOrCreate()
    try:
        if _format(a.input, a.input_format) == "parquet":
            df = spark.read.parquet(a.input)
            json_column = None
        else:
            # Each line is sent as written: no schema inference, nothing dropped or reordered.
            df = spark.read.text(a.input).where(F.trim(F.col("value")) != "").withColumnRenamed("value", "_comment")
            json_column = "_comment"
        out = decide(df, a.rules, binary=binary, key_column=a.key_column, time_column=a.time_column,
                     json_column=json_column, partitions=a.partitions,
                     global_state="refuse" if a.refuse_global else "one-partition",
                     ship=not a.no_ship, vigie_args=a.vigie_args)
        if a.output_format == "parquet":
            out.select(F.get_json_object(F.col(DECISION), "$.id").alias("id"), DECISION, "vigie_actions",
                       "vigie_tags", "vigie_rules").write.parquet(a.output)
        else:
            out.select(DECISION).write.text(a.output)
    except PlanError as e:
        print(f"vigie_spark: {e}", file=sys.stderr)
        return 2
    finally:
        if ours:
            spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
