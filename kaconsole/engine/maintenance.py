"""Maintenance mode as an action: the drain or undrain request for a node, from the live state.

The number to write comes from `core.insight.maintenance` (strictly below the best peer, so the
VIP moves with a normal election); a config without a usable track file is refused with the
exact lines to add, and the console never edits keepalived.conf itself.
"""

from __future__ import annotations

from kaconsole.core.insight.maintenance import Drain, plan_drain, track_file_of
from kaconsole.core.state.model import ClusterState
from kaconsole.engine.actions import ActionRequest
from kaconsole.errors import ActionRefused


def maintenance_request(
    state: ClusterState, node: str, instance: str, verb: str
) -> tuple[ActionRequest, tuple[str, ...]]:
    """The request and what it will do, in lines for the confirmation; ActionRefused (with
    the lines the config needs) when the node cannot be drained this way."""
    if verb == "undrain":
        found = track_file_of(state, node, instance)
        if found is None:
            raise ActionRefused(f"{node}: {instance} tracks no usable track_file")
        _, path, _ = found
        return ActionRequest(node, "maintenance", "undrain", path, 0), (
            f"write 0 to {path} on {node}: its priority comes back",
        )
    plan = plan_drain(state, node, instance)
    if not isinstance(plan, Drain):
        lines = "\n".join(plan.config_lines)
        raise ActionRefused(
            f"{node} cannot be drained ({plan.why}); add to its keepalived.conf and reload:\n"
            f"{lines}"
        )
    return ActionRequest(node, "maintenance", "drain", plan.file, plan.value), plan.lines
