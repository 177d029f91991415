"""Properties: every fact reads back equal from its recorded JSON; no secret is written."""

from __future__ import annotations

import operator
from datetime import datetime
from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kaconsole.core.conf.parse import parse_config
from kaconsole.core.events import Advert, LogEvent, LogKind, VrrpState
from kaconsole.core.facts import (
    AddressesObserved,
    AdvertSeen,
    ChannelStatus,
    ConfigObserved,
    DumpInstance,
    DumpObserved,
    Fact,
    InstanceSpec,
    LogSeen,
    ProbeResult,
    Reachability,
    ServiceObserved,
    ServiceState,
)
from kaconsole.core.record.codec import COLUMNS, RowReader, decode, encode, rows

DATA = Path(__file__).resolve().parents[3] / "data"
CONFIGS = sorted(DATA.rglob("*.conf"))

times = st.floats(min_value=0, max_value=4e9, allow_nan=False)
small = st.integers(min_value=-(2**31), max_value=2**31)
names = st.text(max_size=12)
maybe = st.none() | names
ips = st.ip_addresses(v=4).map(str)

logs = st.builds(
    LogEvent, st.sampled_from(LogKind), st.text(max_size=80),
    st.none() | st.datetimes(datetime(1971, 1, 1), datetime(2100, 1, 1)), maybe,
    st.none() | small, maybe, st.none() | small,
    st.dictionaries(names, st.none() | st.booleans() | small | names, max_size=3),
)
adverts = st.builds(
    Advert, times, ips, ips, st.sampled_from([2, 3]), st.integers(0, 255), st.integers(0, 255),
    times, st.sampled_from(["none", "simple", "ah"]), st.lists(ips, max_size=3).map(tuple),
    st.integers(0, 255), st.lists(names, max_size=2).map(tuple),
    st.none() | st.text("0123456789abcdef", min_size=16, max_size=16),
)
specs = st.builds(InstanceSpec, names, st.integers(0, 255), st.integers(0, 255), times,
                  st.sampled_from([2, 3]), st.lists(ips, max_size=2).map(tuple), st.booleans())
facts: st.SearchStrategy[Fact] = st.one_of(
    st.builds(LogSeen, names, logs),
    st.builds(AdvertSeen, names, adverts),
    st.builds(Reachability, names, st.booleans(), times, maybe),
    st.builds(ServiceObserved, names, names, st.sampled_from(ServiceState), times),
    st.builds(AddressesObserved, names, st.frozensets(ips, max_size=4), times),
    st.builds(DumpObserved, names, st.lists(st.builds(
        DumpInstance, names, st.sampled_from(VrrpState), st.none() | small, st.none() | small,
        st.none() | small), max_size=3).map(tuple), times),
    st.builds(ConfigObserved, names, st.lists(specs, max_size=3).map(tuple), times),
    st.builds(ChannelStatus, names, names, st.booleans(), times, maybe),
    st.builds(ProbeResult, names, st.booleans(), times, times, st.none() | small,
              st.text(max_size=40), maybe),
)


@settings(max_examples=500)
@given(facts)
def test_every_fact_reads_back_equal(fact: Fact) -> None:
    assert decode(orjson.loads(orjson.dumps(encode(fact)))) == fact


@pytest.mark.parametrize("path", CONFIGS, ids=lambda p: p.name)
def test_parsed_configs_read_back_equal_without_their_secrets(path: Path) -> None:
    text = path.read_text()
    fact = ConfigObserved.of("n1", parse_config(text), 1.0)
    raw = orjson.dumps(encode(fact))
    back = decode(orjson.loads(raw))
    assert back == fact
    for word in _secrets(text):
        assert word.encode() not in raw


def _secrets(text: str) -> list[str]:
    out = []
    for line in text.splitlines():
        words = line.split()
        if len(words) >= 2 and words[0] == "auth_pass" and len(words[1]) > 3:
            out.append(words[1])
    return out


def test_a_recorded_password_compares_like_the_original() -> None:
    conf = "vrrp_instance A {\n virtual_router_id 1\n authentication {\n  auth_type PASS\n" \
           "  auth_pass longsecret9\n }\n}\n"
    fact = ConfigObserved.of("n1", parse_config(conf), 1.0)
    back = decode(orjson.loads(orjson.dumps(encode(fact))))
    assert isinstance(back, ConfigObserved)
    assert back.config is not None
    recorded = back.config.instances[0].authentication
    original = parse_config(conf).instances[0].authentication
    assert recorded is not None
    assert original is not None
    assert recorded.auth_pass == original.auth_pass
    assert recorded.auth_pass is not None
    assert original.auth_pass is not None
    assert recorded.auth_pass.truncated(8) == original.auth_pass.truncated(8)
    assert "longsecret" not in recorded.auth_pass.reveal()


def test_what_is_not_a_fact_is_refused() -> None:
    with pytest.raises(ValueError, match="not a recorded fact"):
        decode({"$": "Nope"})
    with pytest.raises(ValueError, match="does not decode"):
        decode({"$": "Reachability", "node": 3, "reachable": True, "at": 1.0})


@settings(max_examples=300)
@given(st.lists(facts, max_size=4), times)
def test_every_fact_reads_back_equal_from_a_block_of_rows(items: list[Fact], t: float) -> None:
    block = orjson.loads(orjson.dumps(rows([t] * len(items), items)))
    reader = RowReader(orjson.loads(orjson.dumps(COLUMNS)))  # as a header carries them
    back = [reader.fact(r) if isinstance(r, list) else decode(r["f"]) for r in block]
    assert back == items
    assert all((r[0] if isinstance(r, list) else r["t"]) == t for r in block)


@given(facts)
def test_a_row_holds_its_columns_in_order(fact: Fact) -> None:
    (row,) = rows([1.0], [fact])
    if isinstance(row, tuple):
        values = operator.attrgetter(*COLUMNS[row[1]])(fact)
        assert row[2:] == values


def test_a_row_from_another_version_reads_by_its_columns() -> None:
    reader = RowReader({"Reachability": ["future", "at", "node", "reachable"]})
    row = [5.0, "Reachability", "x", 2.0, "n1", True]
    assert reader.fact(row) == Reachability("n1", True, 2.0)
    with pytest.raises(ValueError, match="not a recorded fact"):
        reader.fact([5.0, "Nonsense"])
