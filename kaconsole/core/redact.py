"""The one place where secrets become "***": a `Secret` holder and a free-text masker.

keepalived puts the VRRP PASS password in its config (`auth_pass`), in its data dump
(`Password = ...`, before v2.4) and JSON dump (`"auth_data": "..."`), and auth_hmac keys in
`key ID VALUE` lines. Everything the console prints goes through here, so a new place where a
secret shows up is fixed once.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets as _random
from typing import Any, NoReturn

MASK = "***"

#: Config keywords whose arguments are secrets (lower case). `key` is auth_hmac's `key ID VALUE`,
#: the only keepalived keyword of that name.
SECRET_KEYS = frozenset({"auth_pass", "auth_data", "password", "passwd", "secret", "key"})

# Per-process key: fingerprints compare secrets within one run and mean nothing outside it.
_FINGERPRINT_KEY = _random.token_bytes(32)


class Secret:
    """A secret string that prints, formats and serialises as "***".

    `reveal()` is the one explicit way to the value (for example to compare what keepalived
    really uses, the first 8 characters); `fingerprint()` compares secrets without showing them.
    Pickling is refused so the value cannot reach a file by accident.
    """

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def fingerprint(self) -> str:
        """A keyed hash, stable within this process only: equal secrets, equal fingerprints."""
        digest = hmac.new(
            _FINGERPRINT_KEY, self._value.encode("utf-8", "surrogatepass"), hashlib.sha256
        )
        return digest.hexdigest()[:16]

    def truncated(self, length: int) -> Secret:
        """The part keepalived uses (it keeps the first 8 characters of `auth_pass`)."""
        return Secret(self._value[:length])

    def to_json(self) -> str:
        return MASK

    def __repr__(self) -> str:
        return f"Secret({MASK!r})"

    def __str__(self) -> str:
        return MASK

    def __format__(self, spec: str) -> str:
        return format(MASK, spec)

    def __len__(self) -> int:
        return len(self._value)

    def __bool__(self) -> bool:
        return bool(self._value)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Secret):
            return NotImplemented
        return hmac.compare_digest(self.fingerprint(), other.fingerprint())

    def __hash__(self) -> int:
        return hash(self.fingerprint())

    def __copy__(self) -> Secret:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Secret:
        return self

    def __reduce__(self) -> NoReturn:
        raise TypeError("a Secret is not pickled")


def is_secret_key(keyword: str) -> bool:
    """True when a config keyword's arguments are secret."""
    return keyword.lower() in SECRET_KEYS


# One line at a time: a value never runs past its line, so an unterminated quote cannot swallow
# the lines after it (and the `auth_pass` on one of them).
_VALUE = r"(?:\"(?:[^\"\\\n]|\\.)*\"?|'[^'\n]*'?|\S+)"
# Words that follow `auth_pass` in prose ("Truncating auth_pass to 8 characters", "auth_pass of
# VI_1 on ..."): not a password when another word follows them.
_PROSE = r"(?:to|of|is|for|in|on|and|not|was|from|with|at|by|as|are|be|has|must|differs?)"
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # keepalived.conf lines: `auth_pass X`, `password X` (SSL), `key 1 X` (auth_hmac); `auth_pass`
    # also mid-line (one-line blocks, keepalived's "Unmatched quote: 'auth_pass ...'")
    (
        re.compile(rf"(?i)(^[ \t]*(?:@\^?\S+[ \t]+)?(?:passwd|password)[ \t]+)(?![:=])({_VALUE})"),
        r"\1" + MASK,
    ),
    (
        re.compile(rf"(?i)(\bauth_pass[ \t]+)(?!\*\*\*|\\[ \t]*$|{_PROSE}[ \t]+[^\s#!}}'\"])"
                   rf"({_VALUE})"),
        r"\1" + MASK,
    ),
    (re.compile(rf"(?i)(^[ \t]*(?:@\^?\S+[ \t]+)?key[ \t]+\S+[ \t]+)({_VALUE})"), r"\1" + MASK),
    # JSON: "auth_data": "X", "auth_pass": "X", "password": "X"
    (
        re.compile(
            r"(?i)(\"(?:auth_data|auth_pass|password|passwd|secret)\"[ \t]*:[ \t]*)"
            r"(\"(?:[^\"\\\n]|\\.)*\"|[^,}\s]+)"
        ),
        r'\1"' + MASK + '"',
    ),
    # data dumps and logs: `Password = X`, ` Password : X`, `SSL password:X`,
    # `Authentication data = X`
    (
        re.compile(
            r"(?i)(\b(?:password|passwd|authentication data|auth_data|auth_pass)[ \t]*[:=][ \t]*)"
            r"(?!\"?\*\*\*)(\S[^\n]*)"
        ),
        r"\1" + MASK,
    ),
)
# Only lines holding one of these can hold a secret: the others skip the patterns.
_HINT = re.compile(r"(?i)pass|key|auth|secret")
# A secret keyword ending its line: keepalived-style configs may put the value on the next one.
_DANGLING = re.compile(r"(?i)(?:^[ \t]*(?:passwd|password)|\bauth_pass)[ \t]*\\?[ \t]*$")
_FIRST_WORD = re.compile(rf"^([ \t]*)({_VALUE})")
# Terminal controls (C0 but tab and newline, DEL, C1) and bidirectional overrides.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def redact_text(text: str) -> str:
    """`text` with every secret keepalived may write in config, dump or log lines masked."""
    out: list[str] = []
    dangling = False
    for line in text.splitlines(keepends=True):
        value = dangling and bool(line.strip())  # the value of the secret keyword above
        if value:
            dangling = False
        if _HINT.search(line):  # first: the value may itself be `auth_pass SECRET`
            for pattern, replacement in _PATTERNS:
                line = pattern.sub(replacement, line)
            dangling = _DANGLING.search(line.rstrip("\r\n")) is not None
        if value:
            line = _FIRST_WORD.sub(r"\1" + MASK, line, count=1)
        out.append(line)
    return "".join(out)


_DEFINITION_VALUE = re.compile(r"^(.*?\$[A-Za-z_][A-Za-z0-9_]*=[ \t]*|[ \t]*).*$", re.DOTALL)


def mask_definition(line: str) -> str:
    """A `$NAME=VALUE` line (or its continuation) whose value ends up a secret: the value
    masked, `$NAME=` kept. keepalived substitutes it later, so the line alone does not say."""
    return _DEFINITION_VALUE.sub(r"\1" + MASK, line, count=1)


def printable(text: str) -> str:
    """`text` without terminal control characters (escape sequences, bidi overrides): what a
    file or a node says is shown, never obeyed by the terminal."""
    return _CONTROLS.sub("", text)


def redact_args(keyword: str, args: tuple[str, ...] | list[str]) -> list[str]:
    """A config line's arguments, secret ones masked (auth_hmac `key ID VALUE` keeps the ID)."""
    if not is_secret_key(keyword):
        return list(args)
    if keyword.lower() == "key" and len(args) > 1:
        return [args[0], *(MASK for _ in args[1:])]
    return [MASK for _ in args]
