"""Each lab owns its own host names: the default lab's are unchanged, a named lab's never
collide with it or with another named lab, and every interface name fits Linux's 15."""

from __future__ import annotations

import pytest

from kaconsole.lab import configs
from kaconsole.lab.configs import LabSpec
from kaconsole.lab.names import LabNames, any_lab, name_problem


def _all_names(spec: LabSpec) -> list[str]:
    names = [spec.names.mgmt_bridge, spec.names.svc_bridge]
    for node in spec.node_specs():
        names += [node.netns, node.host_mgmt_veth, node.host_svc_veth]
    return names


def test_the_default_lab_keeps_its_names() -> None:
    assert _all_names(LabSpec()) == ["kclab-mgmt", "kclab-svc", "kclab-node1", "kclab1m",
                                     "kclab1s", "kclab-node2", "kclab2m", "kclab2s"]


def test_a_named_lab_has_its_own() -> None:
    assert _all_names(LabSpec(name="b")) == ["kcl-b-mgmt", "kcl-b-svc", "kcl-b-node1",
                                             "kcl-b-1m", "kcl-b-1s", "kcl-b-node2",
                                             "kcl-b-2m", "kcl-b-2s"]


@pytest.mark.parametrize("name", [None, "b", "abcdef", "lab"])
def test_every_interface_name_fits_ifnamsiz(name: str | None) -> None:
    spec = LabSpec(nodes=configs.MAX_NODES, name=name)
    names = _all_names(spec)
    links = [n for n in names if "-node" not in n]  # namespaces are file names, not links
    assert len(links) == 2 + 2 * configs.MAX_NODES
    assert max(len(n) for n in links) <= 15
    assert len(set(names)) == len(names)
    assert all(spec.names.owns(n) and any_lab(n) for n in names)


def test_no_lab_owns_another_labs_names() -> None:
    labs = [LabNames(), LabNames("b"), LabNames("b2"), LabNames("ab"), LabNames("lab")]
    for lab in labs:
        spec = LabSpec(nodes=configs.MAX_NODES, name=lab.name)
        for other in labs:
            if other != lab:
                assert not any(other.owns(n) for n in _all_names(spec)), (lab, other)
    assert not any_lab("kcs-node1")  # another tool's namespaces are never a lab's


@pytest.mark.parametrize("name", ["", "B", "1b", "abcdefg", "a-b", "a_b"])
def test_bad_names_are_refused(name: str) -> None:
    assert name_problem(name) is not None
    assert [p for p in LabSpec(name=name).validate() if p.startswith(f"--name {name}:")]


def test_messages_and_cluster_names() -> None:
    assert (LabNames().label, LabNames("b").label) == ("lab", "lab b")
    assert (LabNames().cluster_name, LabNames("b").cluster_name) == ("kaconsole-lab",
                                                                     "kaconsole-lab-b")
    assert LabNames().up_command == "kaconsole lab up"
    assert LabNames("b").up_command == "kaconsole lab up --name b"
