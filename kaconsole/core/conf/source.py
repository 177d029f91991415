"""A configuration as keepalived reads it, for people: every line of every file in reading order,
each included file in place after its `include` line, each line with its file and number.

Secrets are masked as a file is taken in (`core.redact`), so the text kept never holds one: the
lines `redact_text` masks, and `$NAME=VALUE` definitions whose value the reader later
substitutes into a secret keyword's line (`mask`). Control characters are dropped.
"""

from __future__ import annotations

from kaconsole.core.conf.model import SourceLine, Where
from kaconsole.core.redact import mask_definition, printable, redact_text


class Listing:
    """Filled by `conf.read.Reader` while it reads; `lines` is the result."""

    def __init__(self) -> None:
        self.lines: list[SourceLine] = []

    def open(self, text: str, path: str) -> list[str]:
        """A file begins: its marker, and its lines masked (indexed by line number - 1)."""
        self.lines.append(SourceLine(Where(path, 0), ""))
        shown = printable(redact_text(text)).split("\n")
        if len(shown) > 1 and shown[-1] == "":
            shown.pop()  # the newline ending the last line does not begin another
        return shown

    def add(self, where: Where, text: str) -> int:
        """One line as read; its index, for `mask`."""
        self.lines.append(SourceLine(where, text))
        return len(self.lines) - 1

    def mask(self, index: int) -> None:
        """The definition line at `index` turned out to hold a secret."""
        line = self.lines[index]
        self.lines[index] = SourceLine(line.where, mask_definition(line.text))
