"""Run Vigie over a Spark DataFrame with the decisions of one process.

`vigie plan` says how the rules' state is keyed. Comments are split by that key (every comment of
an author in one partition, when the state is per author), sorted by event time within each
partition, and each partition is piped through one `vigie run`. A comment's decision depends only
on earlier comments with the same key, so each partition sees exactly the history the single
process would have seen. Rules with global state (a window or `once per` without `by`/`per`) see
every comment: their comments go to one partition, or the call is refused.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import tempfile
import threading
import warnings
from dataclasses import dataclass, field

DECISION = "vigie_decision"
_JSON = "_vigie_json"
_TIME = "_vigie_time"
_SEQ = "_vigie_seq"
_KEY = "_vigie_key"

# What `from_json` reads of a decision line for the typed columns.
_DECISION_SCHEMA = (
    "struct<id: string, error: string, actions: array<struct<type: string, rule: string>>, "
    "tags: array<string>, rules: array<string>>"
)


class PlanError(ValueError):
    """The rules cannot be split exactly, and the caller asked for no single-partition fallback."""


@dataclass
class Plan:
    """How the rules' state is keyed (the JSON of `vigie plan --format json`)."""

    mode: str  # "any", "key" or "single"
    key: str | None
    reason: str | None
    rules_version: str
    rules: list = field(default_factory=list)

    @property
    def stateful_rules(self) -> list[str]:
        """Names of the rules that keep state."""
        return [r["name"] for r in self.rules if r["stateful"]]


def find_binary(binary: str | None = None) -> str:
    """The `vigie` binary: `binary`, else $VIGIE_BIN, else `vigie` on the PATH."""
    candidate = binary or os.environ.get("VIGIE_BIN") or shutil.which("vigie")
    if not candidate or not os.path.isfile(candidate):
        raise FileNotFoundError(
            f"no vigie binary at {candidate!r}: pass binary=..., set VIGIE_BIN, or put vigie on the PATH "
            "(build it with `swift build -c release` and use .build/release/vigie)"
        )
    return os.path.abspath(candidate)


def plan(rules: str, binary: str | None = None) -> Plan:
    """Asks `vigie plan` how the state of the rules at `rules` is keyed."""
    exe = find_binary(binary)
    p = subprocess.run([exe, "plan", "--rules", rules, "--format", "json"], capture_output=True, text=True)
    if p.returncode != 0:
        raise ValueError(f"`vigie plan --rules {rules}` failed (exit {p.returncode}):\n{p.stderr.strip()}")
    j = json.loads(p.stdout)
    part = j["partitioning"]
    return Plan(part["mode"], part.get("key"), part.get("reason"), j["rules_version"], j["rules"])


def _time_expr(column):
    """Seconds since 1970 from a time column, read as Vigie reads it: ISO 8601 text, or a number of
    epoch seconds (milliseconds above 1e11); anything else is no time. Only its order matters:
    it sorts each partition."""
    from pyspark.sql import functions as F
    from pyspark.sql.types import DateType, NumericType, StringType, TimestampType

    c, dtype = column
    if isinstance(dtype, (TimestampType, DateType)):
        return F.unix_micros(c.cast("timestamp")) / F.lit(1e6)
    if isinstance(dtype, NumericType):
        n = c.cast("double")
        return F.when(n > 1e11, n / 1000).otherwise(n)
    if isinstance(dtype, StringType):
        # Numeric text is not a time for Vigie; `try_cast` of it as a timestamp is null too.
        return F.unix_micros(c.try_cast("timestamp")) / F.lit(1e6)
    return F.lit(None).cast("double")


def _resolve(df, path: str):
    """The column at dotted `path` of `df` and its type, or None when the schema has no such field."""
    from pyspark.sql import functions as F
    from pyspark.sql.types import StructType

    dtype = df.schema
    for part in path.split("."):
        if not isinstance(dtype, StructType) or part not in dtype.fieldNames():
            return None
        dtype = dtype[part].dataType
    return F.col(".".join(f"`{p}`" for p in path.split("."))), dtype


_shipped_lock = threading.Lock()


