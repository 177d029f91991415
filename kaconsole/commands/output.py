"""What the offline commands print: text safe for a terminal, JSON lines written in batches.

Log text is untrusted: a line may carry ESC sequences that retitle, recolour or rewrite the
reader's terminal. Text output drops C0 and C1 control characters (tab kept). JSON output
escapes C0 characters (ESC becomes \\u001b) as JSON must, and keeps the data as it was.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any, BinaryIO, TextIO

import orjson

# C0 (but tab), DEL and C1: what a terminal may act on instead of showing
_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f]")

#: Objects encoded before one write: few system calls, and a joined batch (some 40 KB) below
#: malloc's mmap threshold, so its memory is reused rather than mapped and faulted in each time.
BATCH = 128


def printable(text: str) -> str:
    """`text` without terminal control characters."""
    return _CONTROL.sub("", text) if _CONTROL.search(text) else text


def _escaped(obj: dict[str, Any]) -> bytes:
    """A line orjson refuses (text with lone surrogates), with the surrogates escaped instead."""
    return (json.dumps(obj) + "\n").encode()


def write_json_lines(out: TextIO, objects: Iterable[dict[str, Any]]) -> None:
    """One compact JSON object per line (UTF-8, not ASCII-escaped), as bytes to the stream's
    buffer when it has one: no decoding of what orjson already encoded."""
    out.flush()
    binary: BinaryIO | None = getattr(out, "buffer", None)
    dumps, option = orjson.dumps, orjson.OPT_APPEND_NEWLINE
    batch: list[bytes] = []
    for obj in objects:
        try:
            batch.append(dumps(obj, option=option))
        except TypeError:
            batch.append(_escaped(obj))
        if len(batch) >= BATCH:
            _write(out, binary, b"".join(batch))
            batch.clear()
    _write(out, binary, b"".join(batch))
    if binary is not None:
        binary.flush()


def _write(out: TextIO, binary: BinaryIO | None, data: bytes) -> None:
    if binary is not None:
        binary.write(data)
    else:
        out.write(data.decode())
