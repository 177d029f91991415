"""Which host names (namespaces, bridges, veths) and which node inits belong to which lab.

The default lab owns every name starting with `kclab` (`kclab-node1`, `kclab-mgmt`, `kclab1m`),
as before there were named labs. A named lab NAME owns every name starting with `kcl-NAME-`
(`kcl-b-node1`, `kcl-b-mgmt`, `kcl-b-1m`): the dash after NAME keeps lab `b` from ever claiming
lab `b2`'s names, and neither family starts like the other, so taking one lab down (or cleaning
up after a crashed one) never touches another lab, nor any other tool's namespaces.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DEFAULT_PREFIX = "kclab"
NAMED_PREFIX = "kcl-"
#: Linux interface names hold at most 15 characters (IFNAMSIZ 16 with the NUL): the longest
#: name a lab makes is its `mgmt` bridge, `kcl-NAME-mgmt`, so NAME is at most 6 characters.
NAME = re.compile(r"[a-z][a-z0-9]{0,5}")


def name_problem(name: str) -> str | None:
    """Why `name` cannot name a lab, or None."""
    if not NAME.fullmatch(name):
        return "a lab name is 1-6 lowercase letters and digits, starting with a letter"
    return None


def any_lab(text: str) -> bool:
    """True for a name any lab (default or named) may have created."""
    return text.startswith((DEFAULT_PREFIX, NAMED_PREFIX))


@dataclass(frozen=True, slots=True)
class LabNames:
    """The names of one lab's objects on the host; `name` None is the default lab."""

    name: str | None = None

    @property
    def prefix(self) -> str:
        return DEFAULT_PREFIX if self.name is None else f"{NAMED_PREFIX}{self.name}-"

    def _join(self, suffix: str) -> str:
        """`kclab` + `-mgmt` for the default lab, `kcl-b-` + `mgmt` for lab b."""
        return self.prefix + (suffix if self.name is None else suffix.lstrip("-"))

    @property
    def mgmt_bridge(self) -> str:
        return self._join("-mgmt")

    @property
    def svc_bridge(self) -> str:
        return self._join("-svc")

    def netns(self, node: str) -> str:
        return self._join(f"-{node}")

    def veth(self, index: int, kind: str) -> str:
        """The host end of node `index`'s veth; `kind` is m (management) or s (service)."""
        return self._join(f"{index}{kind}")

    def owns(self, text: str) -> bool:
        """True for a namespace, link or node-init namespace argument of this lab."""
        return text.startswith(self.prefix)

    @property
    def label(self) -> str:
        """How messages name the lab: `lab` (the default lab), `lab b`."""
        return "lab" + ("" if self.name is None else f" {self.name}")

    @property
    def cluster_name(self) -> str:
        """The cluster file's `name`: distinct per lab, so one console can hold several."""
        return "kaconsole-lab" if self.name is None else f"kaconsole-lab-{self.name}"

    @property
    def up_command(self) -> str:
        return "kaconsole lab up" + ("" if self.name is None else f" --name {self.name}")
