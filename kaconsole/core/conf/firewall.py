"""What keepalived's own firewall rules do to traffic, read from the configuration.

With `vrrp_strict` (or `strict_mode`), or `no_accept`, keepalived installs an nftables/iptables
table that drops every packet addressed to the VIP on a node that is not the address owner
(priority 255): a service behind the VIP is then unreachable. `accept` undoes it.
Verified on keepalived 2.2.7 (REFERENCE.md; keepalived.conf(5), `priority`).
"""

from __future__ import annotations

from kaconsole.core.conf.model import GlobalDefs, VrrpInstance

ADDRESS_OWNER = 255


def strict(global_defs: GlobalDefs, instance: VrrpInstance) -> bool:
    return global_defs.vrrp_strict or instance.strict_mode


def drops_vip_traffic(global_defs: GlobalDefs, instance: VrrpInstance) -> bool:
    """Whether keepalived drops packets addressed to this instance's VIPs while MASTER."""
    if instance.priority == ADDRESS_OWNER or instance.accept is True:
        return False
    return instance.accept is False or strict(global_defs, instance)
