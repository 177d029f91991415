from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kaconsole.core.facts import ServiceState
from kaconsole.core.polls.addresses import PollError, parse_ip_addr, service_state

VIP = "203.0.113.100"


def test_master_holds_the_vip_and_backup_does_not(data_dir: Path) -> None:
    master = parse_ip_addr((data_dir / "lab" / "ip-addr-node1-master.json").read_text())
    backup = parse_ip_addr((data_dir / "lab" / "ip-addr-node2-backup.json").read_text())
    assert VIP in master
    assert VIP not in backup
    assert "127.0.0.1" in master


def test_split_brain_both_hold_the_vip(data_dir: Path) -> None:
    for node in ("node1", "node2"):
        text = (data_dir / "lab" / f"ip-addr-splitbrain-{node}.json").read_text()
        assert VIP in parse_ip_addr(text)


@pytest.mark.parametrize("text", ["", 'Object "addr" is unknown', "{}", "[", "7"])
def test_not_ip_json_is_a_poll_error(text: str) -> None:
    with pytest.raises(PollError):
        parse_ip_addr(text)


@given(st.text())
def test_any_text_gives_addresses_or_poll_error(text: str) -> None:
    with contextlib.suppress(PollError):
        assert isinstance(parse_ip_addr(text), frozenset)


@pytest.mark.parametrize(
    ("status", "state"),
    [
        (0, ServiceState.RUNNING),
        (1, ServiceState.STOPPED),
        (3, ServiceState.STOPPED),
        (127, ServiceState.UNKNOWN),
        (None, ServiceState.UNKNOWN),
    ],
)
def test_service_state(status: int | None, state: ServiceState) -> None:
    assert service_state(status) is state
