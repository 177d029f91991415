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
