"""Which index serves each main query: SQLite's plan for every statement a query runs.

Runs each query of ``query_latency.queries`` once on a SQLite store (read-only) with a
trace of the SQL it executes (parameters bound), then prints ``EXPLAIN QUERY PLAN`` of
each statement, as Markdown (one section per query).

    .venv/bin/python benchmarks/query_plans.py --db STORE.db [--seed 7] [--only NAME...]
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from query_latency import queries  # noqa: E402

from saidwhat.store import SQLiteStore  # noqa: E402


def plan(store: SQLiteStore, sql: str) -> list[str]:
    """The lines of SQLite's plan of ``sql``, indented by depth."""
    rows = store.conn.execute(f"EXPLAIN QUERY PLAN {sql}").fetchall()
    depth: dict[int, int] = {0: -1}
    lines = []
    for node, parent, _, detail in rows:
        depth[node] = depth.get(parent, -1) + 1
        lines.append("  " * depth[node] + detail)
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, type=Path, help="a SQLite store")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--only", nargs="+", help="only queries whose name contains these")
    args = parser.parse_args(argv)
    with SQLiteStore(args.db, readonly=True) as store:
        runs = queries(store, random.Random(args.seed))
        for name, run in runs.items():
            if args.only and not any(part in name for part in args.only):
                continue
            executed: list[str] = []
            store.conn.set_trace_callback(executed.append)
            try:
                run()
            finally:
                store.conn.set_trace_callback(None)
            print(f"### `{name}`\n")
            seen: set[str] = set()
            for sql in executed:
                shape = " ".join(sql.split())
                if shape in seen or not shape.upper().startswith(("SELECT", "WITH")):
                    continue
                seen.add(shape)
                print("```")
                print(shape[:300] + (" ..." if len(shape) > 300 else ""))
                print("\n".join(plan(store, sql)))
                print("```\n")


if __name__ == "__main__":
    main()
