"""keepalived's lexical rules (lib/parser.c), includes through injected readers, and errors."""

from __future__ import annotations

import fnmatch

import pytest

from kaconsole.core.conf.model import KeepalivedConfig, Where
from kaconsole.core.conf.parse import parse_config
from kaconsole.core.conf.syntax import (
    decomment,
    expand_braces,
    include_target,
    split_braces,
    split_words,
)


def parse_files(files: dict[str, str], main: str = "/etc/keepalived/keepalived.conf",
                **kwargs: str) -> KeepalivedConfig:
    """Parse `files[main]`, following includes inside the dict (fnmatch as glob)."""

    def glob(pattern: str) -> list[str]:
        return [name for name in files if fnmatch.fnmatchcase(name, pattern)]

    return parse_config(files[main], path=main, read=files.__getitem__, glob=glob, **kwargs)


def messages(problems: object) -> list[str]:
    return [str(p) for p in problems]  # type: ignore[attr-defined]


# ------------------------------------------------------------------ lexical rules

@pytest.mark.parametrize(("line", "expected"), [
    ("  priority 100   ", "priority 100"),
    ("priority 100 # the master", "priority 100"),
    ("priority 100 ! the master", "priority 100"),
    ("# whole line", ""),
    ('script "/bin/x.sh #1 !2"  # comment', 'script "/bin/x.sh #1 !2"'),
    (r"notification_email_from a\#b\!c", "notification_email_from a#b!c"),
    ("$X= a  \\", "$X= a\\"),
    ("\tstate MASTER", "state MASTER"),
])
def test_decomment_strips_comments_outside_quotes(line: str, expected: str) -> None:
    assert decomment(line) == (expected, True)


def test_decomment_reports_an_open_quote() -> None:
    assert decomment('notify "/bin/x.sh') == ('notify "/bin/x.sh', False)


def test_words_and_quotes() -> None:
    assert split_words('script "/bin/check nginx" 5') == (["script", "/bin/check nginx", "5"],
                                                          True)
    assert split_words('a"b c"d') == (["a", "b c", "d"], True)
    assert split_words('x "open') == (["x"], False)
    assert split_words("  \t ") == ([], True)


def test_braces_become_lines_of_their_own() -> None:
    assert split_braces("vrrp_instance VI_1 { state MASTER }") == [
        "vrrp_instance VI_1", "{", "state MASTER", "}"]
    assert split_braces('notify "a { b }" }') == ['notify "a { b }"', "}"]
    assert split_braces("}{") == ["}", "{"]


def test_include_keywords() -> None:
    assert include_target("include conf.d/*.conf") == ("include", "conf.d/*.conf")
    assert include_target("includea  /etc/x") == ("includea", "/etc/x")
    assert include_target("include_check readable") is None
    assert include_target("included x") is None


def test_brace_expansion_like_glob_brace() -> None:
    assert expand_braces("/a/{x,y}.conf", 64) == (["/a/x.conf", "/a/y.conf"], True)
    assert expand_braces("{a,b{1,2}}c", 64) == (["ac", "b1c", "b2c"], True)
    assert expand_braces("/plain{x}", 64) == (["/plain{x}"], True)
    assert expand_braces("{a,b}{c,d}", 3) == (["ac", "ad", "bc"], False)


# ------------------------------------------------------------------ structure

def test_blocks_on_one_line_and_braces_on_the_next_line() -> None:
    config = parse_config(
        "vrrp_instance VI_1\n{\n state BACKUP\n virtual_ipaddress { 10.0.0.1 10.0.0.2 }\n"
        " track_script\n {\n  chk\n }\n}\n")
    (instance,) = config.instances
    assert instance.state == "BACKUP"
    assert instance.vips == ("10.0.0.1",)  # one line, one address: as keepalived reads it
    assert instance.virtual_ipaddress[0].raw == "10.0.0.1 10.0.0.2"
    assert [t.name for t in instance.track_script] == ["chk"]
    assert config.errors == ()


def test_comment_mid_line_hides_a_closing_brace() -> None:
    config = parse_config("global_defs {\n router_id A # }\n}\n")
    assert config.global_defs.router_id == "A"
    assert config.errors == ()


def test_syntax_errors_carry_file_and_line() -> None:
    text = "global_defs {\n router_id A\n}\n}\nvrrp_instance X {\n notify \"/x\n"
    config = parse_config(text, path="/etc/k.conf")
    assert messages(config.errors) == [
        "/etc/k.conf:4: extra '}'",
        "/etc/k.conf:5: '{' of vrrp_instance is never closed",
        "/etc/k.conf:6: unterminated quote",
    ]
    assert config.instance("X") is not None


