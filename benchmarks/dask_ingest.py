"""``saidwhat ingest --jobs 1``, ``--jobs 2`` and ``--dask local:2``: the same articles, one
process run (issue 13 asks ``--dask local:2`` for at least 1.7 times ``--jobs 1``'s rate).

Both are ``saidwhat.corpus.ingest`` of one JSONL file into a fresh ``SQLiteStore``; only the
executor differs:

- **jobs 1**: extraction in this process, i.e. ``--jobs 1``, the default;
- **jobs N**: ``process_pool(jobs)``, i.e. ``--jobs N``: worker processes forked per run from
  this process, which loaded the pipeline beforehand;
- **dask**: a ``DaskExecutor`` on a ``LocalCluster`` of ``--workers`` processes, one thread
  each, i.e. ``--dask local:N``. The cluster is started, and its workers' pipelines loaded,
  before the timing (reported apart as "startup"): a cluster is started once for many runs.

The runs alternate (jobs 1, jobs N, dask, jobs 1, ...) ``--repeat`` times, so that load from other
work on the machine falls on both; the best run of each is kept. The articles are
``benchmarks/ingest.py``'s (VOA stories, rotated copies; near-duplicates join stories).

    .venv/bin/python benchmarks/dask_ingest.py [--voa PATH] [--articles 600]
        [--paragraphs 3] [--workers 2] [--tagger fast] [--repeat 2]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ingest import make_articles, read_stories  # noqa: E402
from throughput import DEFAULT_VOA, machine  # noqa: E402


def timed_ingest(path: Path, db: Path, **options: object) -> tuple[float, int, int]:
    """Seconds, articles stored and statements of one ingest of ``path`` into ``db``."""
    from saidwhat.corpus import ingest
    from saidwhat.store import SQLiteStore

    with SQLiteStore(db) as store:
        start = time.perf_counter()
        summary = ingest([path], store, **options)
        seconds = time.perf_counter() - start
    return seconds, summary.stored, summary.statements


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--voa", type=Path, default=DEFAULT_VOA, help="VOA stories (JSONL)")
    parser.add_argument("--articles", type=int, default=600)
    parser.add_argument("--paragraphs", type=int, default=3, help="per article; 0: whole story")
    parser.add_argument("--workers", type=int, default=2, help="--jobs N and --dask local:N")
    parser.add_argument("--tagger", choices=["accurate", "fast"], default="fast")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args(argv)

    from distributed import Client, LocalCluster

    import saidwhat
    from saidwhat.cluster import DaskExecutor, PipelinePlugin

    articles = make_articles(read_stories(args.voa), args.articles, args.paragraphs)
    with tempfile.TemporaryDirectory(prefix="saidwhat-dask-bench-") as tmp:
        path = Path(tmp) / "articles.jsonl"
        path.write_text(
            "".join(json.dumps(a, ensure_ascii=False) + "\n" for a in articles), encoding="utf-8"
        )
        saidwhat.load_pipeline(tagger=args.tagger)  # forked --jobs workers inherit it
        start = time.perf_counter()
        cluster = LocalCluster(
            n_workers=args.workers, threads_per_worker=1, processes=True, dashboard_address=None
        )
        try:
            client = Client(cluster)
            try:
                client.register_plugin(PipelinePlugin(args.tagger, None))
                startup = time.perf_counter() - start
                executors = {
                    "jobs 1": {"jobs": 1},
                    f"jobs {args.workers}": {"jobs": args.workers},
                    "dask": {"executor": DaskExecutor(client)},
                }
                best: dict[str, tuple[float, int, int]] = {}
                for n in range(args.repeat):
                    for name, options in executors.items():
                        db = Path(tmp) / f"{name.replace(' ', '')}-{n}.db"
                        got = timed_ingest(path, db, tagger=args.tagger, **options)
                        print(f"  {name} run {n + 1}: {got[0]:.1f} s", file=sys.stderr)
                        best[name] = min(best.get(name, got), got)
            finally:
                client.close()
        finally:
            cluster.close()

    info = machine()
    print(
        f"{info['date']}, commit {info['commit']}, {info['cpu']} ({info['cores']} cores); "
        f"{args.articles} articles of {args.paragraphs or 'all'} paragraphs, tagger "
        f"{args.tagger}, {args.workers} workers, best of {args.repeat}; Dask cluster startup "
        f"(workers' pipelines loaded) {startup:.1f} s, not timed below\n"
    )
    print("| executor | seconds | articles/s | stored | statements |")
    print("|---|---:|---:|---:|---:|")
    for name, (seconds, stored, statements) in best.items():
        rate = args.articles / seconds
        print(f"| {name} | {seconds:.1f} | {rate:.1f} | {stored} | {statements} |")
    jobs = best[f"jobs {args.workers}"][0]
    print(f"\ndask / jobs {args.workers} time ratio: {best['dask'][0] / jobs:.2f}")
    print(f"dask speed-up over jobs 1: {best['jobs 1'][0] / best['dask'][0]:.2f}x")


if __name__ == "__main__":
    main()
