"""core.checks on arbitrary input: never raises, and never shows a password."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from kaconsole.core.checks.cluster import ConfigTest, NodeEvidence, check_cluster
from kaconsole.core.conf.parse import parse_config

WORDS = st.sampled_from([
    "vrrp_instance", "VI_1", "{", "}", "priority", "virtual_router_id", "51", "255", "0", "-20",
    "weight", "track_script", "chk", "vrrp_script", "script", "/bin/x", "advert_int", "0.5",
    "authentication", "auth_type", "PASS", "AH", "auth_pass", "virtual_ipaddress",
    "10.0.0.1/24", "fe80::1", "dev", "eth0", "global_defs", "vrrp_strict", "nopreempt",
    "accept", "no_accept", "strict_mode", "version", "3", "track_interface", "reverse",
    "virtual_server", "real_server", "80", "router_id", "R", "vrrp_version", "include", "\n",
])
CONFIG_TEXT = st.lists(WORDS, max_size=80).map(" ".join)
EVIDENCE = st.builds(
    NodeEvidence,
    error=st.none() | st.text(max_size=20),
    version=st.none() | st.sampled_from(["2.2.7", "2.1.5", "1.3.5", "x"]),
    scripts=st.dictionaries(st.sampled_from(["/bin/x", "chk"]),
                            st.sampled_from(["ok", "missing", "not_executable"])),
    interfaces=st.none() | st.frozensets(st.sampled_from(["eth0", "eth1", "lo"])),
    config_test=st.none() | st.builds(ConfigTest, st.none() | st.integers(-1, 300),
                                      st.lists(st.text(max_size=30), max_size=3).map(tuple)),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(CONFIG_TEXT, st.booleans(), EVIDENCE), min_size=1, max_size=3))
def test_arbitrary_configs_and_evidence_never_raise(nodes: list[tuple[str, bool, NodeEvidence]],
                                                    ) -> None:
    configs = {f"n{i}": parse_config(text) if readable else None
               for i, (text, readable, _) in enumerate(nodes)}
    facts = {f"n{i}": evidence for i, (_, _, evidence) in enumerate(nodes)}
    for finding in check_cluster(configs, facts):
        json.dumps(finding.to_json())
        assert finding.severity in ("error", "warning", "info")
        assert set(finding.nodes) <= set(configs)


PASSWORD = st.text(alphabet="QXZqxz0189", min_size=1, max_size=14).map(lambda s: "Pw" + s)


def _node(password: str, priority: int, strict: bool) -> str:
    return (f"global_defs {{\n {'vrrp_strict' if strict else ''}\n}}\n"
            f"vrrp_instance VI_1 {{\n interface eth1\n virtual_router_id 7\n"
            f" priority {priority}\n authentication {{\n  auth_type PASS\n"
            f"  auth_pass {password}\n }}\n virtual_ipaddress {{\n  10.0.0.9\n }}\n}}\n")


@settings(max_examples=200, deadline=None)
@given(PASSWORD, PASSWORD, st.booleans(), st.booleans())
def test_no_password_in_any_finding(a: str, b: str, strict_a: bool, strict_b: bool) -> None:
    configs = {"a": parse_config(_node(a, 120, strict_a)),
               "b": parse_config(_node(b, 100, strict_b))}
    text = json.dumps([f.to_json() for f in check_cluster(configs, {})])
    for secret in (a, b, a[:8], b[:8]):
        assert secret not in text


@st.composite
def instance_conf(draw: st.DrawFn) -> str:
    """A well-formed node: random priorities, weights (script and track), flags and timers."""
    weight = draw(st.integers(-253, 253))
    track_weight = draw(st.none() | st.integers(-253, 253))
    flags = draw(st.lists(st.sampled_from(["nopreempt", "accept", "no_accept", "strict_mode",
                                           "version 3"]), max_size=3, unique=True))
    reverse = draw(st.sampled_from(["", " reverse"]))
    track = f"chk weight {track_weight}{reverse}" if track_weight is not None else "chk"
    return (f"vrrp_script chk {{\n script /bin/x\n weight {weight}\n}}\n"
            f"vrrp_instance VI_1 {{\n interface eth1\n"
            f" virtual_router_id {draw(st.integers(1, 255))}\n"
            f" priority {draw(st.integers(1, 255))}\n"
            f" advert_int {draw(st.sampled_from(['1', '0.5', '3']))}\n" + "\n".join(flags)
            + f"\n track_script {{\n  {track}\n }}\n track_interface {{\n  eth0 weight "
            f"{draw(st.integers(-254, 254))}\n }}\n virtual_ipaddress {{\n  10.0.0.9\n }}\n}}\n")


@settings(max_examples=300, deadline=None)
@given(st.lists(instance_conf(), min_size=1, max_size=4))
def test_well_formed_instances_never_raise(texts: list[str]) -> None:
    configs = {f"n{i}": parse_config(text) for i, text in enumerate(texts)}
    for finding in check_cluster(configs, {}):
        assert finding.message
