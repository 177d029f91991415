"""Hypothesis strategies for facts: any sequence the sessions could feed the reducer."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import strategies as st

from kaconsole.core.events import Advert, LogEvent, LogKind, VrrpState
from kaconsole.core.facts import (
    AddressesObserved,
    AdvertSeen,
    ConfigObserved,
    DumpInstance,
    DumpObserved,
    Fact,
    InstanceSpec,
    LogSeen,
    Reachability,
    ServiceObserved,
    ServiceState,
)

#: Where the generated times start (any fixed time will do).
T0 = datetime(2026, 1, 1)
NODES = st.sampled_from(["n1", "n2", "n3", "ghost"])

INSTANCES = st.sampled_from(["VI_1", "VI_2"])

TIMES = st.floats(min_value=0, max_value=100, allow_nan=False)

ADDRS = st.sampled_from(["192.0.2.11", "192.0.2.12", "192.0.2.100", "203.0.113.9"])

def log_fact(
    node: str, t: float, kind: LogKind, inst: str | None, fields: dict[str, object]
) -> Fact:
    return LogSeen(
        node, LogEvent(kind, "x", T0 + timedelta(seconds=t), None, None, inst, None, fields)
    )

log_facts = st.builds(
    log_fact,
    NODES,
    TIMES,
    st.sampled_from(list(LogKind)),
    st.none() | INSTANCES,
    st.fixed_dictionaries(
        {},
        optional={
            "state": st.sampled_from([s.value for s in VrrpState if s is not VrrpState.UNKNOWN]),
            "action": st.sampled_from(["start", "stop", "reload"]),
            "to": st.integers(0, 255),
            "from": st.none() | st.integers(0, 255),
            "peer": ADDRS,
            "priority": st.integers(0, 255),
            "tag": st.sampled_from(["timer_expired", "unknown_vrid"]),
            "ok": st.booleans(),
        },
    ),
)

advert_facts = st.builds(
    lambda node, t, src, vrid, prio: AdvertSeen(
        node, Advert(t, src, "224.0.0.18", 2, vrid, prio, 1.0, "simple", ("192.0.2.100",), 255)
    ),
    NODES,
    TIMES,
    ADDRS,
    st.sampled_from([51, 52]),
    st.integers(0, 255),
)

polled = st.one_of(
    st.builds(Reachability, NODES, st.booleans(), TIMES, st.none() | st.text(max_size=5)),
    st.builds(
        ServiceObserved,
        NODES,
        st.sampled_from(["nginx", "keepalived"]),
        st.sampled_from(list(ServiceState)),
        TIMES,
    ),
    st.builds(AddressesObserved, NODES, st.frozensets(ADDRS), TIMES),
    st.builds(
        ConfigObserved,
        NODES,
        st.tuples(
            st.builds(InstanceSpec, INSTANCES, st.sampled_from([51, 52]), st.integers(1, 255))
        ),
        TIMES,
    ),
    st.builds(
        DumpObserved,
        NODES,
        st.tuples(st.builds(DumpInstance, INSTANCES, st.sampled_from(list(VrrpState)))),
        TIMES,
    ),
)

fact_sequences = st.lists(st.one_of(log_facts, advert_facts, polled), max_size=40)
