"""`LogParser.feed_json` (the `logs parse --json` fast path) against `feed(...).to_json()`: the
same framing and wording, so the same bytes for every sample log and any generated line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kaconsole.core.logs.parse import LogParser

DATA = Path(__file__).resolve().parents[3] / "data" / "logs"
FILES = sorted(p for p in DATA.iterdir() if p.suffix in (".log", ".json"))
POOL = [line for path in FILES for line in path.read_text(errors="replace").splitlines()]


def _bytes(obj: dict[str, Any] | None) -> bytes | None:
    if obj is None:
        return None
    try:
        return orjson.dumps(obj)
    except TypeError:  # lone surrogates: as the command writes them
        return json.dumps(obj).encode()


def _both(lines: list[tuple[str, int]]) -> tuple[list[bytes | None], list[bytes | None]]:
    slow, fast = LogParser(year=2026), LogParser(year=2026)
    events = [slow.feed(raw, n, cut) for n, (raw, cut) in enumerate(lines, 1)]
    objects = [fast.feed_json(raw, n, cut) for n, (raw, cut) in enumerate(lines, 1)]
    return [_bytes(e and e.to_json()) for e in events], [_bytes(o) for o in objects]


def test_every_sample_log_gives_the_same_bytes() -> None:
    assert len(FILES) > 20
    for path in FILES:
        lines = [(line, 0) for line in path.read_text(errors="replace").splitlines(True)]
        slow, fast = _both(lines)
        assert fast == slow, path.name
        assert any(fast), path.name


_LINE = st.one_of(
    st.sampled_from(POOL),
    st.text(max_size=80),
    st.builds(lambda a, b: a + b, st.sampled_from(POOL), st.text(max_size=20)),
    st.builds(lambda a, i, b: a[:i] + b + a[i:], st.sampled_from(POOL),
              st.integers(0, 60), st.text(max_size=8)),
)  # fmt: skip


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(_LINE, st.sampled_from([0, 0, 7])), max_size=12))
def test_generated_lines_give_the_same_bytes(lines: list[tuple[str, int]]) -> None:
    slow, fast = _both(lines)
    assert fast == slow
