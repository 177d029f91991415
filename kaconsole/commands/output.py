"""What the offline commands print: text safe for a terminal, JSON lines written in batches.

Log text is untrusted: a line may carry ESC sequences that retitle, recolour or rewrite the
reader's terminal. Text output drops C0 and C1 control characters (tab kept). JSON output
escapes C0 characters (ESC becomes \\u001b) as JSON must, and keeps the data as it was.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any, TextIO

import orjson

# C0 (but tab), DEL and C1: what a terminal may act on instead of showing
_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f]")

#: Objects encoded before one write: few system calls, little memory.
BATCH = 256


def printable(text: str) -> str:
    """`text` without terminal control characters."""
    return _CONTROL.sub("", text) if _CONTROL.search(text) else text


def _encoded(obj: dict[str, Any]) -> bytes:
    try:
        return orjson.dumps(obj, option=orjson.OPT_APPEND_NEWLINE)
    except TypeError:  # text with lone surrogates, which orjson refuses: escape them instead
        return (json.dumps(obj) + "\n").encode()


def write_json_lines(out: TextIO, objects: Iterable[dict[str, Any]]) -> None:
    """One compact JSON object per line (UTF-8, not ASCII-escaped)."""
    batch: list[bytes] = []
    for obj in objects:
        batch.append(_encoded(obj))
        if len(batch) >= BATCH:
            out.write(b"".join(batch).decode())
            batch.clear()
    out.write(b"".join(batch).decode())
