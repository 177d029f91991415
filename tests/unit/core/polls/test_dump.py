"""keepalived's JSON and data dumps, as captured from keepalived 2.2.7 and 2.3.3 (tests/data/dump),
and where a node's configuration puts them."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kaconsole.core.conf.parse import parse_config
from kaconsole.core.events import VrrpState
from kaconsole.core.facts import DumpInstance
from kaconsole.core.polls.dump import DumpError, dump_files, parse_data_dump, parse_json_dump

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


#: Captured on the lab's node2 running keepalived 2.3.3 (`lab up --keepalived node2=2.3.3`) as
#: BACKUP, with `json_version 2`; the PASS password replaced by *** before checking in.
BACKUP_233 = (DumpInstance("VI_CLUSTER", VrrpState.BACKUP, 51, 100, 100),)


def test_json_version_2_dump_of_keepalived_2_3_3(data_dir: Path) -> None:
    text = (data_dir / "dump" / "keepalived-2.3.3-v2.json").read_text()
    assert text.startswith('{"vrrp":[')
    assert parse_json_dump(text) == BACKUP_233


def test_data_dump_of_keepalived_2_3_3(data_dir: Path) -> None:
    text = (data_dir / "dump" / "keepalived-2.3.3.data").read_text()
    assert parse_data_dump(text) == BACKUP_233


def test_checked_in_samples_carry_no_lab_password(data_dir: Path) -> None:
    for name in ("keepalived-2.3.3-v2.json", "keepalived-2.3.3.data"):
        text = (data_dir / "dump" / name).read_text()
        assert '"auth_data":"***"' in text or "Password = ***" in text


@pytest.mark.parametrize("text", ['{"vrrp": {}}', '{"track_process": []}'])
def test_a_version_2_document_without_its_list_is_a_dump_error(text: str) -> None:
    with pytest.raises(DumpError, match="expected a list of instances"):
        parse_json_dump(text)


@pytest.mark.parametrize(
    ("conf", "json_files", "data_files"),
    [
        ("", ["/tmp/keepalived.json"], ["/tmp/keepalived.data"]),
        ("global_defs {\n json_version 2\n json_dump_file /run/keepalived.json\n}\n",
         ["/run/keepalived.json", "/tmp/keepalived.json"], ["/tmp/keepalived.data"]),
        ("global_defs {\n state_dump_file /var/lib/ka/\n data_use_instance\n}\n"
         "net_namespace blue\ninstance web\n",
         ["/tmp/keepalived.json"],
         ["/var/lib/ka/keepalived.blue_web.data", "/tmp/keepalived.data"]),
        ("global_defs {\n state_dump_file /var/lib/ka/state\n data_use_instance false\n}\n"
         "instance web\n",
         ["/tmp/keepalived.json"], ["/var/lib/ka/state", "/tmp/keepalived.data"]),
        ("global_defs {\n data_use_instance\n state_dump_file ka.txt\n}\ninstance web\n",
         ["/tmp/keepalived.json"], ["/tmp/ka.web.txt", "/tmp/keepalived.data"]),
        ("global_defs {\n data_use_instance\n}\n",
         ["/tmp/keepalived.json"], ["/tmp/keepalived.data"]),
    ],
)
def test_dump_files_follow_the_configuration(conf: str, json_files: list[str],
                                             data_files: list[str]) -> None:
    assert dump_files(parse_config(conf)) == (tuple(json_files), tuple(data_files))
