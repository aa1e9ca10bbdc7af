"""Ad hoc (session 10): CPU seconds of the client and of the Dask workers, per LocalCluster
setting, runs alternating in one process, to find where ``--dask local:2`` lost its time.

Each named cluster (``VARIANTS``; ``jobsN``: ``--jobs N``) is started once, its pipeline
loaded and warmed up; then each ingests the same ``N`` articles (``benchmarks/ingest.py``'s)
into a fresh store, ``REPEAT`` times in turn.

    PYTHONPATH=src .venv/bin/python benchmarks/dask_variants.py N NAME,NAME,... REPEAT
"""

import json
import os
import sys
import tempfile
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ingest import make_articles, read_stories  # noqa: E402
from throughput import DEFAULT_VOA  # noqa: E402

VARIANTS = {
    "mallopt": {},
    "notrim": {"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None},
    "notrim_quiet": {
        "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
        "distributed.worker.profile.enabled": False,
    },
    "default": {},
    "noprofile": {"distributed.worker.profile.enabled": False},
    "quiet": {
        "distributed.worker.profile.enabled": False,
        "distributed.admin.tick.interval": "1s",
        "distributed.admin.system-monitor.interval": "5s",
        "distributed.worker.memory.monitor-interval": "1s",
    },
}


def cpu(p):
    t = p.cpu_times()
    return t.user + t.system


def sys_cpu(p):
    return p.cpu_times().system


def mallopt():
    import ctypes
    import os

    libc = ctypes.CDLL("libc.so.6")
    libc.mallopt(-3, 32 * 2**20)
    libc.mallopt(-1, 64 * 2**20)
    return os.environ.get("MALLOC_TRIM_THRESHOLD_")


def warm():
    from saidwhat.model import Document
    from saidwhat.pipeline import extract_batch

    extract_batch([Document(id="w", text="“Yes,” she said. It was fine.")], tagger="fast")


def plugin(cls):
    """The pipeline plugin, told to leave malloc alone where it can be (from commit e75d2bb)."""
    try:
        return cls("fast", None, tune_malloc=False)
    except TypeError:  # older saidwhat
        return cls("fast", None)


def main():
    n = int(sys.argv[1])
    names = sys.argv[2].split(",")
    repeat = int(sys.argv[3])
    import dask
    from distributed import Client, LocalCluster

    import saidwhat
    from saidwhat.cluster import DaskExecutor, PipelinePlugin
    from saidwhat.corpus import ingest
    from saidwhat.store import SQLiteStore

    articles = make_articles(read_stories(DEFAULT_VOA), n, 3)
    tmp = tempfile.mkdtemp()
    path = Path(tmp) / "a.jsonl"
    path.write_text("".join(json.dumps(a) + "\n" for a in articles))
    saidwhat.load_pipeline(tagger="fast")
    me = psutil.Process()
    clusters = {}
    for name in names:
        if name.startswith("jobs"):
            clusters[name] = None
            continue
        os.environ.pop("MALLOC_TRIM_THRESHOLD_", None)
        with dask.config.set(VARIANTS[name]):
            c = LocalCluster(
                n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
            )
            cl = Client(c)
            cl.register_plugin(plugin(PipelinePlugin))
            # warm: one tiny run so langid etc are loaded
            cl.run(warm)
            if name == "mallopt":
                print(cl.run(mallopt))
        clusters[name] = (
            c,
            cl,
            [
                p
                for p in me.children(recursive=True)
                if p.pid not in {q.pid for v in clusters.values() if v for q in v[2]}
            ],
        )
        print(
            name, [p.environ().get("MALLOC_TRIM_THRESHOLD_") for p in clusters[name][2]], flush=True
        )
    for r in range(repeat):
        for name in names:
            if name.startswith("jobs"):
                opts = {"jobs": int(name[4:])}
                procs = [me]
            else:
                c, cl, kids = clusters[name]
                procs = [me] + [
                    p
                    for p in kids
                    if "multiprocessing-fork" in " ".join(p.cmdline()) and p.is_running()
                ]
                procs = [me] + [
                    p
                    for p in psutil.Process().children(recursive=True)
                    if p.pid in {q.pid for q in kids}
                ]
                opts = {"executor": DaskExecutor(cl)}
            before = {p.pid: cpu(p) for p in procs}
            sbefore = {p.pid: sys_cpu(p) for p in procs}
            ch0 = me.cpu_times().children_user + me.cpu_times().children_system
            chs0 = me.cpu_times().children_system
            start = time.perf_counter()
            with SQLiteStore(Path(tmp) / f"{name}{r}.db") as store:
                ingest([path], store, tagger="fast", **opts)
            secs = time.perf_counter() - start
            used = {p.pid: cpu(p) - before[p.pid] for p in procs}
            sused = (
                sum(sys_cpu(p) - sbefore[p.pid] for p in procs if p.pid != me.pid)
                + me.cpu_times().children_system
                - chs0
            )
            ch = me.cpu_times().children_user + me.cpu_times().children_system - ch0
            others = sum(v for k, v in used.items() if k != me.pid) + ch
            print(
                f"{name:10s} run {r}: {secs:5.1f}s  client cpu {used[me.pid]:5.1f}  "
                f"workers cpu {others:5.1f} (sys {sused:4.1f})  load {os.getloadavg()[0]:.1f}",
                flush=True,
            )
    for v in clusters.values():
        if v:
            v[1].close()
            v[0].close()


if __name__ == "__main__":
    main()
