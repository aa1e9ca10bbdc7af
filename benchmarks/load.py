"""A bounded load test of the HTTP API on loopback: ``GET /api/quotes`` under concurrent clients.

The store is the synthetic one of ``query_latency.py`` (100k+ statements, built without
the model by its ``build``; ``--db PATH`` reuses a store, or builds one there if missing;
``--db postgresql://…`` does the same with a PostgreSQL database, built there if empty).
``saidwhat serve --db PATH|URL`` runs in a subprocess on a free loopback port (one uvicorn
process, as a user would start it); ``--clients`` threads, each with its own keep-alive
``httpx.Client``, send requests back to back for ``--seconds`` (after ``--warmup`` seconds
whose requests are not counted), each with filters drawn at random from the store's own
values: speaker names and surnames, words of the quotes, outlets, ``about`` entities,
date windows, kinds, and paging offsets.

Reported: requests per second, latency p50/p95/p99/max in milliseconds (overall and per
kind of request), the share of answers that found no statement, and errors (any non-200
answer or failed request; the run fails if there are any). The clients and the server
share the machine's cores.

    .venv/bin/python benchmarks/load.py [--clients 20] [--seconds 30] [--warmup 3]
        [--db PATH|URL] [--statements 100000] [--seed 7] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from query_latency import OUTLETS, VOCAB, build, percentile, store_bytes, stored_stats  # noqa: E402
from throughput import machine  # noqa: E402

from saidwhat.store.urls import store_file  # noqa: E402

Params = dict[str, Any]


@dataclass(slots=True)
class Tally:
    """One client's results: (kind of request, latency in ms) per answer, and the errors."""

    latencies: list[tuple[str, float]] = field(default_factory=list)
    empty: Counter[str] = field(default_factory=Counter)  # answers with no statement
    errors: Counter[str] = field(default_factory=Counter)
    first_errors: list[str] = field(default_factory=list)


def _connect(db: str) -> Any:
    """A plain connection to the store (SQLite file or PostgreSQL URL), for the draws."""
    path = store_file(db)
    if path is None:
        import psycopg

        from saidwhat.store.postgres import conninfo

        return psycopg.connect(conninfo(db))
    import sqlite3

    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def mix(db: str) -> list[tuple[str, int, Callable[[random.Random], Params]]]:
    """The kinds of request, their weights, and how each draws its parameters."""
    conn = _connect(db)
    try:
        quoted = [
            row[0]
            for row in conn.execute(
                "SELECT s.name FROM attributions a JOIN speakers s ON s.id = a.speaker_id"
                " GROUP BY s.id ORDER BY count(*) DESC LIMIT 200"
            )
        ]
        people = [row[0] for row in conn.execute("SELECT name FROM speakers WHERE type = 'PERSON'")]
        about = [row[0] for row in conn.execute("SELECT DISTINCT name FROM about")]
        span = conn.execute("SELECT min(published), max(published) FROM articles").fetchone()
    finally:
        conn.close()
    first, last = date.fromisoformat(span[0][:10]), date.fromisoformat(span[1][:10])
    days = (last - first).days
    outlets = [o for o, _ in OUTLETS]
    terms = sorted(set(VOCAB) - {"a", "the", "to", "and", "of", "is", "we", "our"})

    def window(rng: random.Random, length: int) -> Params:
        since = first + timedelta(days=rng.randrange(max(1, days - length)))
        return {"since": since.isoformat(), "until": (since + timedelta(days=length)).isoformat()}

    def page(rng: random.Random) -> Params:
        return {"limit": rng.choice((20, 20, 50)), "offset": rng.choice((0, 0, 0, 20, 40, 100))}

    return [
        ("speaker name", 3, lambda r: {"speaker": r.choice(quoted), **page(r)}),
        ("speaker surname", 2, lambda r: {"speaker": r.choice(people).split()[-1], **page(r)}),
        ("q words", 3, lambda r: {"q": " ".join(r.sample(terms, r.choice((1, 2)))), **page(r)}),
        ("q prefix", 1, lambda r: {"q": r.choice(terms)[:4] + "*", **page(r)}),
        ("about", 2, lambda r: {"about": r.choice(about), **page(r)}),
        (
            "outlet + dates",
            2,
            lambda r: {"outlet": r.choice(outlets), **window(r, r.choice((7, 30, 90))), **page(r)},
        ),
        ("dates", 1, lambda r: {**window(r, r.choice((1, 7, 30))), **page(r)}),
        (
            "speaker + kind + q + dates",
            1,
            lambda r: {
                "speaker": r.choice(quoted[:50]),
                "kind": r.choice(("direct", "indirect", "mixed")),
                "q": r.choice(terms),
                **window(r, 180),
            },
        ),
        ("newest first", 1, lambda r: {"limit": 50}),
        (
            "deep page",
            1,
            lambda r: {"limit": 50, "offset": 50 * r.randint(1, 100), "outlet": r.choice(outlets)},
        ),
    ]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(db: str, port: int, workers: int = 1) -> subprocess.Popen[bytes]:
    """``saidwhat serve`` on ``port`` (``--workers``), once it answers."""
    script = Path(sys.executable).with_name("saidwhat")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "saidwhat.cli"]
    server = subprocess.Popen(
        [*command, "serve", "--db", str(db), "--host", "127.0.0.1", "--port", str(port)]
        + ["--workers", str(workers)],
        env={k: v for k, v in os.environ.items() if k != "SAIDWHAT_WRITE_TOKEN"},
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"saidwhat serve exited with {server.returncode}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/stats", timeout=2).status_code == 200:
                return server
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    stop_server(server)
    raise SystemExit("saidwhat serve did not answer within 60 s")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process and its live child processes so far (Linux:
    ``serve --workers N`` answers in children), else None."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        own = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except (OSError, ValueError, IndexError):
        return None
    return own + sum(cpu_seconds(int(child)) or 0.0 for child in children)


