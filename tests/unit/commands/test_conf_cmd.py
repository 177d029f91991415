"""`kaconsole conf parse`: JSON on stdout only, exit statuses, real includes, no secret."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from kaconsole.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(["conf", "parse", *argv])
    out, err = capsys.readouterr()
    return status, out, err


def test_json_of_the_reference_master(capsys: pytest.CaptureFixture[str],
                                      data_dir: Path) -> None:
    status, out, err = run(capsys, str(data_dir / "conf" / "master.conf"), "--json")
    assert (status, err) == (0, "")
    model = json.loads(out)
    assert set(model) >= {"global", "scripts", "instances", "sync_groups", "virtual_servers",
                          "errors", "warnings"}
    assert model["instances"][0]["authentication"] == {"auth_type": "PASS", "auth_pass": "***"}
    assert "cluster_pass" not in out


def test_includes_are_read_from_disk_relative_to_the_includer(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "conf.d").mkdir()
    (tmp_path / "keepalived.conf").write_text("include conf.d/*.conf\n")
    (tmp_path / "conf.d" / "a.conf").write_text(
        "vrrp_instance A {\n authentication {\n  auth_pass s3cr3t!x\n }\n}\n")
    script = tmp_path / "conf.d" / "run.conf"
    script.write_text("vrrp_instance EXEC {\n}\n")
    script.chmod(0o755)  # keepalived skips executable files matched by an include glob
    (tmp_path / "conf.d" / "sub.conf").mkdir()
    status, out, _ = run(capsys, str(tmp_path / "keepalived.conf"), "--json")
    model = json.loads(out)
    assert status == 0
    assert [i["name"] for i in model["instances"]] == ["A"]
    assert model["files"] == [str(tmp_path / "keepalived.conf"), str(tmp_path / "conf.d/a.conf")]
    assert "s3cr3t" not in out


def test_parse_errors_exit_1_and_still_print_the_model(capsys: pytest.CaptureFixture[str],
                                                       data_dir: Path) -> None:
    path = data_dir / "conf" / "broken.conf"
    status, out, err = run(capsys, str(path), "--json")
    assert (status, err) == (1, "")
    model = json.loads(out)
    assert model["errors"][0] == {"file": str(path), "line": 4, "message": "extra '}'"}
    assert "topsecret99" not in out


def test_unreadable_file_exits_2_with_one_line(capsys: pytest.CaptureFixture[str],
                                               tmp_path: Path) -> None:
    status, out, err = run(capsys, str(tmp_path / "absent.conf"), "--json")
    assert (status, out) == (2, "")
    assert err.count("\n") == 1
    assert "absent.conf" in err
    assert "Traceback" not in err


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_unreadable_permissions_exit_2(capsys: pytest.CaptureFixture[str],
                                       tmp_path: Path) -> None:
    path = tmp_path / "k.conf"
    path.write_text("")
    path.chmod(0)
    assert run(capsys, str(path))[0] == 2


def test_directory_and_binary_input(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert run(capsys, str(tmp_path), "--json")[0] == 2
    binary = tmp_path / "bin.conf"
    binary.write_bytes(b"\xff\xfe\x00{{\x80 auth_pass \xc3(\n}")
    status, out, _ = run(capsys, str(binary), "--json")
    assert status == 1
    json.loads(out)


def test_readable_summary(capsys: pytest.CaptureFixture[str], data_dir: Path) -> None:
    status, out, _ = run(capsys, str(data_dir / "conf" / "unicast.conf"))
    assert status == 0
    assert "vrrp_instance VI_UNI: BACKUP on ens192, vrid 77, priority 110" in out
    assert "auth AH ***" in out
    assert "long secret" not in out
    status, out, _ = run(capsys, str(data_dir / "conf" / "lvs.conf"))
    assert "real_server 198.51.100.11:80 weight 3 (HTTP_GET)" in out


def test_config_id_option(capsys: pytest.CaptureFixture[str], data_dir: Path) -> None:
    path = str(data_dir / "conf" / "definitions.conf")
    _, out, _ = run(capsys, path, "--json", "--config-id", "main")
    assert json.loads(out)["global"]["router_id"] == "main_router"


def test_keepalived_s_own_complaints_exit_1_with_a_suggestion(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    conf = tmp_path / "k.conf"
    conf.write_text("vrrp_instance A {\n state MASTR\n priorty 100\n priority 300\n"
                    " virtual_router_id 0\n advert_int 0\n authentication {\n"
                    "  auth_type SIMPLE\n }\n}\nvirtual_server 10.0.0.1 80 {\n lb_kind DSR\n}\n")
    status, out, _ = run(capsys, str(conf), "--json")
    assert status == 1
    warnings = {(w["line"], w["code"]): w["message"] for w in json.loads(out)["warnings"]}
    assert "did you mean 'priority'?" in warnings[(3, "unknown_keyword")]
    assert set(warnings) == {(2, "invalid_value"), (3, "unknown_keyword"), (4, "invalid_value"),
                             (5, "invalid_value"), (6, "invalid_value"), (8, "invalid_value"),
                             (12, "invalid_value")}


def test_text_output_has_no_terminal_controls(capsys: pytest.CaptureFixture[str],
                                              tmp_path: Path) -> None:
    conf = tmp_path / "k.conf"
    conf.write_text("global_defs {\n router_id \x1b]0;owned\x07R\x1b[2J\n}\n")
    status, out, _ = run(capsys, str(conf))
    assert status == 0
    assert "\x1b" not in out
    assert "\x07" not in out
    assert "router_id ]0;ownedR[2J" in out


def test_an_included_secret_file_is_not_echoed(capsys: pytest.CaptureFixture[str],
                                               tmp_path: Path) -> None:
    (tmp_path / "shadow").write_text("root:$6$salt$hashhash:19000:0:99999:7:::\n")
    conf = tmp_path / "k.conf"
    conf.write_text(f"include {tmp_path / 'shadow'}\n")
    for argv in ((str(conf),), (str(conf), "--json")):
        status, out, err = run(capsys, *argv)
        assert status == 1
        assert "hashhash" not in out + err
        assert "19000" not in out + err
