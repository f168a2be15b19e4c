"""Spark in local[2] gives every comment the decision of one `vigie run` over the same comments in
time order: stateless rules, per-author windows, `repeats` and cooldowns split by author, and a
global crisis window (one partition). VIGIE_BIN names the binary (default: the package's build)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import comments as gen  # noqa: E402
from vigie_spark import DECISION, PlanError, decide, plan  # noqa: E402
from vigie_spark.__main__ import main  # noqa: E402

ROOT = HERE.parents[2]
KEYED = str(HERE / "rules" / "keyed")
CRISIS = str(HERE / "rules" / "crisis")
N = int(os.environ.get("VIGIE_SPARK_COMMENTS", "200000"))


def _binary() -> str:
    for b in (os.environ.get("VIGIE_BIN"), ROOT / ".build/release/vigie", ROOT / ".build/debug/vigie"):
        if b and Path(b).is_file():
            return str(b)
    pytest.fail("no vigie binary: run `swift build` (or set VIGIE_BIN)")


BIN = _binary()


def _without_line(line: str) -> str:
    assert line.startswith('{"line":'), line
    return "{" + line[line.index(",") + 1:]


def _by_id(lines) -> dict[str, str]:
    out = {}
    for line in lines:
        out[json.loads(line)["id"]] = line
    return out


@pytest.fixture(scope="session")
def spark():
    from pyspark.sql import SparkSession

    s = (SparkSession.builder.master("local[2]").appName("vigie-test")
         .config("spark.sql.session.timeZone", "UTC").config("spark.ui.enabled", "false")
         .config("spark.sql.shuffle.partitions", "8").getOrCreate())
    yield s
    s.stop()


@pytest.fixture(scope="session")
def data(tmp_path_factory):
    d = tmp_path_factory.mktemp("vigie-spark")
    comments = gen.generate(N)
    gen.write_jsonl(comments, d / "comments.jsonl")
    gen.write_jsonl(gen.time_order(comments), d / "sorted.jsonl")
    return d


_references: dict[tuple[str, str], dict[str, str]] = {}


def _reference(data: Path, rules: str) -> dict[str, str]:
    """One `vigie run` over the comments in time order, `line` numbers dropped."""
    if (str(data), rules) not in _references:
        _references[(str(data), rules)] = _run_once(data, rules)
    return _references[(str(data), rules)]


def _run_once(data: Path, rules: str) -> dict[str, str]:
    p = subprocess.run([BIN, "run", "--rules", rules, "--input", str(data / "sorted.jsonl"), "--arrival-time", "off"],
                       capture_output=True, text=True, check=True)
    return _by_id(_without_line(l) for l in p.stdout.splitlines())


def _rules_fired(decisions: dict[str, str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for line in decisions.values():
        d = json.loads(line)
        for r in d.get("rules", []):
            counts[r] = counts.get(r, 0) + 1
        for x in d.get("dropped", []):
            counts["dropped:" + x["why"].split(":")[0]] = counts.get("dropped:" + x["why"].split(":")[0], 0) + 1
    return counts


def _differences(got: dict[str, str], want: dict[str, str]) -> list[str]:
    assert got.keys() == want.keys(), f"{len(got)} decisions for {len(want)} comments"
    return [f"{k}:\n  spark: {got[k]}\n  one process: {want[k]}" for k in want if got[k] != want[k]]


def test_per_author_state_split_by_author_gives_the_decisions_of_one_process(spark, data):
    want = _reference(data, KEYED)
    fired = _rules_fired(want)
    # The comparison means something only if every kind of state decided comments.
    for r in ("flood", "repeated", "late_order", "insult", "link", "dropped:cooldown 1h"):
        assert fired.get(r, 0) > 100, f"{r} fired {fired.get(r, 0)} times: {fired}"
    assert plan(KEYED, BIN).key == "author.id"
    df = spark.read.json(str(data / "comments.jsonl"))
    out = decide(df, KEYED, binary=BIN, partitions=8)
    assert out.rdd.getNumPartitions() == 8
    rows = out.select("id", DECISION, "vigie_actions", "vigie_rules").collect()
    got = {r["id"]: r[DECISION] for r in rows}
    diffs = _differences(got, want)
    assert not diffs, f"{len(diffs)} of {len(want)} decisions differ; first:\n" + "\n".join(diffs[:3])
    # The typed columns read the same line.
    r = next(r for r in rows if "flood" in (r["vigie_rules"] or []))
    assert "flag" in r["vigie_actions"]


def test_a_split_that_ignores_the_key_changes_decisions(spark, data):
    """The check above can fail: split by comment instead of by author, and windows, `repeats`
    and cooldowns lose the author's history."""
    want = _reference(data, KEYED)
    df = spark.read.json(str(data / "comments.jsonl"))
    out = decide(df, KEYED, binary=BIN, partitions=8, key_column="id")
    got = {r["id"]: r[DECISION] for r in out.select("id", DECISION).collect()}
    assert len(_differences(got, want)) > 1000


