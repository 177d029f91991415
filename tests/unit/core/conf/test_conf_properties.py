"""Properties: any text parses without raising; a generated configuration reads back exactly."""

from __future__ import annotations

import json
import string
from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from kaconsole.core.conf.parse import parse_config

# Text made of what keepalived's parser cares about, so the generator hits the tricky paths.
_SYNTAX = st.sampled_from([
    "{", "}", '"', "#", "!", "\\", "$", "${", "@", "@^", "include ", "includea ", "$A=",
    "$B= \\", "${A}", "$A", "vrrp_instance ", "global_defs", "virtual_ipaddress", "auth_pass ",
    "priority ", "~SEQ", "\n", "\n", " ", "\t", "\r", "\0", "x", "1", "*", "?", "[", ",",
])


@settings(max_examples=300)
@given(st.text())
def test_arbitrary_text_never_raises(text: str) -> None:
    config = parse_config(text)
    json.dumps(config.to_json())
    repr(config)


@settings(max_examples=300)
@given(st.lists(_SYNTAX, max_size=60).map("".join), st.sampled_from([None, "main", "x"]))
def test_syntax_soup_never_raises(text: str, config_id: str | None) -> None:
    files = {"/k/a.conf": text, "/k/b.conf": text[::-1]}

    def glob(pattern: str) -> list[str]:
        return [name for name in files if name.startswith(pattern.rstrip("*?[]"))]

    config = parse_config(text, path="/k/a.conf", read=files.__getitem__, glob=glob,
                          config_id=config_id)
    json.dumps(config.to_json())
    for problem in (*config.errors, *config.warnings):
        assert problem.where is None or problem.where.line >= 1


# ------------------------------------------------------------------ generated round trip

_NAME = st.text(alphabet=string.ascii_letters + string.digits + "_", min_size=1,
                max_size=12).filter(lambda s: not s[0].isdigit() and not s.startswith("include"))
_SECRET = st.text(alphabet=string.ascii_letters + string.digits + "_.-", min_size=1, max_size=8)
_IPV4 = st.tuples(*[st.integers(0, 255)] * 4).map(lambda t: ".".join(map(str, t)))


@dataclass(frozen=True)
class Script:
    name: str
    path: str
    interval: int
    weight: int
    fall: int


@dataclass(frozen=True)
class Instance:
    name: str
    state: str
    interface: str
    vrid: int
    priority: int
    advert_int: float
    nopreempt: bool
    password: str | None
    vips: tuple[tuple[str, int], ...]
    peers: tuple[str, ...]
    tracks: tuple[tuple[str, int | None], ...]


_SCRIPTS = st.builds(Script, _NAME, _NAME.map(lambda n: f"/usr/local/bin/{n}.sh"),
                     st.integers(1, 60), st.integers(-253, 253), st.integers(1, 10))
_INSTANCES = st.builds(
    Instance, _NAME, st.sampled_from(["MASTER", "BACKUP"]), _NAME, st.integers(1, 255),
    st.integers(1, 255), st.sampled_from([0.5, 1.0, 2.0, 3.5]), st.booleans(),
    st.none() | _SECRET, st.lists(st.tuples(_IPV4, st.integers(8, 32)), max_size=3).map(tuple),
    st.lists(_IPV4, max_size=3).map(tuple),
    st.lists(st.tuples(_NAME, st.none() | st.integers(-100, 100)), max_size=3).map(tuple))


@st.composite
def _layout(draw: st.DrawFn) -> tuple[str, str, str]:
    """How blocks are written: brace on the same or next line, indentation, line comments."""
    opener = draw(st.sampled_from([" {", "\n{", " {  # opens", "\t{ ! opens"]))
    indent = draw(st.sampled_from(["  ", "\t", "", "    "]))
    comment = draw(st.sampled_from(["", "  # note", " !note", "\t#"]))
    return opener, indent, comment


def _block(head: str, lines: list[str], layout: tuple[str, str, str]) -> str:
    opener, indent, comment = layout
    body = "".join(f"{indent}{line}{comment}\n" for line in lines)
    return f"{head}{opener}\n{body}}}\n"


def _render(router_id: str, strict: bool, scripts: list[Script], instances: list[Instance],
            layout: tuple[str, str, str]) -> str:
    parts = [_block("global_defs", [f"router_id {router_id}", *(["vrrp_strict"] * strict)],
                    layout)]
    for s in scripts:
        parts.append(_block(f"vrrp_script {s.name}", [
            f'script "{s.path}"', f"interval {s.interval}", f"weight {s.weight}",
            f"fall {s.fall}"], layout))
    for i in instances:
        lines = [f"state {i.state}", f"interface {i.interface}", f"virtual_router_id {i.vrid}",
                 f"priority {i.priority}", f"advert_int {i.advert_int}"]
        if i.nopreempt:
            lines.append("nopreempt")
        if i.password is not None:
            lines.append(f"authentication {{\nauth_type PASS\nauth_pass {i.password}\n}}")
        lines.append("virtual_ipaddress {")
        lines.extend(f"  {address}/{prefix}" for address, prefix in i.vips)
        lines.append("}")
        if i.peers:
            lines.append("unicast_peer {\n" + "\n".join(i.peers) + "\n}")
        lines.append("track_script {")
        lines.extend(name + (f" weight {w}" if w is not None else "") for name, w in i.tracks)
        lines.append("}")
        parts.append(_block(f"vrrp_instance {i.name}", lines, layout))
    return "\n".join(parts)


@settings(max_examples=150)
@given(_NAME, st.booleans(), st.lists(_SCRIPTS, max_size=3, unique_by=lambda s: s.name),
       st.lists(_INSTANCES, max_size=3, unique_by=lambda i: i.name),
       _layout())
def test_generated_config_round_trips(router_id: str, strict: bool, scripts: list[Script],
                                      instances: list[Instance],
                                      layout: tuple[str, str, str]) -> None:
    text = _render(router_id, strict, scripts, instances, layout)
    config = parse_config(text)
    assert config.errors == ()
    assert config.warnings == ()
    assert (config.global_defs.router_id, config.global_defs.vrrp_strict) == (router_id, strict)
    assert [(s.name, s.script, s.interval, s.weight, s.fall) for s in config.scripts] == [
        (s.name, s.path, s.interval, s.weight, s.fall) for s in scripts]
    assert len(config.instances) == len(instances)
    for got, want in zip(config.instances, instances, strict=True):
        assert (got.name, got.state, got.interface, got.virtual_router_id, got.priority,
                got.advert_int, got.nopreempt) == (
            want.name, want.state, want.interface, want.vrid, want.priority, want.advert_int,
            want.nopreempt)
        if want.password is None:
            assert got.authentication is None
        else:
            assert got.authentication is not None
            assert got.authentication.auth_pass is not None
            assert got.authentication.auth_pass.reveal() == want.password
        assert [(v.address, v.prefix) for v in got.virtual_ipaddress] == list(want.vips)
        assert got.unicast_peer == want.peers
        assert [(t.name, t.weight) for t in got.track_script] == list(want.tracks)
