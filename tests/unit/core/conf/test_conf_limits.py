"""The parser is total: any text gives a model with problems, in bounded time and memory.

One regression test per defect found (inputs scaled down so the suite stays fast), then fuzzing
with those inputs as explicit examples.
"""

from __future__ import annotations

import json
import time

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kaconsole.core.conf import read, syntax, values
from kaconsole.core.conf.model import KeepalivedConfig
from kaconsole.core.conf.parse import parse_config

SHADOW = "root:$6$salt$hashhashhash:19000:0:99999:7:::\nbin:*:19000:0:99999:7:::\n"


def parse(text: str, files: dict[str, str] | None = None) -> KeepalivedConfig:
    """Parse with includes answered from `files` (every glob matches its own pattern)."""
    files = files or {}

    def get(path: str) -> str:
        return files.get(path, "")

    return parse_config(text, path="/k/keepalived.conf", read=get, glob=lambda p: [p])


def messages(config: KeepalivedConfig) -> str:
    return "\n".join(str(p) for p in (*config.errors, *config.warnings))


def budget(seconds: float) -> float:
    """Generous for a slow, loaded machine; the defects took tens of seconds."""
    return seconds * 5


@pytest.mark.parametrize("digit", ["²", "١", "𝟙", "1_0", "+-1"])
def test_numbers_are_ascii_digits_only(digit: str) -> None:
    config = parse(f"virtual_server 10.0.0.1 {digit}\n{{\n}}\nvrrp_instance A {{\n"
                   f" priority {digit}\n virtual_ipaddress {{\n  10.0.0.1/{digit}\n }}\n"
                   f" track_script {{\n  chk weight {digit}\n }}\n}}\n")
    assert config.virtual_servers[0].port is None
    assert config.instances[0].priority == 100  # the default: the value is refused
    assert all(vip.prefix is None for vip in config.instances[0].virtual_ipaddress)
    assert config.instances[0].track_script[0].weight is None


def test_digit_runs_are_bounded() -> None:
    config = parse("vrrp_instance A {\n priority " + "9" * 5000 + "\n advert_int "
                   + "1" * 5000 + "\n}\n")
    assert [w.code for w in config.warnings] == ["invalid_value", "invalid_value"]
    assert all(len(w.message) < 200 for w in config.warnings)
    assert values.whole("9" * values.MAX_DIGITS) is not None
    assert values.whole("9" * (values.MAX_DIGITS + 1)) is None


def test_deep_nesting_is_cut_and_the_model_serialises() -> None:
    depth = 600
    config = parse("a {\n" * depth + "}\n" * depth)
    json.dumps(config.to_json())
    repr(config)
    assert any(f"deeper than {syntax.MAX_NESTING}" in e.message for e in config.errors)


def test_brace_fan_out_is_bounded() -> None:
    asked: list[str] = []

    def glob(pattern: str) -> list[str]:
        asked.append(pattern)
        return []

    start = time.perf_counter()
    config = parse_config("include /x/" + "{a,b}" * 16 + "\n", path="/k/k.conf",
                          read=lambda p: "", glob=glob)
    assert time.perf_counter() - start < budget(0.5)
    assert len(asked) == read.MAX_ALTERNATIVES
    assert any(f"more than {read.MAX_ALTERNATIVES}" in e.message for e in config.errors)


def test_included_files_are_bounded() -> None:
    files = {f"/k/{n}.conf": f"include /k/{n + 1}.conf\n" for n in range(10)}
    star = "".join(f"include /k/s{n}.conf\n" for n in range(read.MAX_FILES + 10))
    config = parse(star, files)
    assert len(config.files) <= read.MAX_FILES
    assert any(f"more than {read.MAX_FILES}" in e.message for e in config.errors)
    assert parse("include /k/0.conf\n", files).errors == ()


def test_definition_bomb_is_bounded() -> None:
    # each definition doubles the one below it: 2**16 lines of 60 KB without a limit
    text = "".join(f"$D{i}=\\\n$D{i + 1}\n$D{i + 1}\n" for i in range(16))
    text += "$D16=" + "x" * 60_000 + "\n$D0\n"
    start = time.perf_counter()
    config = parse(text)
    assert time.perf_counter() - start < budget(2.0)
    assert config.errors


def test_repeated_errors_are_not_quadratic() -> None:
    text = '"unterminated\n' * 5000
    start = time.perf_counter()
    config = parse(text)
    assert time.perf_counter() - start < budget(0.5)
    assert len(config.errors) == syntax.MAX_PROBLEMS + 1
    assert "not listed" in config.errors[-1].message


def test_a_long_line_is_refused_quickly() -> None:
    start = time.perf_counter()
    config = parse("x" * (4 * read.MAX_LINE) + "\nglobal_defs {\n router_id R\n}\n")
    assert time.perf_counter() - start < budget(0.2)
    assert config.global_defs.router_id == "R"
    assert any(f"longer than {read.MAX_LINE}" in e.message for e in config.errors)


def test_text_size_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(read, "MAX_TEXT", 1000)
    config = parse("global_defs {\n}\n" + "# filler\n" * 200 + "include /k/more.conf\n",
                   {"/k/more.conf": "x\n" * 2000})
    assert any("larger than 1000" in e.message for e in config.errors)
    config = parse("include /k/more.conf\n", {"/k/more.conf": "x\n" * 2000})
    assert any("more than 1000 characters in all" in e.message for e in config.errors)


def test_an_included_shadow_file_is_never_shown() -> None:
    config = parse("include /etc/shadow\n", {"/etc/shadow": SHADOW})
    shown = json.dumps(config.to_json()) + messages(config) + repr(config)
    assert "hash" not in shown
    assert "19000" not in shown
    assert [e.message for e in config.errors] == [
        "not keepalived syntax (the line is not shown)"] * 2


def test_a_password_on_the_line_after_auth_pass_is_never_shown() -> None:
    config = parse("vrrp_instance A {\n authentication {\n  auth_type PASS\n  auth_pass\n"
                   "  s3cr3t\n }\n}\n")
    shown = json.dumps(config.to_json()) + messages(config) + repr(config)
    assert "s3cr3t" not in shown


# ------------------------------------------------------------------ fuzzing

_EXAMPLES = [
    "virtual_server 10.0.0.1 ²\n{\n}\n",
    "a {\n" * 200 + "}\n" * 200,
    "include /x/" + "{a,b}" * 12 + "\n",
    '"unterminated\n' * 300,
    "vrrp_instance A {\n priority " + "9" * 5000 + "\n}\n",
    "$A=$A$A\n$A\n",
    SHADOW,
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
@example("".join(_EXAMPLES))
def test_fuzz_any_text_parses_within_bounds(text: str) -> None:
    for case in (text, *(_EXAMPLES if text == "" else ())):
        config = parse(case, {"/x/a": case})
        json.dumps(config.to_json())
        assert len(config.errors) <= syntax.MAX_PROBLEMS + 1
        assert len(config.warnings) <= syntax.MAX_PROBLEMS + 1


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
@example(SHADOW.encode())
@example(b"\xff\xfe{{{\x00}}}\x1b[31m")
def test_fuzz_any_bytes_decode_and_parse(data: bytes) -> None:
    config = parse(data.decode("utf-8", errors="replace"))
    json.dumps(config.to_json())
