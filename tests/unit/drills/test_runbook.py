"""Runbooks: the built-in drills load; a bad runbook is refused with file, line and key."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kaconsole.core.inventory.load import load_cluster
from kaconsole.drills.model import default_title, resolve, titled
from kaconsole.drills.runbook import (
    RunbookError,
    builtin_names,
    check_instances,
    check_inventory,
    load_drill,
    parse_runbook,
)
from kaconsole.errors import InputError

GOOD = """\
name: mine
steps:
  - say: hello $master
  - action: {node: $master, service: nginx, verb: stop, trigger: true}
  - wait: {master: $backup, vip_on: $backup, timeout: 10, hold: master_down}
  - wait: {service: {node: node1, name: nginx, state: stopped}, no_anomaly: true,
           ignore: [service_down], timeout: 2.5}
  - probe: {body_contains: $backup}
rollback:
  - action: {node: $master, service: nginx, verb: start}
"""


def test_the_builtin_drills_of_the_contract_load() -> None:
    assert builtin_names() == ["keepalived-stop", "maintenance", "nginx-failover", "recovery",
                               "split-brain-check"]
    for name in builtin_names():
        book = load_drill(name)
        assert book.name == name
        assert book.steps
        assert book.roles() <= {"master", "backup", "failed", "preferred", "home"}


def test_recovery_starts_keepalived_too_and_says_why() -> None:
    book = load_drill("recovery")
    acts = [(s.service, s.verb) for s in book.steps if s.kind == "action"]
    assert acts == [("nginx", "start"), ("keepalived", "start")]
    assert "stopped keepalived" in book.steps[0].text
    assert book.preflight == "none"


def test_a_good_runbook_and_its_resolution() -> None:
    book = parse_runbook(GOOD, "mine.yaml")
    assert book.roles() == {"master", "backup"}
    steps = titled((resolve(s, {"master": "n1", "backup": "n2"}) for s in book.steps), "VI_1")
    assert steps[0].text == "hello n1"
    assert steps[1].title == "Stop nginx on n1"
    assert steps[1].trigger
    assert steps[2].title == ("Wait until n2 is MASTER of VI_1 and the VIP of VI_1 is on n2 only")
    assert steps[2].hold == "master_down"
    assert steps[3].conditions[1].ignore == ("service_down",)
    assert steps[4].body_contains == "n2"
    assert (steps[4].status, steps[4].timeout) == (200, 5.0)
    assert default_title(steps[4]) == "HTTP 200 through the VIP answering 'n2'"


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("name: x\n", "<t>:1: steps: required"),
        ("name: x\nsteps: []\n", "<t>:2: steps: at least one step"),
        ("name: x\nstep: []\n", "<t>:2: step: unknown key; did you mean 'steps'?"),
        ("name: x\nsteps:\n  - wait: {master: $master}\n",
         "<t>:3: steps[0].wait.timeout: required"),
        ("name: x\nsteps:\n  - say: a\n    confirm: b\n",
         "<t>:3: steps[0]: a step has exactly one"),
        ("name: x\nsteps:\n  - say: hi\n  - wait: {master: n, timeout: soon}\n",
         "<t>:4: steps[1].wait.timeout: expected a number, got a string"),
        ("name: x\nsteps:\n  - action: {node: $boss, service: nginx, verb: stop}\n",
         "<t>:3: steps[0].action.node: unknown role $boss"),
        ("name: x\nsteps:\n  - action: {node: a, service: nginx, verb: kill}\n",
         "<t>:3: steps[0].action.verb: 'kill' is not one of start, stop, restart"),
        ("name: x\nsteps:\n  - wait: {timeout: 3}\n", "<t>:3: steps[0].wait: a wait needs"),
        ("name: x\nsteps:\n  - wait: {no_anomaly: false, timeout: 3}\n",
         "<t>:3: steps[0].wait.no_anomaly: only `true`"),
        ("name: x\nsteps:\n  - wait: {service: {node: a, name: b, state: up}, timeout: 3}\n",
         "<t>:3: steps[0].wait.service.state: 'up' is not one of running, stopped"),
        ("name: x\nsteps: [say: a]\npreflight: maybe\n",
         "<t>:3: preflight: 'maybe' is not one of failover, none"),
        ("name: [x\n", "<t>:2: YAML syntax"),
        ("name: x\nsteps:\n  - wait: {master: a, timeout: !!timestamp soon}\n",
         "<t>:3: steps[0].wait.timeout: invalid value: not a valid !!timestamp"),
        ("name: x\nsteps:\n  - action: {node: a, service: nginx, verb: stop, trigger: !!bool y}\n",
         "<t>:3: steps[0].action.trigger: invalid value: not a valid !!bool"),
        ("", "<t>: empty file"),
    ],
)
def test_bad_runbooks_name_file_line_and_key(text: str, where: str) -> None:
    with pytest.raises(RunbookError) as caught:
        parse_runbook(text, "<t>")
    assert str(caught.value).startswith(where), str(caught.value)


def test_an_unknown_drill_name_lists_the_builtins() -> None:
    with pytest.raises(InputError, match="built-in drills: keepalived-stop, maintenance, nginx"):
        load_drill("nginx-failovr")


def test_an_unreadable_runbook_file(tmp_path: pytest.TempPathFactory) -> None:
    with pytest.raises(RunbookError, match="cannot read"):
        load_drill("/nonexistent/drill.yaml")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_text_is_a_runbook_or_a_runbook_error(text: str) -> None:
    with contextlib.suppress(RunbookError):
        parse_runbook(text, "<fuzz>")


@settings(max_examples=200, deadline=None)
@given(st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8)
    | st.sampled_from(["$master", "say", "wait", "action", "probe", "timeout", "master"]),
    lambda kids: st.lists(kids, max_size=4)
    | st.dictionaries(st.sampled_from(["name", "steps", "rollback", "say", "wait", "action",
                                       "probe", "confirm", "timeout", "master", "node", "verb",
                                       "service", "hold", "title"]), kids, max_size=4),
    max_leaves=20,
))
def test_arbitrary_yaml_structures_never_raise_anything_else(doc: object) -> None:
    import yaml

    with contextlib.suppress(RunbookError):
        parse_runbook(yaml.safe_dump(doc), "<fuzz>")


def test_the_documented_example_runbook_is_valid() -> None:
    from pathlib import Path

    text = (Path(__file__).resolve().parents[3] / "kaconsole/drills/README.md").read_text()
    example = text.split("```yaml\n", 1)[1].split("```", 1)[0]
    book = parse_runbook(example, "README")
    assert [s.kind for s in book.steps] == ["say", "confirm", "action", "wait", "wait", "wait",
                                            "probe"]
    assert book.steps[3].hold == 3.0


DEMO = Path(__file__).resolve().parents[3] / "clusters" / "demo.yaml"


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("name: x\nsteps:\n  - say: hi\n  - action: {node: node9, service: nginx, verb: stop}\n",
         "<t>:4: steps[1]: no node 'node9' in cluster"),
        ("name: x\nsteps: [say: a]\nrollback:\n  - wait: {master: nod1, timeout: 3}\n",
         "<t>:4: rollback[0]: no node 'nod1' in cluster"),
        ("name: x\nsteps:\n  - wait: {service: {node: node1, name: php, state: running},"
         " timeout: 3}\n", "<t>:3: steps[0]: no service 'php' on node1"),
        ("name: x\nsteps:\n  - action: {node: $master, service: php, verb: stop}\n",
         "<t>:3: steps[0]: no service 'php' on node1, node2"),
    ],
)
def test_names_the_cluster_lacks_are_refused_before_the_drill(text: str, where: str) -> None:
    with pytest.raises(RunbookError) as caught:
        check_inventory(parse_runbook(text, "<t>"), load_cluster(DEMO))
    assert str(caught.value).startswith(where), str(caught.value)


def test_the_builtin_drills_fit_the_demo_cluster() -> None:
    for name in builtin_names():
        check_inventory(load_drill(name), load_cluster(DEMO))
        check_instances(load_drill(name), ["VI_CLUSTER"])


def test_an_instance_no_node_runs_is_refused() -> None:
    book = parse_runbook("name: x\nsteps:\n  - say: a\n  - wait: {master: $master, "
                         "instance: VI_TYPO, timeout: 3}\n", "<t>")
    with pytest.raises(RunbookError, match=r"^<t>:4: steps\[1\]: no node runs the instance "
                       r"'VI_TYPO' \(instances: VI_CLUSTER\)"):
        check_instances(book, ["VI_CLUSTER"])
    top = parse_runbook("name: x\ninstance: VI_2\nsteps: [say: a]\n", "<t>")
    with pytest.raises(RunbookError, match=r"^<t>: instance: no node runs the instance 'VI_2'"):
        check_instances(top, ["VI_CLUSTER"])
