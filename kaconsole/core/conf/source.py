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
        self._defined: dict[str, list[int]] = {}
        self._secret: set[str] = set()

    def open(self, text: str, path: str) -> list[str]:
        """A file begins: its marker, and its lines masked (indexed by line number - 1)."""
        self.lines.append(SourceLine(Where(path, 0), ""))
        shown = printable(redact_text(text)).split("\n")
        if len(shown) > 1 and shown[-1] == "":
            shown.pop()  # the newline ending the last line does not begin another
        return shown

    def add(self, where: Where, text: str) -> int:
        """One line as read; its index, for `define`."""
        self.lines.append(SourceLine(where, text))
        return len(self.lines) - 1

    def define(self, name: str, index: int) -> None:
        """The line at `index` defines `$name` (or continues its definition)."""
        self._defined.setdefault(name, []).append(index)
        if name in self._secret:
            self._mask(index)

    def secret(self, names: list[str]) -> None:
        """These definitions were substituted into a secret keyword's line: every definition
        of those names is masked, those read so far and those to come."""
        for name in names:
            self._secret.add(name)
            for index in self._defined.get(name, ()):
                self._mask(index)

    def _mask(self, index: int) -> None:
        line = self.lines[index]
        self.lines[index] = SourceLine(line.where, mask_definition(line.text))
