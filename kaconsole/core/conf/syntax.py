"""keepalived.conf syntax as lib/parser.c has it, one line at a time, and block nesting.

Comments start at `#` or `!` outside double quotes; every `{` and `}` outside double quotes
becomes a line of its own; words split on whitespace and a word starting with `"` runs to the
next `"`. The reading around these (definitions, conditionals, files) is `confread`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from kaconsole.core.conf.model import Problem, Stmt, Where
from kaconsole.core.redact import printable, redact_text

_WHITE = " \t\n\r\f\v"
_COMMENT = re.compile("[#!]")

#: Problems kept per kind: a file of one repeated mistake must not make a megabyte of report.
MAX_PROBLEMS = 1000
#: Blocks nest this deep at most (keepalived's deepest is 4); deeper ones are dropped, so that
#: nothing downstream recurses without bound.
MAX_NESTING = 32
#: Quoted values in messages are cut to this many characters.
MAX_QUOTED = 40

# A word that may start a keepalived statement: a keyword, a name, an address, a path. Anything
# else (a passwd or shadow line, a key) is not keepalived syntax and its content is never shown.
_STATEMENT = re.compile(
    r"[A-Za-z0-9_/][A-Za-z0-9_.@/%*?,\[\]-]{0,62}"
    r"|[0-9A-Fa-f]*:[0-9A-Fa-f:.-]*(?:/[0-9]{1,3})?(?:%[A-Za-z0-9_.-]{1,15})?",
    re.ASCII,
)


def statement_word(word: str) -> bool:
    """True when `word` can start a keepalived statement (and so may be quoted in a message)."""
    return _STATEMENT.fullmatch(word) is not None


def quoted(value: str) -> str:
    """A value from the file as a message may show it: short and one line."""
    return printable(value if len(value) <= MAX_QUOTED else value[:MAX_QUOTED] + "...")


def problem(message: str, where: Where | None, code: str | None = None) -> Problem:
    """A Problem whose message cannot carry a secret or a control character from the file."""
    return Problem(printable(redact_text(message)), where, code)


@dataclass(slots=True)
class Ctx:
    """Where the problems found while reading go: each once, at most MAX_PROBLEMS of a kind.

    The set makes the duplicate check constant time (a list scan made a file of repeated
    mistakes quadratic)."""

    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    _seen: set[Problem] = field(default_factory=set)

    def error(self, message: str, where: Where | None, code: str | None = None) -> None:
        self._add(self.errors, problem(message, where, code), "errors")

    def warn(self, message: str, where: Where | None, code: str | None = None) -> None:
        self._add(self.warnings, problem(message, where, code), "warnings")

    def _add(self, into: list[Problem], item: Problem, kind: str) -> None:
        if item in self._seen or len(into) > MAX_PROBLEMS:
            return
        self._seen.add(item)
        if len(into) == MAX_PROBLEMS:
            item = Problem(f"more than {MAX_PROBLEMS} {kind}: the rest are not listed",
                           item.where)
        into.append(item)


@dataclass(frozen=True, slots=True)
class Piece:
    """One logical line after brace splitting, as words."""

    words: tuple[str, ...]
    where: Where


def decomment(line: str) -> tuple[str, bool]:
    """keepalived's decomment(): strip comments and edge blanks; keep a continuing `\\`.

    Returns the text and False when a double quote is left open.
    """
    text = line.lstrip(" \t")
    if '"' not in text and "\\" not in text:  # the common line: no per-character walk
        return _COMMENT.split(text, maxsplit=1)[0].rstrip(" \t"), True
    out: list[str] = []
    quote = False
    cont = False
    i = 0
    n = len(text)
    while i < n:
        char = text[i]
        if char == '"':
            quote = not quote
        elif char == "\\":
            if i + 1 == n:
                cont = True
                break
            nxt = text[i + 1]
            out.append(nxt if (not quote and nxt in "#!") else text[i:i + 2])
            i += 2
            continue
        elif not quote and char in "#!":
            break
        out.append(char)
        i += 1
    result = "".join(out).rstrip(" \t")
    return (result + "\\" if cont else result), not quote


def include_target(line: str) -> tuple[str, str] | None:
    """(keyword, path) when the line is `include PATH` or a variant (includer, includea ...)."""
    if not line.startswith("include") or len(line) < 9:
        return None
    if line[7] in " \t":
        return "include", line[8:].lstrip(" \t")
    if line[7] in "rmwba" and line[8] in " \t":
        return line[:8], line[9:].lstrip(" \t")
    return None


def expand_braces(pattern: str, limit: int) -> tuple[list[str], bool]:
    """csh-style `{a,b}` alternatives, as glob(GLOB_BRACE) expands them (nesting allowed), at
    most `limit` of them: False when there were more (16 braces make 65,536)."""
    out: list[str] = []
    todo = [pattern]
    while todo:
        one = todo.pop()
        split = _alternatives(one)
        if split is None:
            if len(out) == limit:
                return out, False
            out.append(one)
            continue
        head, alternatives, tail = split
        todo.extend(head + alt + tail for alt in reversed(alternatives))
    return out, True


def _alternatives(pattern: str) -> tuple[str, list[str], str] | None:
    """The first `{...}` holding two alternatives or more: what precedes, them, what follows."""
    depth = 0
    start = -1
    for i, char in enumerate(pattern):
        if char == "{":
            if depth == 0:
                start = i
            depth += 1
        elif char == "}" and depth:
            depth -= 1
            if depth == 0:
                alternatives = _split_top(pattern[start + 1:i])
                if len(alternatives) >= 2:
                    return pattern[:start], alternatives, pattern[i + 1:]
    return None


def _split_top(body: str) -> list[str]:
    parts: list[str] = []
    depth = 0
    current: list[str] = []
    for char in body:
        if char == "," and depth == 0:
            parts.append("".join(current))
            current = []
            continue
        depth += (char == "{") - (char == "}")
        current.append(char)
    parts.append("".join(current))
    return parts


def split_braces(line: str) -> list[str]:
    """Every `{` and `}` outside double quotes becomes a line of its own (keepalived's
    line_residue), so `vrrp_instance X { state MASTER }` is four lines."""
    parts: list[str] = []
    while line:
        pos = _first_brace(line)
        if pos < 0:
            parts.append(line)
            break
        if pos == 0:
            parts.append(line[0])
            line = line[1:].lstrip(" \t")
        else:
            parts.append(line[:pos].rstrip(" \t"))
            line = line[pos:]
    return parts


def _first_brace(line: str) -> int:
    i = 0
    n = len(line)
    while i < n:
        char = line[i]
        if char in "{}":
            return i
        if char == '"':
            close = line.find('"', i + 1)
            if close < 0:
                return -1
            i = close
        i += 1
    return -1


def split_words(text: str) -> tuple[list[str], bool]:
    """keepalived's alloc_strvec_r(): whitespace-separated words, a `"` at a word's start
    takes everything to the next `"`. Returns the words and False for an unmatched quote."""
    words: list[str] = []
    i = 0
    n = len(text)
    while True:
        while i < n and text[i] in _WHITE:
            i += 1
        if i >= n:
            return words, True
        if text[i] == '"':
            close = text.find('"', i + 1)
            if close < 0:
                return words, False
            words.append(text[i + 1:close])
            i = close + 1
            continue
        start = i
        while i < n and text[i] not in _WHITE and text[i] != '"':
            i += 1
        words.append(text[start:i])


def build_tree(pieces: Iterable[Piece], ctx: Ctx) -> list[Stmt]:
    """Nest pieces into statements by their braces. A `{` belongs to the statement just before
    it (same or next line); a stray `{` is ignored and an extra `}` reported, as keepalived does;
    a block still open at the end is closed there and reported. A block deeper than MAX_NESTING
    is dropped with what it holds."""
    root: list[Stmt] = []
    # each frame: (head statement or None for the root, its children)
    stack: list[tuple[Stmt | None, list[Stmt]]] = [(None, root)]
    dropped = 0  # depth inside a dropped block
    can_open = False
    for piece in pieces:
        children = stack[-1][1]
        if dropped:
            dropped += (piece.words == ("{",)) - (piece.words == ("}",))
        elif piece.words == ("{",):
            if can_open and children and len(stack) > MAX_NESTING:
                ctx.error(f"blocks nested deeper than {MAX_NESTING}: this one is dropped",
                          piece.where)
                children.pop()
                dropped = 1
            elif can_open and children:
                stack.append((children.pop(), []))
            else:
                ctx.error("unexpected '{' ignored", piece.where)
            can_open = False
        elif piece.words == ("}",):
            if len(stack) > 1:
                _close(stack)
            else:
                ctx.error("extra '}'", piece.where)
            can_open = False
        else:
            children.append(Stmt(piece.words[0], piece.words[1:], piece.where))
            can_open = True
    while len(stack) > 1:
        head = stack[-1][0]
        assert head is not None
        ctx.error(f"'{{' of {head.key} is never closed", head.where)
        _close(stack)
    return root


def _close(stack: list[tuple[Stmt | None, list[Stmt]]]) -> None:
    head, body = stack.pop()
    assert head is not None
    stack[-1][1].append(Stmt(head.key, head.args, head.where, tuple(body)))
