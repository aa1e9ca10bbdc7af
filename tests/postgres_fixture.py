"""A throwaway PostgreSQL cluster for the tests of the PostgreSQL backend.

``PostgresCluster`` runs initdb (trust authentication, superuser ``postgres``) in a
temporary directory and serves it on a Unix socket only (no TCP port is opened); each
test gets a database of its own (``new_database``), dropped with the cluster. Tuned for
tests, not durability: fsync is off. Root cannot run PostgreSQL, so as root the server
runs as the ``postgres`` user (``runuser``), which then owns the directory.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

#: Where Debian's ``postgresql`` package (PostgreSQL 15) puts its programs.
PG_BIN = Path("/usr/lib/postgresql/15/bin")
#: Why the PostgreSQL tests are skipped when there is no PostgreSQL.
MISSING = f"PostgreSQL 15 is not installed ({PG_BIN / 'initdb'} is missing; make test installs it)"


def available() -> bool:
    return (PG_BIN / "initdb").is_file()


class PostgresCluster:
    """A running PostgreSQL cluster on a socket in a temporary directory."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="saidwhat-pg-"))
        self.data = self.root / "data"
        self.socket = self.root / "socket"
        #: The port names the socket file (.s.PGSQL.PORT); nothing listens on TCP.
        self.port = 5432
        self._as_owner: list[str] = []
        self._names = itertools.count(1)
        self.running = False
        if os.geteuid() == 0:
            self._as_owner = ["runuser", "-u", "postgres", "--"]
            shutil.chown(self.root, "postgres", "postgres")
        self.socket.mkdir()
        if self._as_owner:
            shutil.chown(self.socket, "postgres", "postgres")

    def _run(self, *args: str) -> None:
        subprocess.run(
            [*self._as_owner, *args], check=True, capture_output=True, text=True, cwd=self.root
        )

    def start(self) -> PostgresCluster:
        self._run(
            str(PG_BIN / "initdb"),
            "-D",
            str(self.data),
            "--auth=trust",
            "-U",
            "postgres",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
        )
        options = (
            f"-k {self.socket} -p {self.port} -c listen_addresses='' -c fsync=off"
            " -c synchronous_commit=off -c full_page_writes=off"
        )
        self._run(
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.root / "server.log"),
            "-o",
            options,
            "-w",
            "start",
        )
        self.running = True
        return self

    def stop(self) -> None:
        """Stop the server (fast shutdown) and remove its directory."""
        if self.running:
            with contextlib.suppress(subprocess.CalledProcessError):
                self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")
            self.running = False
        shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        """The libpq URL of ``database`` (user postgres, over the socket)."""
        return f"postgresql://postgres@/{database}?host={self.socket}&port={self.port}"

    def new_database(self) -> str:
        """A new, empty database; its URL."""
        import psycopg

        name = f"test_{next(self._names)}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return self.url(name)
