"""Reading a node's keepalived.conf with every file it includes, over the node's runner.

The pure parser says what it needs (a file, a glob); this fetches what is missing and parses
again, until nothing is missing. Each round trip reads all the files missing at that depth.
"""

from __future__ import annotations

import re

from kaconsole.core.conf.model import KeepalivedConfig
from kaconsole.core.conf.parse import parse_config
from kaconsole.transport.remote_commands import glob_command, read_files_command
from kaconsole.transport.runner import Runner

#: Includes nest this deep at most before we stop asking (keepalived itself allows about 8).
MAX_ROUNDS = 10
_FRAME = re.compile(
    r"\n@@kaconsole-file@@ (?P<path>[^\n]*)\n(?P<body>.*?)\n@@kaconsole-end@@ (?P<rc>\d+)\n",
    re.S,
)


class ConfigUnreadable(Exception):
    """The main configuration file cannot be read on the node."""


async def fetch_config(runner: Runner, path: str, *, timeout: float = 10.0) -> KeepalivedConfig:
    files: dict[str, str] = {}
    unreadable: set[str] = set()
    globs: dict[str, list[str]] = {}
    await _read(runner, [path], files, unreadable, timeout)
    if path not in files:
        raise ConfigUnreadable(f"cannot read {path}")
    for _ in range(MAX_ROUNDS):
        wants = _Wants(files, unreadable, globs)
        config = parse_config(files[path], path=path, read=wants.read, glob=wants.glob)
        if not wants.files and not wants.globs:
            return config
        for pattern in sorted(wants.globs):
            done = await runner.run(glob_command(pattern), timeout=timeout, privileged=True)
            globs[pattern] = [line for line in done.stdout.splitlines() if line]
        await _read(runner, sorted(wants.files), files, unreadable, timeout)
    return config


class _Wants:
    """The parser's file and glob callbacks: answer from what was fetched, note what was not."""

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


async def _read(
    runner: Runner, paths: list[str], files: dict[str, str], unreadable: set[str], timeout: float
) -> None:
    if not paths:
        return
    done = await runner.run(read_files_command(paths), timeout=timeout, privileged=True)
    seen = set()
    for m in _FRAME.finditer(done.stdout):
        seen.add(m["path"])
        if m["rc"] == "0":
            files[m["path"]] = m["body"]
        else:
            unreadable.add(m["path"])
    unreadable.update(p for p in paths if p not in seen)
