"""Reading a node's keepalived.conf with every file it includes, over the node's runner.

The pure parser says what it needs (a file, a glob); this fetches what is missing and parses
again, until nothing is missing. Each round is one remote command for every file and include
glob missing at that depth (a glob's matches come back with it). Reads are bounded (files,
bytes, rounds) and framed with a fresh nonce; the parse runs in a worker thread with a time
budget, so the console's event loop never waits on a large or hostile configuration.
"""

from __future__ import annotations

import asyncio

from kaconsole.core.conf.model import KeepalivedConfig
from kaconsole.core.conf.parse import parse_config
from kaconsole.transport.remote_commands import (
    MAX_FILE_BYTES,
    frames,
    new_nonce,
    read_files_command,
)
from kaconsole.transport.runner import Runner

#: Includes nest this deep at most before we stop asking (keepalived itself allows about 8).
MAX_ROUNDS = 10
#: Files and include globs asked for in one fetch (a poll): the rest are reported unreadable.
MAX_REMOTE_READS = 128
#: Bytes of configuration kept from one fetch.
MAX_FETCH_BYTES = 8 * 1024 * 1024
#: Seconds one parse may take in its worker thread.
PARSE_TIMEOUT = 10.0


class ConfigUnreadable(Exception):
    """The main configuration file cannot be read on the node (or not parsed in time)."""


async def fetch_config(runner: Runner, path: str, *, timeout: float = 10.0) -> KeepalivedConfig:
    fetch = _Fetch(runner, timeout)
    await fetch.round([path], [])
    if path not in fetch.files:
        raise ConfigUnreadable(f"cannot read {path}")
    for _ in range(MAX_ROUNDS):
        wants = _Wants(fetch.files, fetch.unreadable, fetch.globs)
        try:
            async with asyncio.timeout(PARSE_TIMEOUT):
                config = await asyncio.to_thread(
                    parse_config, fetch.files[path], path=path, read=wants.read, glob=wants.glob,
                    keep_source=True)
        except TimeoutError:
            raise ConfigUnreadable(f"{path}: parsing took longer than {PARSE_TIMEOUT:g}s") \
                from None
        if not wants.files and not wants.globs:
            return config
        await fetch.round(sorted(wants.files), sorted(wants.globs))
    return config


class _Fetch:
    """What the rounds of one fetch have read, within its budget of reads and bytes."""

    def __init__(self, runner: Runner, timeout: float) -> None:
        self._runner, self._timeout = runner, timeout
        self._nonce = new_nonce()
        self._reads = 0
        self._bytes = 0
        self.files: dict[str, str] = {}
        self.unreadable: set[str] = set()
        self.globs: dict[str, list[str]] = {}

    async def round(self, paths: list[str], globs: list[str]) -> None:
        allowed = max(0, MAX_REMOTE_READS - self._reads)
        paths, globs = paths[:allowed], globs[:max(0, allowed - len(paths))]
        self._reads += len(paths) + len(globs)
        if paths or globs:
            done = await self._runner.run(read_files_command(self._nonce, paths, globs),
                                          timeout=self._timeout, privileged=True)
            for kind, name, status, body in frames(self._nonce, done.stdout):
                if kind == "glob":
                    self.globs[name] = [line for line in body.splitlines() if line]
                else:
                    self._file(name, status, body)
        # whatever was asked and did not come back (budget, timeout) is not asked again
        self.unreadable.update(p for p in paths if p not in self.files)
        self.globs.update({g: [] for g in globs if g not in self.globs})

    def _file(self, name: str, status: int, body: str) -> None:
        self._bytes += len(body)
        if status != 0 or len(body) > MAX_FILE_BYTES or self._bytes > MAX_FETCH_BYTES:
            self.unreadable.add(name)
        else:
            self.files[name] = body


class _Wants:
    """The parser's file and glob callbacks: answer from what was fetched, note what was not.
    Called in the parse's worker thread; the event loop does not touch these meanwhile."""

    def __init__(
        self, files: dict[str, str], unreadable: set[str], globs: dict[str, list[str]]
    ) -> None:
        self._fetched, self._unreadable, self._globs = files, unreadable, globs
        self.files: set[str] = set()
        self.globs: set[str] = set()

    def read(self, path: str) -> str:
        if path in self._fetched:
            return self._fetched[path]
        if path not in self._unreadable:
            self.files.add(path)
        raise KeyError(path)

    def glob(self, pattern: str) -> list[str]:
        if pattern not in self._globs:
            self.globs.add(pattern)
        return self._globs.get(pattern, [])
