"""The configuration as keepalived reads it (`keep_source`): includes in place with a marker per
file, each line's file and number, secrets masked however they are written."""

from __future__ import annotations

import glob as globbing
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from kaconsole.core.conf.model import KeepalivedConfig, SourceLine, Where
from kaconsole.core.conf.parse import parse_config

INCLUDE = Path(__file__).parents[3] / "data" / "conf" / "include"
SECRET = "hunter2pw"


def _read(path: str) -> str:
    return Path(path).read_text()


def _shown(config: KeepalivedConfig) -> str:
    return "\n".join(line.text for line in config.source)


def test_includes_are_read_in_place_with_a_marker_for_each_file() -> None:
    main = str(INCLUDE / "keepalived.conf")
    config = parse_config(_read(main), path=main, read=_read, glob=globbing.glob,
                          keep_source=True)
    markers = [s.where.file for s in config.source if s.where.line == 0]
    assert markers == list(config.files)  # every file read, in reading order
    assert [Path(m).name for m in markers] == [
        "keepalived.conf", "check.inc", "notify.inc", "10-web.conf", "web-vips.inc",
        "20-db.conf"]
    where = [s.where for s in config.source]
    include = where.index(Where(main, 8))  # include scripts/{check,notify}.inc
    assert config.source[include].text == "include scripts/{check,notify}.inc"
    assert where[include + 1] == Where(str(INCLUDE / "scripts" / "check.inc"), 0)
    assert config.source[include + 2] == SourceLine(
        Where(str(INCLUDE / "scripts" / "check.inc"), 1), "vrrp_script chk_nginx {")
    # the nested include sits inside virtual_ipaddress, after its own include line
    vips = next(i for i, s in enumerate(config.source) if s.where.file.endswith("vips.inc"))
    assert "include ../common/web-vips.inc" in config.source[vips - 1].text
    assert config.source[vips + 1].text == "10.0.0.100/24 dev eth1 label eth1:web"
    # the main file's lines come back after the includes, numbered as written
    assert where[-1] == Where(main, 10)


def test_without_keep_source_nothing_is_kept_and_the_json_model_is_unchanged() -> None:
    text = "global_defs {\n  router_id A\n}\n"
    plain, kept = parse_config(text), parse_config(text, keep_source=True)
    assert plain.source == ()
    assert len(kept.source) == 4  # the file's marker and its three lines
    assert kept.to_json() == plain.to_json()


def test_secrets_are_masked_however_they_are_written() -> None:
    text = "\n".join([
        f"$PW={SECRET}",
        "$IF=eth0",
        "$LONG=x \\",
        f"    {SECRET}2",
        "vrrp_instance V {",
        "  interface $IF",
        f"  authentication {{ auth_type PASS auth_pass {SECRET}3 }}",
        "  authentication {",
        "    auth_pass $PW",
        "    auth_pass ${LONG}",
        "  }",
        "  # an old one: auth_pass " + SECRET + "4",
        "  auth_pass",
        f"      {SECRET}5",
        "}",
        "",
    ])
    config = parse_config(text, keep_source=True)
    shown = _shown(config)
    assert SECRET not in shown
    assert "$PW=***" in shown
    assert "$IF=eth0" in shown  # a definition that feeds no secret stays readable
    assert [s.where.line for s in config.source] == list(range(16))  # marker, 15 lines


@given(st.lists(st.sampled_from([
    "auth_pass {s}", "  auth_pass \"{s}\"", "$P={s}", "$Q=$P", "auth_pass $P", "auth_pass",
    "auth_pass\n   {s}", "vrrp_instance V {{", "}}", "authentication {{ auth_pass {s} }}",
    "key 1 {s}", "password {s}", "@main auth_pass {s}", "# auth_pass {s}", "$R={s} \\",
    "$R=x \\\n  {s}", "auth_pass ${{Q}}", "auth_pass $R",
]), max_size=12))
def test_no_secret_survives_any_arrangement(lines: list[str]) -> None:
    """Wherever the secret is written, ahead of the uses that make each definition a secret."""
    text = "\n".join([*(line.format(s=SECRET) for line in lines), "",
                      "auth_pass $P", "auth_pass ${Q}", "auth_pass $R"])
    config = parse_config(text, keep_source=True, config_id="main")
    assert SECRET not in _shown(config)
