"""Reading what users hand the commands: cluster files, log text (plain or gzip) and captures.

One place for it, so every command refuses the same bad input with the same words: a missing
file, a directory, binary data where text belongs, a lab cluster file while its lab is down.
"""

from __future__ import annotations

import argparse
import gzip
import math
import os
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from kaconsole.core.inventory.load import load_cluster
from kaconsole.core.inventory.model import Cluster
from kaconsole.core.logs.bounds import MAX_LINE
from kaconsole.engine.configcheck import Opener
from kaconsole.engine.monitor import SessionFactory
from kaconsole.errors import InputError, KaconsoleError
from kaconsole.lab import gate

GZIP_MAGIC = b"\x1f\x8b"
_SNIFF = 8192  # bytes looked at to tell text from binary
CHUNK = 1 << 16
#: First bytes of classic pcap (both byte orders, µs and ns) and of pcapng.
CAPTURE_MAGICS = (
    b"\xd4\xc3\xb2\xa1",
    b"\xa1\xb2\xc3\xd4",
    b"\x4d\x3c\xb2\xa1",
    b"\xa1\xb2\x3c\x4d",
    b"\x0a\x0d\x0d\x0a",
)


def positive_float(text: str) -> float:
    """An argparse type: a finite number above 0 (`--speed 0`, `-1` or `nan` are refused)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"{text!r}: expected a number above 0, such as 1 or 10")
    return value


def positive_int(text: str) -> int:
    """An argparse type: a whole number above 0."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r}: expected a whole number above 0")
    return value


def cluster_file(path: str) -> Cluster:
    """The cluster the console, `status`, `check` and `drill` connect to; a lab's cluster file is
    refused here, before anything is sent, while its lab is down."""
    cluster = load_cluster(path)
    if cluster.lab_dir is not None:
        gate.require_up(path, cluster.lab_dir, cluster.lab_name)
    return cluster


#: What stands for the built-in simulated cluster wherever a cluster file is taken (§10).
DEMO = "demo"


@dataclass(frozen=True, slots=True)
class Target:
    """A cluster and how to reach its nodes: SSH (`sessions` None) or the demo's simulation."""

    cluster: Cluster
    where: str
    sessions: SessionFactory | None = None
    #: How `check` opens a runner on a node (None: over SSH).
    opener: Opener | None = None


def target(path: str) -> Target:
    """`demo` (when no file of that name is here) is the simulated cluster, offline and already
    up, as a lab is; anything else is a cluster file, as `cluster_file` reads it."""
    if path == DEMO and not os.path.exists(path):
        from kaconsole.sim.cluster import demo_cluster, demo_sessions

        cluster, where = demo_cluster()
        demo = demo_sessions(cluster, settled=True)
        return Target(cluster, where, demo, demo.open_runner)
    return Target(cluster_file(path), path)


#: Where the cluster files are when a command is given none (os.pathsep-separated paths).
CLUSTERS_ENV = "KACONSOLE_CLUSTERS"
CLUSTER_SUFFIXES = (".yaml", ".yml")


def default_cluster_paths() -> list[str]:
    """$KACONSOLE_CLUSTERS, else $XDG_CONFIG_HOME/kaconsole/clusters/ (~/.config by default)."""
    given = os.environ.get(CLUSTERS_ENV, "")
    if given.strip():
        return [p for p in given.split(os.pathsep) if p]
    config = os.environ.get("XDG_CONFIG_HOME") or os.path.expanduser("~/.config")
    return [str(Path(config) / "kaconsole" / "clusters")]


def cluster_paths(given: Sequence[str]) -> list[str]:
    """The cluster files named on the command line: files as given, a directory as its *.yaml
    and *.yml files in name order; the default place when nothing is given."""
    out: list[str] = []
    for path in given or default_cluster_paths():
        if os.path.isdir(path):
            found = sorted(str(p) for p in Path(path).iterdir()
                           if p.suffix in CLUSTER_SUFFIXES and p.is_file())
            if not found:
                raise InputError(path, "no cluster files (*.yaml, *.yml) in this directory")
            out += found
        elif not given and not os.path.exists(path):
            raise InputError(path, f"no cluster file given, and none here (set {CLUSTERS_ENV} "
                             "or put cluster files in this directory)")
        else:
            out.append(path)
    return list(dict.fromkeys(out))


