"""How long a short ``POST /api/extract`` waits behind a long one.

``saidwhat serve`` runs in a subprocess on a free loopback port. Measured, for each
of ``--repeat`` rounds: the short request alone (a three-sentence article), then the
same short request sent ``--after`` seconds into a long one (``--long-chars`` of
news text, just under the API's 100,000-character limit). The delay is the second
latency minus the first; the long request's own time is reported too.

    .venv/bin/python benchmarks/extract_turns.py [--tagger accurate] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

SAIDWHAT = Path(sys.executable).with_name("saidwhat")
DEFAULT_VOA = Path(__file__).resolve().parents[1] / ".." / "shared/data/voa/voa_stories.jsonl"
SHORT = (
    "Foreign Minister Amara Okafor said on Tuesday that the talks had failed. "
    "“We came to stop the shelling,” she told reporters. "
    "Her counterpart, Viktor Hale, denied that his troops had crossed the border."
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def post(client: httpx.Client, url: str, text: str) -> float:
    start = time.perf_counter()
    answer = client.post(f"{url}/api/extract", json={"text": text}, timeout=600)
    answer.raise_for_status()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--voa", type=Path, default=DEFAULT_VOA)
    parser.add_argument("--tagger", default="accurate", choices=["fast", "accurate"])
    parser.add_argument("--long-chars", type=int, default=99_990)
    parser.add_argument("--after", type=float, default=2.0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    stories = [json.loads(line)["text"] for line in args.voa.read_text().splitlines()]
    long_text = "\n\n".join(stories)[: args.long_chars]
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as tmp:
        command = [str(SAIDWHAT), "serve", "--db", f"{tmp}/s.db", "--port", str(port)]
        command += ["--tagger", args.tagger, "--write-token", "x"]
        server = subprocess.Popen(command, stderr=subprocess.DEVNULL)
        try:
            with httpx.Client() as client:
                deadline = time.monotonic() + 120
                while True:
                    try:
                        client.get(f"{url}/api/stats")
                        break
                    except httpx.TransportError:
                        if time.monotonic() > deadline:
                            raise
                        time.sleep(0.5)
                post(client, url, SHORT)  # warm up
                alone, behind, longs = [], [], []
                for _ in range(args.repeat):
                    alone.append(post(client, url, SHORT))
                    took: list[float] = []

                    def send(into: list[float]) -> None:
                        into.append(post(httpx.Client(), url, long_text))

                    thread = threading.Thread(target=send, args=(took,))
                    thread.start()
                    time.sleep(args.after)
                    behind.append(post(client, url, SHORT))
                    thread.join()
                    longs.append(took[0])
        finally:
            server.terminate()
            server.wait()
    delays = [b - a for a, b in zip(alone, behind, strict=True)]
    print(f"tagger {args.tagger}; long request {args.long_chars:,} characters\n")
    print("| measure | median s | max s |")
    print("|---|---:|---:|")
    for name, values in (
        ("short request alone", alone),
        ("short request during the long one", behind),
        ("delay of the short request", delays),
        ("long request", longs),
    ):
        print(f"| {name} | {statistics.median(values):.2f} | {max(values):.2f} |")


if __name__ == "__main__":
    main()