def _ship(sc, path: str, recursive: bool = False) -> str:
    """Adds `path` to the files every executor gets (once per SparkContext); returns its name."""
    name = os.path.basename(os.path.normpath(path))
    with _shipped_lock:
        done = sc.__dict__.setdefault("_vigie_shipped", {})
        if done.get(name) not in (None, path):
            raise ValueError(
                f"another {name!r} ({done[name]}) was already shipped to the executors of this Spark session; "
                "give the rules folder another name, or use ship=False with paths present on every node"
            )
        if name not in done:
            sc.addFile(path, recursive=recursive)
            done[name] = path
    return name


def _partition_runner(binary: str, rules: str, shipped: bool, args: list[str], json_index: int, keep: list[int]):
    """The function `mapInArrow` runs on each partition: one `vigie run` fed batch by batch."""

    def local(name: str) -> str:
        if not shipped:
            return name
        from pyspark import SparkFiles

        return SparkFiles.get(name)

    def run(batches):
        import pyarrow as pa

        exe = local(binary)
        if not os.access(exe, os.X_OK):
            os.chmod(exe, os.stat(exe).st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
        err = tempfile.TemporaryFile()
        cmd = [exe, "run", "--rules", local(rules), "--jobs", "1", "--arrival-time", "off", *args]
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err, bufsize=1 << 20)

        def failure(what: str) -> RuntimeError:
            proc.kill()
            proc.wait()
            err.seek(0)
            return RuntimeError(f"vigie run {what} (exit {proc.returncode}): {' '.join(cmd)}\n"
                                f"{err.read().decode('utf-8', 'replace').strip()}")

        try:
            for batch in batches:
                n = batch.num_rows
                if n == 0:
                    continue
                lines = batch.column(json_index).to_pylist()
                data = ("\n".join(lines) + "\n").encode("utf-8")
                problem = []

                def feed():
                    try:
                        proc.stdin.write(data)
                        proc.stdin.flush()
                    except BaseException as e:  # a broken pipe: vigie ended; said below
                        problem.append(e)

                writer = threading.Thread(target=feed, daemon=True)
                writer.start()
                out = []
                for _ in range(n):
                    line = proc.stdout.readline()
                    if not line:
                        writer.join()
                        raise failure(f"ended after {len(out)} of the {n} lines of a batch")
                    # Drop `"line":N,`: the line number within one partition means nothing outside it.
                    comma = line.index(b",")
                    out.append(b"{" + line[comma + 1:].rstrip(b"\n"))
                writer.join()
                if problem:
                    raise failure(f"stopped reading its input ({problem[0]})")
                decisions = pa.array([o.decode("utf-8") for o in out], pa.string())
                cols = [batch.column(i) for i in keep] + [decisions]
                names = [batch.schema.names[i] for i in keep] + [DECISION]
                yield pa.RecordBatch.from_arrays(cols, names=names)
            proc.stdin.close()
            rest = proc.stdout.read()
            if proc.wait() != 0 or rest.strip():
                raise failure("did not end cleanly")
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            err.close()

    return run


