"""``saidwhat serve --workers N``: N processes answer on one port."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from builders import article
from saidwhat.link.linker import CorpusLinker
from saidwhat.store import open_store


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def workers_of(pid: int) -> list[int]:
    """The worker processes of a server (not multiprocessing's resource tracker)."""
    found = []
    for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
        if b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes():
            found.append(int(child))
    return found


def test_two_worker_processes_serve_one_store(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    with open_store(db) as store:
        linker = CorpusLinker(store)
        for n in range(3):
            document = article(
                f"a{n}",
                [("Elena Varga", "PERSON", "said", f"The harbour stays closed for {n + 2} days")],
                outlet="Ledger",
                published=f"2026-03-0{n + 1}",
            )
            store.add_article(linker.link(document))
    port = free_port()
    command = [sys.executable, "-m", "saidwhat.cli", "serve", "--db", str(db)]
    server = subprocess.Popen(
        [*command, "--port", str(port), "--workers", "2"], stderr=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            assert server.poll() is None, server.stderr.read()
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/stats", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        workers = workers_of(server.pid)
        assert len(workers) == 2
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
            answers = [client.get("/api/quotes", params={"speaker": "Varga"}) for _ in range(20)]
        assert all(answer.status_code == 200 for answer in answers)
        assert {answer.json()["total"] for answer in answers} == {3}
    finally:
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=30) == 0
    assert not any(Path(f"/proc/{pid}").exists() for pid in workers)