def client(
    base: str,
    requests: list[tuple[str, int, Callable[[random.Random], Params]]],
    rng: random.Random,
    start: float,
    stop: float,
    tally: Tally,
) -> None:
    """Requests back to back until ``stop``; only those sent after ``start`` are counted."""
    names = [name for name, _, _ in requests]
    weights = [weight for _, weight, _ in requests]
    draw = {name: params for name, _, params in requests}
    with httpx.Client(base_url=base, timeout=30) as http:
        while (sent := time.perf_counter()) < stop:
            name = rng.choices(names, weights)[0]
            params = draw[name](rng)
            problem = None
            found = True
            try:
                answer = http.get("/api/quotes", params=params)
                answer.read()
                found = not answer.content.startswith(b'{"total":0,')
                if answer.status_code != 200:
                    problem = f"{answer.status_code} {params}: {answer.text[:200]}"
            except httpx.HTTPError as exc:
                problem = f"{type(exc).__name__} {params}: {exc}"
            took = (time.perf_counter() - sent) * 1000
            if sent < start:
                continue  # warm-up
            if problem:
                tally.errors[problem.split(" ", 1)[0]] += 1
                if len(tally.first_errors) < 5:
                    tally.first_errors.append(problem)
            else:
                tally.latencies.append((name, took))
                if not found:
                    tally.empty[name] += 1


def summary(latencies: list[float], seconds: float, empty: int) -> dict[str, float]:
    return {
        "requests": len(latencies),
        "empty": empty,
        "per_second": len(latencies) / seconds,
        "p50": statistics.median(latencies) if latencies else 0.0,
        "p95": percentile(latencies, 0.95) if latencies else 0.0,
        "p99": percentile(latencies, 0.99) if latencies else 0.0,
        "max": max(latencies, default=0.0),
    }


