"""Limits that keep the log parsers total: any text in, an event or None out, never an error.

Log text is untrusted: a corrupt file, a hostile peer's name in a message, a pasted binary.
`int()` refuses more than 4300 digits and `str.isdigit()` accepts `²`, which `int()` rejects;
a line of 500 MB would be held whole. So numbers are ASCII digit runs of bounded length, and a
line is read only up to MAX_LINE (what is left off is counted, not kept).
"""

from __future__ import annotations

#: Longest line parsed, in characters (keepalived's own lines stay under 1 KB; journal JSON
#: entries under 8 KB). The rest of a longer line is reported as the event's `cut` field.
MAX_LINE = 32_768

#: Longest digit run read as a number: any real pid, priority, epoch or status fits.
MAX_DIGITS = 18


def ascii_int(text: str) -> int | None:
    """`text` as an int when it is an optional `-` and 1..MAX_DIGITS ASCII digits, else None."""
    digits = text[1:] if text.startswith("-") else text
    if 0 < len(digits) <= MAX_DIGITS and digits.isascii() and digits.isdigit():
        return int(text)
    return None


class LineSplitter:
    """A live stream's text chunks as lines of at most `limit` characters.

    A follower reading whole lines holds whatever a peer writes before its newline (hundreds of
    megabytes from `cat /dev/urandom >> syslog`); this keeps `limit` characters of a line and
    counts the lines it had to cut, so memory stays bounded and the cut is said, not hidden.
    """

    def __init__(self, limit: int = MAX_LINE) -> None:
        self.limit = limit
        self.cut_lines = 0
        self._parts: list[str] = []
        self._size = 0
        self._cutting = False

    def feed(self, chunk: str) -> list[str]:
        *ended, rest = chunk.split("\n")
        lines = []
        for piece in ended:
            self._add(piece)
            lines.append(self._take())
        self._add(rest)
        return lines

    def flush(self) -> list[str]:
        """The last line when the stream ended without a newline."""
        return [self._take()] if self._size or self._cutting else []

    def _add(self, piece: str) -> None:
        room = self.limit - self._size
        if len(piece) > room:
            piece = piece[:room]
            self._cutting = True
        if piece:
            self._parts.append(piece)
            self._size += len(piece)

    def _take(self) -> str:
        line = "".join(self._parts)
        self.cut_lines += self._cutting
        self._parts, self._size, self._cutting = [], 0, False
        return line