def test_global_crisis_window_through_the_command_line_gives_the_decisions_of_one_process(spark, data, tmp_path):
    want = _reference(data, CRISIS)
    fired = _rules_fired(want)
    assert fired.get("crisis", 0) > 100 and fired.get("dropped:once per 1h", 0) > 100, fired
    out = tmp_path / "decisions"
    with pytest.warns(UserWarning, match="rule `crisis` keeps global state"):
        code = main(["run", "--rules", CRISIS, "--input", str(data / "comments.jsonl"), "--output", str(out),
                     "--vigie", BIN, "--master", "local[2]"])
    assert code == 0
    lines = [l for f in sorted(out.glob("part-*")) for l in f.read_text(encoding="utf-8").splitlines()]
    diffs = _differences(_by_id(lines), want)
    assert not diffs, f"{len(diffs)} of {len(want)} decisions differ; first:\n" + "\n".join(diffs[:3])


def test_global_state_is_refused_when_asked(spark, data, tmp_path, capsys):
    df = spark.read.json(str(data / "comments.jsonl")).limit(10)
    with pytest.raises(PlanError, match=r"rule `crisis` keeps global state.*global_state='one-partition'"):
        decide(df, CRISIS, binary=BIN, global_state="refuse")
    code = main(["run", "--rules", CRISIS, "--input", str(data / "comments.jsonl"), "--output",
                 str(tmp_path / "out"), "--vigie", BIN, "--refuse-global"])
    assert code == 2
    assert "rule `crisis` keeps global state" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_parquet_in_and_out(spark, data, tmp_path):
    sample = gen.generate(3000, seed=11, authors=50)
    gen.write_jsonl(gen.time_order(sample), tmp_path / "sorted.jsonl")
    want = _reference(tmp_path, KEYED)
    spark.createDataFrame([(c["id"], c["text"], c["author"]["id"], c["author"]["name"], c["timestamp"]) for c in sample],
                          "id string, text string, aid string, aname string, timestamp string") \
        .selectExpr("id", "text", "named_struct('id', aid, 'name', aname) as author", "timestamp") \
        .write.parquet(str(tmp_path / "in.parquet"))
    code = main(["run", "--rules", KEYED, "--input", str(tmp_path / "in.parquet"), "--output", str(tmp_path / "out"),
                 "--output-format", "parquet", "--vigie", BIN])
    assert code == 0
    rows = spark.read.parquet(str(tmp_path / "out")).collect()
    assert {r["id"] for r in rows} == set(want)
    diffs = _differences({r["id"]: r[DECISION] for r in rows}, want)
    assert not diffs, "\n".join(diffs[:3])


def test_epoch_milliseconds_and_created_at_order_partitions_as_vigie_reads_them(spark, tmp_path):
    """Times as numbers of milliseconds, and some comments with their time in `created_at` only:
    each partition is sorted by the time Vigie reads, so decisions still match."""
    from datetime import datetime

    sample = gen.generate(4000, seed=5, authors=40)
    for i, c in enumerate(sample):
        ms = int(datetime.strptime(c["timestamp"], "%Y-%m-%dT%H:%M:%S%z").timestamp() * 1000)
        del c["timestamp"]
        if i % 3 == 0:
            c["created_at"] = ms
        else:
            c["timestamp"] = ms
    ordered = sorted(sample, key=lambda c: c.get("timestamp", c.get("created_at")))
    gen.write_jsonl(ordered, tmp_path / "sorted.jsonl")
    gen.write_jsonl(sample, tmp_path / "comments.jsonl")
    want = _run_once(tmp_path, KEYED)
    assert _rules_fired(want).get("flood", 0) > 10
    out = decide(spark.read.json(str(tmp_path / "comments.jsonl")), KEYED, binary=BIN, partitions=4)
    diffs = _differences({r["id"]: r[DECISION] for r in out.select("id", DECISION).collect()}, want)
    assert not diffs, f"{len(diffs)} differ; first:\n" + "\n".join(diffs[:3])
