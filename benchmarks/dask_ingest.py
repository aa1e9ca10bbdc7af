"""``saidwhat ingest --jobs 1``, ``--jobs 2`` and ``--dask local:2``: the same articles, one
process run (issue 13 asks ``--dask local:2`` for at least 1.7 times ``--jobs 1``'s rate).

Both are ``saidwhat.corpus.ingest`` of one JSONL file into a fresh ``SQLiteStore``; only the
executor differs:

- **jobs 1**: extraction in this process, i.e. ``--jobs 1``, the default;
- **jobs N**: ``process_pool(jobs)``, i.e. ``--jobs N``: worker processes forked per run from
  this process, which loaded the pipeline beforehand;
- **dask**: a ``DaskExecutor`` on ``saidwhat.cluster.local_cluster(--workers)``, i.e.
  ``--dask local:N --no-dashboard``: worker processes of one thread each. The cluster is
  started, and its workers' pipelines loaded, before the timing (reported apart as
  "startup"): a cluster is started once for many runs;
- **dask, Dask's malloc** (with ``--dask-malloc``): the same on a plain ``LocalCluster``,
  whose nanny starts the workers with ``MALLOC_TRIM_THRESHOLD_=65536``, as before
  ``local_cluster`` (and as ``dask worker`` does; the worker plugin undoes it there, but is
  told not to here, to show what it costs).

Each run's CPU time is given for this process (reading, writing; with Dask also the
scheduler and the nannies) and for the workers (the Dask worker processes; ``--jobs N``'s
pool processes, counted when the pool is closed), user and system (kernel) time apart.
``--executors`` picks some of them. With ``--worker-memory``, each Dask worker's peak
resident memory is measured over each run (Linux: ``VmHWM``, reset before the run through
``/proc/self/clear_refs``), and its resident memory and spaCy vocabulary (strings, lexemes)
are sampled every ``--sample-every`` articles stored: what grows with the corpus.

The runs alternate (jobs 1, jobs N, dask, jobs 1, ...) ``--repeat`` times, so that load from other
work on the machine falls on both; the best run of each is kept. The articles are
``benchmarks/ingest.py``'s (VOA stories, rotated copies; near-duplicates join stories).

    .venv/bin/python benchmarks/dask_ingest.py [--voa PATH] [--articles 600]
        [--paragraphs 3] [--workers 2] [--tagger fast] [--repeat 2] [--dask-malloc]
        [--executors jobs1 jobsN dask] [--worker-memory] [--sample-every 1000]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ingest import make_articles, read_stories  # noqa: E402
from throughput import DEFAULT_VOA, machine  # noqa: E402

if TYPE_CHECKING:
    from distributed import Client


def timed_ingest(
    path: Path, db: Path, on_article: Sampler | None = None, **options: object
) -> tuple[float, int, int]:
    """Seconds, articles stored and statements of one ingest of ``path`` into ``db``."""
    from saidwhat.corpus import ingest
    from saidwhat.store import SQLiteStore

    with SQLiteStore(db) as store:
        start = time.perf_counter()
        summary = ingest([path], store, on_article=on_article, **options)
        seconds = time.perf_counter() - start
    return seconds, summary.stored, summary.statements


# -- run on each worker (by value: this module is not installed there) ------------------------


def reset_peak_memory() -> None:
    """The process's peak resident memory (VmHWM) starts again from its current one."""
    with open("/proc/self/clear_refs", "w") as refs:
        refs.write("5")


def worker_memory(tagger: str) -> dict[str, float]:
    """This worker's resident memory and its peak (MiB), and its pipeline's vocabulary."""
    from saidwhat.parse import load_pipeline

    with open("/proc/self/status") as status:
        fields = dict(re.findall(r"^(Vm\w+):\s+(\d+) kB", status.read(), re.M))
    nlp = load_pipeline(tagger=tagger)
    return {
        "rss": int(fields["VmRSS"]) / 1024,
        "peak": int(fields["VmHWM"]) / 1024,
        "strings": len(nlp.vocab.strings),
        "lexemes": len(nlp.vocab),
    }