def is_fleet(given: Sequence[str]) -> bool:
    """Whether the command line names a fleet: several files, a directory, or none (the
    default place); one file keeps each command's single-cluster output."""
    given = given or default_cluster_paths()
    return len(given) != 1 or os.path.isdir(given[0])


def one_cluster(given: Sequence[str]) -> Target:
    """The one cluster of a command line that is not a fleet (see is_fleet): a file, or demo."""
    return target(cluster_paths(given)[0])


def load_clusters(
    paths: Sequence[str],
) -> tuple[list[Cluster], list[tuple[str, KaconsoleError]]]:
    """The fleet's clusters, each file on its own: a bad one is reported (its error names the
    file) and the others still load."""
    clusters: list[Cluster] = []
    errors: list[tuple[str, KaconsoleError]] = []
    for path in paths:
        try:
            clusters.append(cluster_file(path))
        except KaconsoleError as exc:
            errors.append((path, exc))
    return clusters, errors


def open_text(path: str) -> IO[bytes]:
    """The file (or stdin) as bytes, gunzipped if need be; InputError unless it is text."""
    try:
        handle: IO[bytes] = sys.stdin.buffer if path == "-" else open(path, "rb")  # noqa: SIM115
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from None
    try:
        head = _peek(handle)
        if head.startswith(GZIP_MAGIC):
            handle = gzip.GzipFile(fileobj=handle)  # type: ignore[assignment]
            head = _peek(handle)
    except (OSError, EOFError) as exc:
        handle.close()
        raise InputError(path, f"cannot read: {getattr(exc, 'strerror', None) or exc}") from None
    if b"\0" in head.lstrip(b"\0"):  # a leading NUL run is logrotate copytruncate's, not binary
        handle.close()
        raise InputError(path, "not a text file (binary data); give a log file")
    return handle


def _peek(handle: IO[bytes]) -> bytes:
    peek = getattr(handle, "peek", None)
    if peek is None:  # GzipFile has peek too; any other stream is looked at as it comes
        return b""
    data: bytes = peek(_SNIFF)
    return data[:_SNIFF]


def text_lines(path: str, handle: IO[bytes]) -> Iterator[tuple[str, int]]:
    """(line, bytes left off) pairs: lines split on \\n only (as syslog writes them), bad UTF-8
    replaced, NUL padding gone.

    A line is read up to MAX_LINE bytes and the rest counted, not kept: memory stays the same
    whatever the longest line (a corrupt log can hold hundreds of megabytes without a newline).
    """
    readline = handle.readline
    try:
        while raw := readline(MAX_LINE):
            cut = 0
            if len(raw) == MAX_LINE and not raw.endswith(b"\n"):
                while rest := readline(CHUNK):
                    if rest.endswith(b"\n"):
                        cut += len(rest) - 1
                        break
                    cut += len(rest)
            yield raw.lstrip(b"\0").decode("utf-8", errors="replace"), cut
    except (OSError, EOFError) as exc:  # a truncated .gz, a read error mid-file
        raise InputError(path, f"read failed: {getattr(exc, 'strerror', None) or exc}") from None


def chunks(path: str) -> Iterator[bytes]:
    """A binary input in chunks as they become available (a pipe is not waited on to fill)."""
    if path != "-" and os.path.isdir(path):
        raise InputError(path, "is a directory, not a file")
    try:
        if path == "-":
            fd = sys.stdin.buffer.fileno()
            while chunk := os.read(fd, CHUNK):
                yield chunk
            return
        with open(path, "rb") as handle:
            while chunk := handle.read(CHUNK):
                yield chunk
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from exc


def is_capture(path: str) -> bool:
    """Whether a file starts like a pcap or pcapng capture (False when unreadable)."""
    try:
        with open(path, "rb") as handle:
            return handle.read(4) in CAPTURE_MAGICS
    except OSError:
        return False
