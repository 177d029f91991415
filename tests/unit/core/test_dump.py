"""keepalived's JSON and data dumps, as captured from keepalived 2.2.7 (tests/data/dump)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kaconsole.core.events import VrrpState
from kaconsole.core.facts import DumpInstance
from kaconsole.core.polls.dump import DumpError, parse_data_dump, parse_json_dump

EXPECTED = (DumpInstance("VI_1", VrrpState.MASTER, 51, 120, 120),)


def test_json_dump(data_dir: Path) -> None:
    text = (data_dir / "dump" / "keepalived.json").read_text()
    assert parse_json_dump(text) == EXPECTED


def test_data_dump(data_dir: Path) -> None:
    text = (data_dir / "dump" / "keepalived.data").read_text()
    assert parse_data_dump(text) == EXPECTED


def test_the_password_in_the_dumps_goes_nowhere(data_dir: Path) -> None:
    for name, parse in (("keepalived.json", parse_json_dump), ("keepalived.data", parse_data_dump)):
        text = (data_dir / "dump" / name).read_text()
        assert "s3cretpw" in text  # the sample really carries it, as keepalived < 2.4 writes it
        assert "s3cretpw" not in repr(parse(text))


@pytest.mark.parametrize(
    ("code", "state"),
    [(0, "INIT"), (1, "BACKUP"), (2, "MASTER"), (3, "FAULT"), (98, "STOP"), (7, "UNKNOWN")],
)
def test_numeric_states(code: int, state: str) -> None:
    text = f'[{{"data": {{"iname": "X", "state": {code}, "vrid": 9}}, "stats": {{}}}}]'
    assert parse_json_dump(text)[0].state == VrrpState(state)


@pytest.mark.parametrize("text", ["", "{}", "[1]", '[{"data": {}}]', "[{", "null"])
def test_bad_json_dump_is_a_dump_error(text: str) -> None:
    with pytest.raises(DumpError):
        parse_json_dump(text)


@given(st.text())
def test_any_text_gives_instances_or_dump_error(text: str) -> None:
    for parse in (parse_json_dump, parse_data_dump):
        try:
            result = parse(text)
        except DumpError:
            continue
        assert all(isinstance(i, DumpInstance) for i in result)
