"""`make bench-spark`: one million generated comments through one `vigie run` (one worker thread,
then all cores), then through `vigie_spark` with Spark local[1] and local[2], rules with
per-author state (tests/rules/keyed). Prints comments/s and the integration's share of the
single-process per-core rate. Each Spark figure is measured inside a warm session (the JVM start,
a few seconds, is printed apart), from reading the JSON-lines file to the written decisions.

    python bench.py [--comments 1000000] [--vigie .build/release/vigie]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE / "tests"))

import comments as gen  # noqa: E402
from vigie_spark import DECISION, decide  # noqa: E402

RULES = str(HERE / "tests" / "rules" / "keyed")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--comments", type=int, default=1_000_000)
    ap.add_argument("--vigie", default=os.environ.get("VIGIE_BIN"))
    a = ap.parse_args()
    binary = a.vigie or str(HERE.parents[1] / ".build/release/vigie")
    work = Path(tempfile.mkdtemp(prefix="vigie-bench-spark-"))
    try:
        comments = gen.generate(a.comments)
        gen.write_jsonl(gen.time_order(comments), work / "sorted.jsonl")
        gen.write_jsonl(comments, work / "comments.jsonl")
        del comments
        n = a.comments
        print(f"{n} comments, rules {RULES}, binary {binary}, {os.cpu_count()} cores")
        rates = {}
        for jobs in (1, 2):
            t = time.perf_counter()
            subprocess.run([binary, "run", "--rules", RULES, "--input", str(work / "sorted.jsonl"), "--arrival-time", "off",
                            "--jobs", str(jobs)], stdout=subprocess.DEVNULL, check=True)
            s = time.perf_counter() - t
            rates[f"vigie run --jobs {jobs}"] = n / s
            print(f"vigie run --jobs {jobs}: {s:.1f} s, {n / s:,.0f} comments/s")
        from pyspark.sql import SparkSession
        from pyspark.sql import functions as F

        for cores in (1, 2):
            t = time.perf_counter()
            spark = (SparkSession.builder.master(f"local[{cores}]").appName("vigie-bench")
                     .config("spark.ui.enabled", "false").config("spark.sql.session.timeZone", "UTC")
                     .config("spark.driver.memory", "2g").getOrCreate())
            spark.range(1).count()
            start = time.perf_counter() - t
            t = time.perf_counter()
            df = spark.read.text(str(work / "comments.jsonl")).withColumnRenamed("value", "c")
            out = decide(df, RULES, binary=binary, json_column="c", partitions=4 * cores)
            out.select(DECISION).write.text(str(work / f"out{cores}"))
            s = time.perf_counter() - t
            rates[f"spark local[{cores}]"] = n / s
            print(f"spark local[{cores}]: {s:.1f} s, {n / s:,.0f} comments/s (session start {start:.1f} s, not counted)")
            spark.stop()
            lines = sum(1 for f in (work / f"out{cores}").glob("part-*") for _ in open(f, encoding="utf-8"))
            assert lines == n, f"{lines} decisions for {n} comments"
        per_core = rates["vigie run --jobs 1"]
        for cores in (1, 2):
            r = rates[f"spark local[{cores}]"]
            print(f"spark local[{cores}]: {r / cores / per_core:.0%} of vigie run's per-core rate "
                  f"(overhead {per_core * cores / r - 1:.0%})")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