def run(db: str, args: argparse.Namespace) -> dict[str, Any]:
    requests = mix(db)
    port = free_port()
    server = start_server(db, port, args.workers)
    try:
        tallies = [Tally() for _ in range(args.clients)]
        start = time.perf_counter() + args.warmup
        stop = start + args.seconds
        threads = [
            threading.Thread(
                target=client,
                args=(
                    f"http://127.0.0.1:{port}",
                    requests,
                    random.Random(args.seed * 1000 + i),
                    start,
                    stop,
                    tally,
                ),
            )
            for i, tally in enumerate(tallies)
        ]
        for thread in threads:
            thread.start()
        time.sleep(max(0.0, start - time.perf_counter()))
        cpu_start = cpu_seconds(server.pid)
        for thread in threads:
            thread.join()
        cpu_after = cpu_seconds(server.pid)
        elapsed = max(time.perf_counter(), stop) - start  # the last answers end after stop
    finally:
        stop_server(server)
    everything = [ms for t in tallies for _, ms in t.latencies]
    by_kind: dict[str, list[float]] = defaultdict(list)
    for t in tallies:
        for name, ms in t.latencies:
            by_kind[name].append(ms)
    errors: Counter[str] = Counter()
    empty: Counter[str] = Counter()
    for t in tallies:
        errors.update(t.errors)
        empty.update(t.empty)
    server_cpu = None
    if cpu_start is not None and cpu_after is not None:
        server_cpu = (cpu_after - cpu_start) / elapsed
    return {
        "elapsed": elapsed,
        "overall": summary(everything, elapsed, sum(empty.values())),
        "by_kind": {
            name: summary(by_kind[name], elapsed, empty[name])
            for name, _, _ in requests
            if by_kind[name]
        },
        "errors": sum(errors.values()),
        "error_kinds": dict(errors),
        "first_errors": [e for t in tallies for e in t.first_errors][:5],
        "server_cpu_cores": server_cpu,
    }


def table(result: dict[str, Any]) -> str:
    lines = [
        "| requests | count | found none | req/s | p50 ms | p95 ms | p99 ms | max ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    rows = [("**all**", result["overall"]), *result["by_kind"].items()]
    for name, s in rows:
        lines.append(
            f"| {name} | {s['requests']:,} | {s['empty'] / max(1, s['requests']):.0%} "
            f"| {s['per_second']:.1f} | {s['p50']:.1f} "
            f"| {s['p95']:.1f} | {s['p99']:.1f} | {s['max']:.1f} |"
        )
    return "\n".join(lines)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients (threads)")
    parser.add_argument("--seconds", type=float, default=30.0, help="how long to measure")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds not counted first")
    parser.add_argument(
        "--db", help="reuse this store, a path or postgresql:// URL (built there if missing)"
    )
    parser.add_argument("--statements", type=int, default=100_000, help="size of a new store")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workers", type=int, default=1, help="saidwhat serve --workers")
    parser.add_argument("--json", type=Path, help="also write the results here")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    info = machine()
    with tempfile.TemporaryDirectory(prefix="saidwhat-load-") as tmp:
        db = args.db or str(Path(tmp) / "corpus.db")
        stats = stored_stats(db)
        if stats is not None:
            print(f"reusing {db}", file=sys.stderr)
        else:
            print(f"building {db} with {args.statements:,} statements", file=sys.stderr)
            built = build(db, args.statements, args.seed)
            path = store_file(db)
            if args.db and path is not None:  # as query_latency.py records it
                record = path.with_name(path.name + ".build.json")
                record.write_text(json.dumps(built) + "\n", encoding="utf-8")
            stats = stored_stats(db)
            assert stats is not None
        size = store_bytes(db)
        print(
            f"{stats['statements']:,} statements in {stats['articles']:,} articles, "
            f"store {size / 2**20:.1f} MiB; {args.clients} clients for {args.seconds:g} s "
            f"(+{args.warmup:g} s warm-up)",
            file=sys.stderr,
        )
        result = run(db, args)
    overall = result["overall"]
    cpu = result["server_cpu_cores"]
    print(
        f"\n{info['date']}, commit {info['commit']}, {info['cpu']} ({info['cores']} cores), "
        f"Python {info['python']}; {stats['statements']:,} statements; "
        f"{args.clients} clients, {args.workers} server process(es), {result['elapsed']:.1f} s\n"
    )
    print(table(result))
    print(
        f"\n{overall['requests']:,} requests, {overall['per_second']:.1f} req/s; "
        f"p50 {overall['p50']:.1f} ms, p95 {overall['p95']:.1f} ms, p99 {overall['p99']:.1f} ms; "
        f"errors {result['errors']}" + (f"; server used {cpu:.2f} cores" if cpu is not None else "")
    )
    for problem in result["first_errors"]:
        print(f"  error: {problem}", file=sys.stderr)
    if args.json:
        record = {
            "machine": info,
            "args": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
            "store": {"bytes": size, **stats},
            **result,
        }
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return 1 if result["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