def test_a_stray_opening_brace_is_ignored_like_keepalived() -> None:
    config = parse_config("{\nglobal_defs {\n router_id A\n}\n")
    assert messages(config.errors) == ["keepalived.conf:1: unexpected '{' ignored"]
    assert config.global_defs.router_id == "A"


def test_a_block_keyword_without_braces_is_an_error() -> None:
    config = parse_config("vrrp_instance VI_1\nstate MASTER\n")
    assert "keepalived.conf:1: vrrp_instance: missing '{' block" in messages(config.errors)


def test_embedded_nul_line_is_skipped() -> None:
    config = parse_config("global_defs {\n router_id A\0B\n}\n")
    assert config.global_defs.router_id is None
    assert messages(config.errors) == ["keepalived.conf:2: embedded NUL character: line ignored"]


# ------------------------------------------------------------------ conditionals and definitions

CONDITIONAL = """global_defs {
    @main router_id main_router
    @backup router_id backup_router
}
vrrp_instance VI {
    unicast_peer {
        @^main 1.2.3.4
        @^backup 1.2.3.5
        @^backup2 1.2.3.6
    }
}
"""


@pytest.mark.parametrize(("config_id", "router_id", "peers"), [
    ("main", "main_router", ("1.2.3.5", "1.2.3.6")),
    ("backup", "backup_router", ("1.2.3.4", "1.2.3.6")),
    (None, None, ("1.2.3.4", "1.2.3.5", "1.2.3.6")),
])
def test_conditional_lines_follow_the_config_id(config_id: str | None, router_id: str | None,
                                                peers: tuple[str, ...]) -> None:
    config = parse_config(CONDITIONAL, config_id=config_id)
    assert config.global_defs.router_id == router_id
    (instance,) = config.instances
    assert instance.unicast_peer == peers


def test_definitions_substitute_recursively_at_use_time() -> None:
    text = ("$ADDRESS_BASE=10.2.${ADDRESS_BASE_SUB}\n$ADDRESS_BASE_SUB=0\n"
            "vrrp_instance A {\n virtual_ipaddress {\n  ${ADDRESS_BASE}.100/32\n"
            "  $ADDRESS_BASE_SUB=10\n  ${ADDRESS_BASE}.100/32\n }\n}\n")
    (instance,) = parse_config(text).instances
    assert instance.vips == ("10.2.0.100", "10.2.10.100")


def test_plain_dollar_reference_needs_a_word_end_and_undefined_stays() -> None:
    text = ("$P=150\nvrrp_instance A {\n priority $P\n notify \"/bin/x $PX ${UNDEF}\"\n}\n")
    (instance,) = parse_config(text).instances
    assert instance.priority == 150
    assert instance.notify["notify"] == "/bin/x $PX ${UNDEF}"


def test_conditional_definitions_and_standard_ones() -> None:
    text = ("$PRIORITY=100\n@main $PRIORITY=240\n$IF_MAIN=@main\n"
            "vrrp_instance A {\n priority $PRIORITY\n $IF_MAIN nopreempt\n"
            " notify \"/x${_HASH}${_BANG}\"\n}\n")
    main = parse_config(text, path="/etc/keepalived/k.conf", config_id="main").instances[0]
    other = parse_config(text, config_id="other").instances[0]
    assert (main.priority, main.nopreempt, other.priority, other.nopreempt) == (
        240, True, 100, False)
    assert main.notify["notify"] == "/x#!"


def test_multiline_definition_expands_to_blocks() -> None:
    text = """$INSTANCE= \\
vrrp_instance VI_${NUM} { \\
    interface eth0.${NUM} \\
    @high priority 130 \\
    @low priority 120 \\
    virtual_router_id 1${NUM} \\
}

$NUM=0
$INSTANCE
$NUM=1
$INSTANCE
"""
    config = parse_config(text, config_id="low")
    assert [(i.name, i.interface, i.priority, i.virtual_router_id) for i in config.instances] == [
        ("VI_0", "eth0.0", 120, 10), ("VI_1", "eth0.1", 120, 11)]
    assert config.instances[1].where == Where("keepalived.conf", 12)  # the use site
    assert config.errors == ()


def test_self_referencing_definition_does_not_hang() -> None:
    config = parse_config("$A=x${A}\nglobal_defs {\n router_id ${A}\n}\n")
    assert "keepalived.conf:3: parameter substitution does not terminate" in messages(
        config.errors)


