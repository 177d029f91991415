"""Reading keepalived.conf's lines as keepalived's lib/parser.c does, down to `Piece`s.

Per physical line, in keepalived's order: comments (`#`, `!`, anywhere outside double quotes;
`\\#` and `\\!` escape them), `@ID` / `@^ID` conditional lines, `$NAME=VALUE` definitions (a
trailing `\\` continues a definition onto the next line: keepalived's only line continuation),
`$NAME` / `${NAME}` substitution, `include` (globs and `{a,b}` braces, relative to the including
file's directory), then braces and words (`confsyntax`).

The core does no I/O: files come through the injected `read` and `glob` callables. Nothing here
raises on bad input; problems are collected with file and line. Every way input can multiply
(includes, `{a,b}` braces, definitions) has a named limit, reported where it is hit, so that a
few bytes cannot cost minutes, gigabytes or thousands of remote reads.

Given a `Listing`, the reader also keeps every line as read, for people (`conf.source`): it
knows which `$NAME` definitions end up in a secret keyword's line, so their values are masked.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from kaconsole.core.conf.model import Where
from kaconsole.core.conf.source import Listing
from kaconsole.core.conf.syntax import (
    Ctx,
    Piece,
    decomment,
    expand_braces,
    include_target,
    split_braces,
    split_words,
    statement_word,
)
from kaconsole.core.redact import is_secret_key

ReadFn = Callable[[str], str]
GlobFn = Callable[[str], list[str]]

MAX_INCLUDE_DEPTH = 32
MAX_EXPANSION_DEPTH = 16
MAX_EXPANDED_LINES = 100_000
MAX_SUBSTITUTIONS = 1000
#: Characters in a line, as written or once definitions are substituted.
MAX_LINE = 65536
#: Characters copied while substituting definitions, over the whole configuration.
MAX_SUBSTITUTED = 32 * 1024 * 1024
#: Characters read, over every file of the configuration.
MAX_TEXT = 64 * 1024 * 1024
#: Files an `include` may name after brace expansion (16 braces would make 65,536).
MAX_ALTERNATIVES = 64
#: Files read and patterns globbed for one configuration.
MAX_FILES = 256
#: Characters in an include path (PATH_MAX).
MAX_PATH = 4096

_DEFINITION = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)=[ \t]*(.*)", re.DOTALL)
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_BRACED = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)((?:[ \t]+[A-Za-z0-9_]+)*)\}")
_GLOB_MAGIC = re.compile(r"[*?\[]")
# keepalived's own definitions that need the running system; left as written offline
_SYSTEM_DEFS = frozenset({"_INSTANCE", "_RANDOM", "_ENV"})


@dataclass(slots=True)
class _Definition:
    lines: list[str]
    multiline: bool
    name: str = ""


@dataclass(slots=True)
class Reader:
    """Turns the text of a configuration (and what it includes) into `Piece`s."""

    read: ReadFn | None = None
    glob: GlobFn | None = None
    config_id: str | None = None
    ctx: Ctx = field(default_factory=Ctx)
    files: list[str] = field(default_factory=list)
    #: Keeps the lines as read, for people (None: not kept).
    listing: Listing | None = None
    _defs: dict[str, _Definition] = field(default_factory=dict)
    _collecting: _Definition | None = None
    _expanded: int = 0
    _substituted: int = 0
    _text: int = 0
    _globbed: int = 0
    _shown: int = -1
    _used: list[str] = field(default_factory=list)

    def pieces(self, text: str, path: str) -> Iterator[Piece]:
        self.files.append(path)
        if len(text) > MAX_TEXT:
            self._error(f"larger than {MAX_TEXT} characters: the rest is not read",
                        Where(path, text.count("\n", 0, MAX_TEXT) + 1))
            text = text[:MAX_TEXT]
        self._text = len(text)
        dangling = False  # the last statement was a secret keyword without its value
        for text_line, where in self._file(text, path, (posixpath.normpath(path),)):
            for part in split_braces(text_line):
                words, closed = split_words(part)
                if not closed:
                    self._error("unterminated quote", where)
                if not words:
                    continue
                if dangling and words[0] not in "{}":
                    self._error("a value on the line after a secret keyword: keepalived does "
                                "not read it there (the line is not shown)", where)
                elif words[0] in "{}" or statement_word(words[0]):
                    yield Piece(tuple(words), where)
                else:
                    self._error("not keepalived syntax (the line is not shown)", where)
                dangling = len(words) == 1 and is_secret_key(words[0])

    def _error(self, message: str, where: Where | None) -> None:
        self.ctx.error(message, where)

    def _warn(self, message: str, where: Where | None) -> None:
        self.ctx.warn(message, where)

    def _file(self, text: str, path: str, chain: tuple[str, ...]) -> Iterator[tuple[str, Where]]:
        shown = self.listing.open(text, path) if self.listing is not None else []
        for number, raw in enumerate(text.split("\n"), start=1):
            where = Where(path, number)
            if self.listing is not None and number <= len(shown):
                self._shown = self.listing.add(where, shown[number - 1])
            if len(raw) > MAX_LINE:
                self._error(f"line longer than {MAX_LINE} characters: ignored", where)
                continue
            raw = raw.rstrip("\r\n")
            if "\0" in raw:
                self._error("embedded NUL character: line ignored", where)
                continue
            line, quoted_ok = decomment(raw)
            if not quoted_ok:
                self._error("unterminated quote", where)
            if self._collecting is not None:
                self._continue_definition(line)
                continue
            if line:
                yield from self._logical(line, where, chain, 0)

    def _continue_definition(self, line: str) -> None:
        assert self._collecting is not None
        more = line.endswith("\\")
        if more:
            line = line[:-1].rstrip(" \t")
        if line:
            self._collecting.lines.append(line)
        if self.listing is not None:
            self.listing.define(self._collecting.name, self._shown)
        if not more:
            self._collecting = None

    def _logical(self, line: str, where: Where, chain: tuple[str, ...],
                 depth: int) -> Iterator[tuple[str, Where]]:
        if line.startswith("@"):
            kept = self._conditional(line)
            if kept is None:
                return
            line = kept
        if line.startswith("$") and self._define(line):
            return
        if line.startswith(("~SEQ", "~LST")):
            self._warn("~SEQ/~LST lines are not expanded by kaconsole", where)
            return
        rest: list[str] = []
        if "$" in line and not line.startswith("~"):
            line, rest = self._substitute(line, where)
            self._mask_secret_definitions(line)
            line, _ = decomment(line)
            if line.startswith("@"):  # a definition may hold a condition: $IF_MAIN=@main
                line = self._conditional(line) or ""
        if line:
            include = include_target(line)
            if include is None:
                if line.endswith("\\"):
                    self._warn("a trailing '\\' continues only a $NAME= definition; "
                               "keepalived reads it as part of this line", where)
                yield line, where
            else:
                yield from self._include(include[0], include[1], where, chain)
        if rest and depth >= MAX_EXPANSION_DEPTH:
            self._error("multi-line definitions nested too deep", where)
            return
        for extra in rest:
            self._expanded += 1
            if self._expanded > MAX_EXPANDED_LINES:
                self._error(f"definitions expand to more than {MAX_EXPANDED_LINES} lines: "
                            "the rest is not read", where)
                return
            if extra and self._collecting is None:
                yield from self._logical(extra, where, chain, depth + 1)
            elif self._collecting is not None:
                self._continue_definition(extra)

    def _mask_secret_definitions(self, line: str) -> None:
        """Definitions just substituted into a secret keyword's line: their values are secret."""
        if self.listing is None or not self._used:
            return
        if any(is_secret_key(w) for part in split_braces(line) for w in split_words(part)[0]):
            self.listing.secret(self._used)

    def _conditional(self, line: str) -> str | None:
        negate = line.startswith("@^")
        body = line[2:] if negate else line[1:]
        match = re.match(r"([^ \t]*)[ \t]+", body)
        if match is None:
            return None
        matches = self.config_id is not None and match.group(1) == self.config_id
        return body[match.end():] if matches != negate else None

    def _define(self, line: str) -> bool:
        match = _DEFINITION.fullmatch(line)
        if match is None:
            return False
        name, value = match.groups()
        multiline = value.endswith("\\")
        if multiline:
            value = value[:-1].rstrip(" \t")
        definition = _Definition([value] if value or not multiline else [], multiline, name)
        if self.listing is not None:
            self.listing.define(name, self._shown)
        self._defs[name] = definition
        if multiline:
            self._collecting = definition
        return True

    def _lookup(self, name: str, where: Where) -> _Definition | None:
        if name in self._defs:
            return self._defs[name]
        if name == "_PWD":
            return _Definition([posixpath.dirname(where.file) or "."], False)
        if name == "_HASH":
            return _Definition(["#"], False)
        if name == "_BANG":
            return _Definition(["!"], False)
        if name in _SYSTEM_DEFS:
            self._warn(f"${{{name}}} depends on the running system and is not expanded", where)
        return None

    def _substitute(self, line: str, where: Where) -> tuple[str, list[str]]:
        """Replace defined $NAME / ${NAME} recursively (the scan resumes at the replacement)."""
        rest: list[str] = []
        pos = line.find("$")
        count = 0
        self._used = []
        while 0 <= pos < len(line) - 1:
            found = _reference(line, pos)
            definition = self._lookup(found[0], where) if found else None
            if found is None or definition is None:
                pos = line.find("$", pos + 1)
                continue
            end = found[1]
            if definition.multiline and end != len(line):
                pos = line.find("$", pos + 1)
                continue
            count += 1
            self._used.append(found[0])
            lines = definition.lines or [""]
            replacement = lines[0]
            if count > MAX_SUBSTITUTIONS or len(line) + len(replacement) > MAX_LINE:
                self._error("parameter substitution does not terminate", where)
                return "", []
            self._substituted += len(line) + len(replacement)
            if self._substituted > MAX_SUBSTITUTED:
                self._error(f"definitions expand to more than {MAX_SUBSTITUTED} characters: "
                            "the rest is not substituted", where)
                return "", []
            if definition.multiline:
                rest = [*lines[1:], *rest]
            line = line[:pos] + replacement + line[end:]
            pos = line.find("$", pos)
        return line, rest

    def _include(self, keyword: str, target: str, where: Where,
                 chain: tuple[str, ...]) -> Iterator[tuple[str, Where]]:
        strict = keyword != "include"
        report = self._error if strict else self._warn
        if len(target) > MAX_PATH:
            self._error(f"{keyword}: path longer than {MAX_PATH} characters", where)
            return
        if self._globbed >= MAX_FILES:
            self._error(f"{keyword}: more than {MAX_FILES} include patterns: not read", where)
            return
        base = posixpath.dirname(where.file)
        pattern = posixpath.normpath(posixpath.join(base, target))
        alternatives, complete = expand_braces(pattern, MAX_ALTERNATIVES)
        if not complete:
            self._error(f"{keyword}: more than {MAX_ALTERNATIVES} {{a,b}} alternatives: "
                        f"only the first {MAX_ALTERNATIVES} are read", where)
        matches: list[str] = []
        for one in alternatives:
            self._globbed += 1
            if self._globbed > MAX_FILES:
                self._error(f"{keyword}: more than {MAX_FILES} include patterns: "
                            "the rest are not read", where)
                return
            if self.glob is not None:
                found = sorted(self.glob(one))
            elif _GLOB_MAGIC.search(one):
                report(f"{keyword} {target}: cannot expand a wildcard without a file system",
                       where)
                found = []
            else:
                found = [one]
            if not found:
                report(f"{keyword} {target}: no file matches {one}", where)
            matches.extend(found)
        for found_path in matches:
            match = key = posixpath.normpath(found_path)
            if key in chain:
                self._error(f"include cycle: {' -> '.join([*chain, key])}", where)
                continue
            if len(chain) > MAX_INCLUDE_DEPTH:
                self._error(f"includes nested deeper than {MAX_INCLUDE_DEPTH}", where)
                return
            if self.read is None:
                report(f"{keyword} {match}: not followed (no file reader)", where)
                continue
            if len(self.files) >= MAX_FILES:
                self._error(f"{keyword}: more than {MAX_FILES} files: the rest are not read",
                            where)
                return
            try:
                text = self.read(match)
            except (OSError, KeyError, ValueError) as exc:
                report(f"{keyword} {match}: cannot read ({_reason(exc)})", where)
                continue
            self._text += len(text)
            if self._text > MAX_TEXT:
                self._error(f"{keyword} {match}: more than {MAX_TEXT} characters in all: "
                            "not read", where)
                return
            self.files.append(match)
            yield from self._file(text, match, (*chain, key))


def _reason(exc: Exception) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return type(exc).__name__


def _reference(line: str, pos: int) -> tuple[str, int] | None:
    """The parameter name at line[pos] == "$" and the index just after the reference."""
    if line.startswith("{", pos + 1):
        braced = _BRACED.match(line, pos + 1)
        return (braced.group(1), braced.end()) if braced else None
    name = _NAME.match(line, pos + 1)
    if name is None:
        return None
    end = name.end()
    if end < len(line) and line[end] not in " \t,)":
        return None
    return name.group(0), end
