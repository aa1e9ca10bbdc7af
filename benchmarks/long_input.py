"""Peak memory and time of `saidwhat extract` on long and pathological texts.

Each input is written to a file and read by a fresh `saidwhat extract` process, so the
peak resident set size (from the kernel's rusage of that process) is the whole
command's. Time per MB excludes start-up: the time of the same command on a
one-sentence file (the faster of two runs) is subtracted.

Inputs:
- news text of 100 KB, 1 MB and 5 MB (bytes: 5 MB is ``extract``'s default limit): the VOA
  stories (``--voa``) repeated;
- pathological text of ``--patho-chars`` characters (the size column: bytes for news,
  characters for these) beside news text of the same
  length: unbalanced quote marks, and quotes with cues repeated ("“Yes,” he said.").

    .venv/bin/python benchmarks/long_input.py [--tagger fast] [--sizes 100000 1000000]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SAIDWHAT = Path(sys.executable).with_name("saidwhat")
DEFAULT_VOA = Path(__file__).resolve().parents[1] / ".." / "shared/data/voa/voa_stories.jsonl"


def run(path: Path, tagger: str) -> tuple[float, int, int]:
    """Seconds, peak RSS in MB and statements of `saidwhat extract path`."""
    command = [str(SAIDWHAT), "extract", str(path), "--format", "jsonl", "--tagger", tagger]
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        out.seek(0)
        lines = out.read().decode().splitlines()
    statements = sum(len(json.loads(line)["attributions"]) for line in lines)
    if status != 0 and not lines:
        raise SystemExit(f"saidwhat extract failed on {path}")
    return seconds, usage.ru_maxrss // 1024, statements


def news(voa: Path, size: int) -> str:
    """``size`` bytes (UTF-8) of news text, or one character less."""
    stories = [json.loads(line)["text"] for line in voa.read_text().splitlines()]
    block = "\n\n".join(stories)
    text = "\n\n".join([block] * (size // len(block) + 1))
    return text.encode()[:size].decode(errors="ignore")


def pathological(kind: str, chars: int) -> str:
    unit = {
        "unbalanced-quotes": "“" * 50 + " word " + '"' * 7 + "'" * 3 + " ”„ ",
        "quotes-and-cues": "“No,” said Ann Lee, “we will not.” ",
    }[kind]
    return (unit * (chars // len(unit) + 1))[:chars]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--voa", type=Path, default=DEFAULT_VOA)
    parser.add_argument("--tagger", default="fast", choices=["fast", "accurate"])
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=[100_000, 1_000_000, 5_000_000], help="bytes"
    )
    parser.add_argument("--patho-chars", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)

        def measure(name: str, text: str) -> tuple[float, int, int]:
            path = folder / f"{name}.txt"
            path.write_text(text, encoding="utf-8")
            result = run(path, args.tagger)
            print(
                f"  {name}: {result[0]:.1f} s, {result[1]} MB, {result[2]} statements",
                file=sys.stderr,
            )
            return result

        # The first run warms the disk cache: start-up is the faster of two.
        startup = min(measure("startup", "He said hello.")[0] for _ in range(2))
        print(f"tagger {args.tagger}; start-up {startup:.1f} s\n")
        print("| input | size | seconds | s per MB (no start-up) | peak RSS MB | statements |")
        print("|---|---:|---:|---:|---:|---:|")
        for size in args.sizes:
            seconds, rss, found = measure(f"news-{size}", news(args.voa, size))
            per_mb = (seconds - startup) / (size / 1e6)
            print(f"| news | {size:,} | {seconds:.1f} | {per_mb:.1f} | {rss:,} | {found:,} |")
        chars = args.patho_chars
        base, _, _ = measure("news-patho", news(args.voa, chars))
        print(f"| news | {chars:,} | {base:.1f} | | | |")
        for kind in ("unbalanced-quotes", "quotes-and-cues"):
            seconds, rss, found = measure(kind, pathological(kind, chars))
            ratio = (seconds - startup) / max(base - startup, 1e-9)
            print(
                f"| {kind} | {chars:,} | {seconds:.1f} | ({ratio:.2f} × news) "
                f"| {rss:,} | {found:,} |"
            )


if __name__ == "__main__":
    main()