def test_trailing_backslash_outside_a_definition_is_a_warning() -> None:
    config = parse_config("global_defs {\n router_id A \\\n}\n")
    assert config.global_defs.router_id == "A\\"  # keepalived keeps the backslash
    assert any("trailing" in str(w) for w in config.warnings)


# ------------------------------------------------------------------ includes

def test_includes_follow_globs_braces_and_relative_directories() -> None:
    files = {
        "/etc/keepalived/keepalived.conf":
            "include conf.d/*.conf\ninclude /etc/keepalived/{x,y}.inc\n",
        "/etc/keepalived/conf.d/20-b.conf": "vrrp_instance B {\n priority 20\n}\n",
        "/etc/keepalived/conf.d/10-a.conf":
            "vrrp_instance A {\n virtual_ipaddress {\n  include ../vips/a.list\n }\n}\n",
        "/etc/keepalived/vips/a.list": "10.0.0.1/24\n10.0.0.2/24\n",
        "/etc/keepalived/x.inc": "vrrp_script x {\n script /x\n}\n",
        "/etc/keepalived/y.inc": "vrrp_script y {\n script /y\n}\n",
    }
    config = parse_files(files)
    assert [i.name for i in config.instances] == ["A", "B"]
    assert config.instances[0].vips == ("10.0.0.1", "10.0.0.2")
    assert config.instances[0].virtual_ipaddress[1].where == Where(
        "/etc/keepalived/vips/a.list", 2)
    assert config.instances[1].locations["priority"] == Where(
        "/etc/keepalived/conf.d/20-b.conf", 2)
    assert [s.name for s in config.scripts] == ["x", "y"]
    assert config.files == ("/etc/keepalived/keepalived.conf", "/etc/keepalived/conf.d/10-a.conf",
                            "/etc/keepalived/vips/a.list", "/etc/keepalived/conf.d/20-b.conf",
                            "/etc/keepalived/x.inc", "/etc/keepalived/y.inc")
    assert config.errors == config.warnings == ()


def test_a_block_may_open_in_one_file_and_close_in_another() -> None:
    files = {"/k/main.conf": "vrrp_instance A {\ninclude body.inc\n",
             "/k/body.inc": " priority 42\n}\n"}
    config = parse_files(files, main="/k/main.conf")
    assert config.instances[0].priority == 42
    assert config.errors == ()


def test_include_cycles_and_depth_are_errors_not_hangs() -> None:
    files = {"/k/a.conf": "include b.conf\n", "/k/b.conf": "include a.conf\n"}
    config = parse_files(files, main="/k/a.conf")
    assert messages(config.errors) == ["/k/b.conf:1: include cycle: /k/a.conf -> /k/b.conf -> "
                                       "/k/a.conf"]
    deep = {f"/k/{n}.conf": f"include {n + 1}.conf\n" for n in range(100)}
    config = parse_files(deep, main="/k/0.conf")
    assert any("nested deeper" in m for m in messages(config.errors))


def test_missing_includes_warn_for_include_and_fail_for_strict_variants() -> None:
    files = {"/k/main.conf": "include none.conf\ninclude d/*.conf\nincluder gone.conf\n"}
    config = parse_files(files, main="/k/main.conf")
    assert messages(config.warnings) == [
        "/k/main.conf:1: include none.conf: no file matches /k/none.conf",
        "/k/main.conf:2: include d/*.conf: no file matches /k/d/*.conf"]
    assert messages(config.errors) == [
        "/k/main.conf:3: includer gone.conf: no file matches /k/gone.conf"]


def test_unreadable_include_and_no_reader() -> None:
    def read(path: str) -> str:
        raise PermissionError(13, "Permission denied", path)

    config = parse_config("include a.conf\n", path="/k/m.conf", read=read,
                          glob=lambda p: [p])
    assert messages(config.warnings) == [
        "/k/m.conf:1: include /k/a.conf: cannot read (Permission denied)"]
    config = parse_config("include a.conf\n", path="/k/m.conf")
    assert messages(config.warnings) == [
        "/k/m.conf:1: include /k/a.conf: not followed (no file reader)"]


def test_exponential_multiline_definitions_are_cut_off() -> None:
    text = "$A= \\\nx \\\n$A \\\n$A\n" + "$A\n" * 4
    config = parse_config(text)
    assert any("expand to more than" in m for m in messages(config.errors))
    assert len(config.other) <= 100_010