def decide(
    df,
    rules: str,
    *,
    binary: str | None = None,
    key_column: str | None = None,
    time_column: str | None = None,
    json_column: str | None = None,
    partitions: int | None = None,
    global_state: str = "one-partition",
    ship: bool = True,
    vigie_args: list[str] | tuple[str, ...] = (),
):
    """Decides every comment of `df` with the rules at `rules`, as one `vigie run` over the
    comments in time order would.

    Returns `df`'s columns (in another row order) plus `vigie_decision` (the decision line of
    `vigie run` without its `line` number), `vigie_actions` (action types), `vigie_tags` and
    `vigie_rules`.

    - `binary`: the vigie binary on the driver (default: $VIGIE_BIN or `vigie` on the PATH).
    - `key_column`, `time_column`: the columns holding the state key and the event time, when
      they are not the fields the rules name (default: the key of `vigie plan`; `timestamp`,
      else `created_at`). They only place and order the rows; Vigie reads the comment itself.
    - `json_column`: a column already holding each comment as one JSON object (sent as is);
      default: the row's columns, through `to_json`.
    - `partitions`: how many partitions (default: the session's default parallelism).
    - `global_state`: what to do when `vigie plan` says the state is global or keyed by more
      than one field: "one-partition" (exact, on one core, with a warning) or "refuse"
      (raise PlanError).
    - `ship`: copy the binary and the rules to the executors with SparkContext.addFile; with
      False, `binary` and `rules` must be paths present on every node.
    - `vigie_args`: more options for `vigie run` (`--map`, `--time-field`, `--text-field`,
      `--lateness`...).
    """
    from pyspark.sql import functions as F
    from pyspark.sql.types import StringType, StructField, StructType

    if global_state not in ("one-partition", "refuse"):
        raise ValueError(f"global_state must be 'one-partition' or 'refuse', not {global_state!r}")
    exe = find_binary(binary)
    if not os.path.exists(rules):
        raise FileNotFoundError(f"no rules at {rules!r}: give a .vigie file or a folder of them")
    p = plan(rules, exe)
    spark = df.sparkSession
    sc = spark.sparkContext
    n = partitions or sc.defaultParallelism

    if p.mode == "single":
        message = (f"these rules cannot be split across partitions without changing decisions: {p.reason}")
        if global_state == "refuse":
            raise PlanError(message + ". Pass global_state='one-partition' to decide every comment in one "
                            "partition (exact, one core), or key those rules `by`/`per` a field.")
        warnings.warn(message + "; every comment goes to one partition (exact, one core)", stacklevel=2)
        n = 1

    original = df.columns
    if json_column is None:
        df = df.withColumn(_JSON, F.to_json(F.struct(*[F.col(f"`{c}`") for c in original])))
    else:
        df = df.withColumn(_JSON, F.col(json_column))
        original = [c for c in original if c != json_column] + [json_column]

    def field_of(path: str):
        if json_column is not None and _resolve(df, path) is None:
            return F.get_json_object(F.col(_JSON), "$." + path), StringType()
        return _resolve(df, path)

    # Vigie reads `timestamp`, else `created_at` (when `timestamp` is missing or not a time).
    times = [t for t in ([time_column] if time_column else ["timestamp", "created_at"]) if field_of(t) is not None]
    if p.mode != "any" and not times:
        warnings.warn(f"rules {', '.join(p.stateful_rules[:5])} keep state but the comments have no time "
                      "column (timestamp, created_at): windows leave them out; name it with time_column=",
                      stacklevel=2)
    exprs = [_time_expr(field_of(t)) for t in times]
    df = df.withColumn(_TIME, F.coalesce(*exprs) if len(exprs) > 1 else exprs[0] if exprs else F.lit(None).cast("double"))
    df = df.withColumn(_SEQ, F.monotonically_increasing_id())

    if p.mode == "key":
        key_path = key_column or p.key
        key = field_of(key_path)
        if key is None:
            raise ValueError(f"the rules keep state per `{p.key}` ({', '.join(p.stateful_rules[:5])}) but the "
                             f"DataFrame has no column `{key_path}`: name the column that holds it with key_column=")
        df = df.withColumn(_KEY, key[0]).repartition(n, F.col(_KEY))
    elif p.mode == "single":
        df = df.repartition(1)
    else:
        df = df.repartition(n)
    df = df.sortWithinPartitions(F.col(_TIME).asc_nulls_first(), F.col(_SEQ).asc())

    names = df.columns
    keep = [names.index(c) for c in original]
    schema = StructType([df.schema[c] for c in original] + [StructField(DECISION, StringType(), False)])
    if ship:
        b = _ship(sc, exe)
        r = _ship(sc, os.path.abspath(rules), recursive=os.path.isdir(rules))
    else:
        b, r = exe, os.path.abspath(rules)
    runner = _partition_runner(b, r, ship, list(vigie_args), names.index(_JSON), keep)
    out = df.mapInArrow(runner, schema)
    parsed = F.from_json(F.col(DECISION), _DECISION_SCHEMA)
    out = (
        out.withColumn("_vigie_parsed", parsed)
        .withColumn("vigie_actions", F.transform(F.col("_vigie_parsed.actions"), lambda a: a["type"]))
        .withColumn("vigie_tags", F.col("_vigie_parsed.tags"))
        .withColumn("vigie_rules", F.col("_vigie_parsed.rules"))
        .drop("_vigie_parsed")
    )
    return out
