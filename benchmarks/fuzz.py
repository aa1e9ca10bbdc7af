"""The long fuzz run: the properties of ``tests/test_fuzz.py`` over 10,000+ inputs.

Runs pytest on ``tests/test_fuzz.py`` with ``SAIDWHAT_FUZZ_SCALE`` (inputs per property:
400, 200, 1,000 and 300 × scale for the library, the library in small pieces, the readers
and the API; each API input is sent to two routes) and a seed of its own, and prints
Hypothesis's statistics: inputs tried per property, and the falsifying input of any
failure (a crash to turn into a test).

    .venv/bin/python benchmarks/fuzz.py [--scale 6] [--seed 1]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=int, default=6)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    env = {**os.environ, "SAIDWHAT_FUZZ_SCALE": str(args.scale), "SAIDWHAT_FUZZ_SEEDED": "1"}
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    command += ["tests/test_fuzz.py", f"--hypothesis-seed={args.seed}"]
    command += ["--hypothesis-show-statistics"]
    start = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, env=env, text=True, capture_output=True)
    print(result.stdout[-20_000:])
    print(result.stderr[-5_000:], file=sys.stderr)
    inputs = (400 + 200 + 1_000 + 300) * args.scale
    print(
        f"scale {args.scale}, seed {args.seed}: {inputs:,} inputs planned, "
        f"{time.perf_counter() - start:.0f} s, pytest exit {result.returncode}"
    )
    sys.exit(result.returncode)


if __name__ == "__main__":
    main()
