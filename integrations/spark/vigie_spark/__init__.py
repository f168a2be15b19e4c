"""Vigie on Apache Spark: `decide(df, rules)` gives each comment of a DataFrame the decision one
`vigie run` over the comments in time order would give, with stateful rules partitioned by their
key (see README.md)."""

from .core import DECISION, Plan, PlanError, decide, find_binary, plan

__all__ = ["DECISION", "Plan", "PlanError", "decide", "find_binary", "plan"]