class CPU:
    """The CPU time this process, and the workers (Dask's when ``client``, else the
    waited-for children: ``--jobs``'s pool), use from now on."""

    def __init__(self, client: Client | None) -> None:
        import psutil

        pids = client.run(os.getpid).values() if client is not None else []
        self.workers = [psutil.Process(pid) for pid in pids]
        self.start = self.now()

    def now(self) -> tuple[float, float, float]:
        own = resource.getrusage(resource.RUSAGE_SELF)
        if self.workers:
            times = [worker.cpu_times() for worker in self.workers]
            user, system = sum(t.user for t in times), sum(t.system for t in times)
        else:
            children = resource.getrusage(resource.RUSAGE_CHILDREN)
            user, system = children.ru_utime, children.ru_stime
        return own.ru_utime + own.ru_stime, user, system

    def used(self) -> tuple[float, float, float]:
        """This process's CPU seconds, the workers' user and system CPU seconds."""
        return tuple(b - a for a, b in zip(self.start, self.now(), strict=True))  # type: ignore[return-value]


class Sampler:
    """An ``on_article`` that samples the workers' memory every ``every`` articles stored."""

    def __init__(self, client: Client, tagger: str, every: int) -> None:
        self.client, self.tagger, self.every = client, tagger, every
        self.stored = 0
        self.samples: list[tuple[int, dict[str, dict[str, float]]]] = []

    def __call__(self, outcome: str, key: str) -> None:
        if outcome == "stored":
            self.stored += 1
            if self.stored % self.every == 0:
                self.take(self.stored)

    def take(self, stored: int) -> None:
        if self.samples and self.samples[-1][0] == stored:
            return
        self.samples.append((stored, self.client.run(worker_memory, self.tagger)))


def memory_table(samples: list[tuple[int, dict[str, dict[str, float]]]]) -> str:
    """Per worker: resident memory and vocabulary after each sampled number of articles."""
    lines = [
        "| stored | worker | RSS MiB | peak MiB | strings | lexemes |",
        "|---:|---|---:|---:|---:|---:|",
    ]
    for stored, by_worker in samples:
        for n, (_, got) in enumerate(sorted(by_worker.items())):
            lines.append(
                f"| {stored:,} | {n + 1} | {got['rss']:.0f} | {got['peak']:.0f} | "
                f"{got['strings']:,} | {got['lexemes']:,} |"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--voa", type=Path, default=DEFAULT_VOA, help="VOA stories (JSONL)")
    parser.add_argument("--articles", type=int, default=600)
    parser.add_argument("--paragraphs", type=int, default=3, help="per article; 0: whole story")
    parser.add_argument("--workers", type=int, default=2, help="--jobs N and --dask local:N")
    parser.add_argument("--tagger", choices=["accurate", "fast"], default="fast")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--executors", nargs="+", choices=["jobs1", "jobsN", "dask"], default=None)
    parser.add_argument(
        "--dask-malloc", action="store_true", help="also Dask's default worker malloc setting"
    )
    parser.add_argument("--worker-memory", action="store_true", help="Dask workers' memory")
    parser.add_argument("--sample-every", type=int, default=1000, help="with --worker-memory")
    args = parser.parse_args(argv)
    chosen = args.executors or ["jobs1", "jobsN", "dask"]

    from distributed import Client, LocalCluster

    import saidwhat
    from saidwhat.cluster import DaskExecutor, PipelinePlugin, local_cluster

    info = machine()  # at the start: the commit whose code runs (a long run outlives it)
    articles = make_articles(read_stories(args.voa), args.articles, args.paragraphs)
    clusters: dict[str, tuple[LocalCluster, Client]] = {}
    with tempfile.TemporaryDirectory(prefix="saidwhat-dask-bench-") as tmp:
        path = Path(tmp) / "articles.jsonl"
        path.write_text(
            "".join(json.dumps(a, ensure_ascii=False) + "\n" for a in articles), encoding="utf-8"
        )
        saidwhat.load_pipeline(tagger=args.tagger)  # forked --jobs workers inherit it
        startup: dict[str, float] = {}
        executors: dict[str, dict[str, object]] = {}
        if "jobs1" in chosen:
            executors["jobs 1"] = {"jobs": 1}
        if "jobsN" in chosen:
            executors[f"jobs {args.workers}"] = {"jobs": args.workers}
        try:
            variants = ["dask"] * ("dask" in chosen) + ["dask, Dask's malloc"] * args.dask_malloc
            for name in variants:
                start = time.perf_counter()
                environ = dict(os.environ)
                if name == "dask":
                    cluster = local_cluster(args.workers, dashboard=False)
                else:
                    cluster = LocalCluster(
                        n_workers=args.workers,
                        threads_per_worker=1,
                        processes=True,
                        dashboard_address=None,
                    )
                os.environ.clear()  # Dask's nanny sets its workers' variables here too
                os.environ.update(environ)
                client = Client(cluster)
                clusters[name] = (cluster, client)
                plugin = PipelinePlugin(args.tagger, None, tune_malloc=name == "dask")
                client.register_plugin(plugin)
                startup[name] = time.perf_counter() - start
                executors[name] = {"executor": DaskExecutor(client)}
            best: dict[str, tuple[float, ...]] = {}
            memory: dict[str, list[tuple[int, dict[str, dict[str, float]]]]] = {}
            for n in range(args.repeat):
                for name, options in executors.items():
                    db = Path(tmp) / f"{re.sub(r'[^a-z0-9]', '', name)}-{n}.db"
                    client = clusters[name][1] if name in clusters else None
                    sampler = None
                    if args.worker_memory and client is not None:
                        client.run(reset_peak_memory)
                        sampler = Sampler(client, args.tagger, args.sample_every)
                    cpu = CPU(client)
                    got = timed_ingest(path, db, sampler, tagger=args.tagger, **options)
                    got = (*got, *cpu.used())
                    if sampler is not None:
                        sampler.take(got[1])
                        memory[f"{name}, run {n + 1}"] = sampler.samples
                    load = os.getloadavg()[0]
                    print(
                        f"  {name} run {n + 1}: {got[0]:.1f} s (load {load:.1f})", file=sys.stderr
                    )
                    best[name] = min(best.get(name, got), got)
        finally:
            for cluster, client in clusters.values():
                client.close()
                cluster.close()

    started = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in startup.items())
    print(
        f"{info['date']}, commit {info['commit']}, {info['cpu']} ({info['cores']} cores), load "
        f"average {' '.join(f'{x:.2f}' for x in os.getloadavg())} at the end; {args.articles} "
        f"articles of {args.paragraphs or 'all'} paragraphs, tagger {args.tagger}, "
        f"{args.workers} workers, best of {args.repeat}; Dask cluster startup (workers' "
        f"pipelines loaded) {started or 'none'}, not timed below\n"
    )
    print(
        "| executor | seconds | articles/s | stored | statements | CPU s: this process | "
        "workers (user) | workers (system) |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, (seconds, stored, statements, own, user, system) in best.items():
        rate = args.articles / seconds
        print(
            f"| {name} | {seconds:.1f} | {rate:.1f} | {stored:.0f} | {statements:.0f} | "
            f"{own:.1f} | {user:.1f} | {system:.1f} |"
        )
    jobs_n = best.get(f"jobs {args.workers}")
    for name in ("dask", "dask, Dask's malloc"):
        if name in best and jobs_n:
            print(f"\n{name} / jobs {args.workers} time ratio: {best[name][0] / jobs_n[0]:.2f}")
        if name in best and "jobs 1" in best:
            print(f"{name} speed-up over jobs 1: {best['jobs 1'][0] / best[name][0]:.2f}x")
    for run, samples in memory.items():
        print(f"\nDask workers' memory, {run}:\n\n{memory_table(samples)}")


if __name__ == "__main__":
    main()
