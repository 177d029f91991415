"""`lab up` refuses a subnet the host already uses: the decision, and the readers' parsing."""

from __future__ import annotations

from ipaddress import IPv4Network

from kaconsole.lab import configs, hostnet
from kaconsole.lab.hostnet import HostFacts, Route, TcpConnection
from kaconsole.lab.names import LabNames

DEFAULT, LAB_B = LabNames(), LabNames("b")

LAB = ["198.18.1.0/24", "198.18.2.0/24"]
#: This machine's shape: uplink 192.0.2.0/24, a resolver elsewhere, localhost in /etc/hosts.
PLAIN = HostFacts(
    routes=[Route("default", "eth0", "192.0.2.1"), Route("192.0.2.0/24", "eth0"),
            Route("127.0.0.0/8", "lo"), Route("198.18.1.0/24", "kclab-mgmt")],
    resolvers=["10.255.255.53", "2001:db8::53"],
    hosts=["127.0.0.1", "::1"],
    tcp=[TcpConnection("192.0.2.2", "203.0.113.80")],
)


def test_a_host_that_does_not_use_the_lab_subnets_is_free() -> None:
    # the lab's own bridge route is no conflict
    assert hostnet.conflicts(LAB, PLAIN, DEFAULT.owns) == []


def test_each_way_of_using_a_subnet_is_named() -> None:
    facts = HostFacts(
        routes=[Route("default", "eth0", "198.18.1.1"), Route("198.18.0.0/15", "tun0"),
                Route("10.0.0.0/8", "eth1", "198.18.2.254")],
        resolvers=["198.18.2.53"],
        hosts=["198.18.2.7"],
        tcp=[TcpConnection("192.0.2.2", "198.18.2.80"),
             TcpConnection("::ffff:192.0.2.2", "::ffff:198.18.1.9")],
    )
    assert hostnet.conflicts(LAB, facts, DEFAULT.owns) == [
        "198.18.1.0/24 holds the gateway 198.18.1.1 (default route)",
        "the host already routes 198.18.0.0/15 via tun0, inside 198.18.1.0/24",
        "198.18.1.0/24 holds ::ffff:198.18.1.9, the peer of an open TCP connection",
        "the host already routes 198.18.0.0/15 via tun0, inside 198.18.2.0/24",
        "198.18.2.0/24 holds the gateway 198.18.2.254 (10.0.0.0/8 route)",
        "198.18.2.0/24 holds the resolver 198.18.2.53 (/etc/resolv.conf)",
        "198.18.2.0/24 holds 198.18.2.7, named in /etc/hosts",
        "198.18.2.0/24 holds 198.18.2.80, the peer of an open TCP connection",
    ]


def test_a_connection_left_from_an_earlier_lab_is_not_a_conflict() -> None:
    """The host's side of a lab SSH session outlives `lab down` (TIME-WAIT): its local address
    is the lab bridge's, so it was lab traffic, not a real network."""
    facts = HostFacts(tcp=[TcpConnection("198.18.1.1", "198.18.1.11")])
    assert hostnet.conflicts(LAB, facts, DEFAULT.owns) == []


def test_readers_parse_ip_ss_resolv_conf_and_hosts() -> None:
    routes = hostnet.parse_routes(
        '[{"dst":"default","gateway":"192.0.2.1","dev":"eth0","flags":[]},'
        '{"type":"local","dst":"192.0.2.2","dev":"eth0","table":"local"}]'
    )
    assert routes == [Route("default", "eth0", "192.0.2.1"), Route("192.0.2.2", "eth0")]
    assert hostnet.parse_routes("") == []
    assert hostnet.parse_resolvers("# x\nnameserver 10.0.0.53\noptions ndots:1\n"
                                   "nameserver fe80::1%eth0\n") == ["10.0.0.53", "fe80::1%eth0"]
    assert hostnet.parse_hosts("127.0.0.1 localhost # me\n# 198.18.1.1 gone\n\n::1 ip6\n") == [
        "127.0.0.1", "::1"]
    ss = ("ESTAB 0 0 192.0.2.2:22 198.18.2.9:51000\n"
          "TIME-WAIT 0 0 [::ffff:192.0.2.2]:443 [::ffff:198.18.1.4]:40000\n"
          "ESTAB 0 0 [fe80::1%eth0]:22 [fe80::2]:1234\n")
    assert hostnet.parse_ss(ss) == [
        TcpConnection("192.0.2.2", "198.18.2.9"),
        TcpConnection("::ffff:192.0.2.2", "::ffff:198.18.1.4"),
        TcpConnection("fe80::1%eth0", "fe80::2"),
    ]


def test_another_labs_bridge_is_a_conflict_its_own_is_not() -> None:
    """Two labs never share a subnet: lab b may not take the default lab's (routed via
    kclab-mgmt), while its own leftover bridge route is no conflict for it."""
    assert hostnet.conflicts(LAB, PLAIN, LAB_B.owns) == [
        "the host already routes 198.18.1.0/24 via kclab-mgmt, inside 198.18.1.0/24"]
    own = HostFacts(routes=[Route("198.18.3.0/24", "kcl-b-mgmt")])
    assert hostnet.conflicts(["198.18.3.0/24"], own, LAB_B.owns) == []
    assert hostnet.conflicts(["198.18.3.0/24"], own, LabNames("b2").owns) != []


def test_a_named_lab_takes_the_first_free_slot() -> None:
    slots = [configs.slot_nets(k) for k in configs.NAMED_SLOTS]
    both = HostFacts(routes=[Route("198.18.1.0/24", "kclab-mgmt"),
                             Route("198.18.2.0/24", "kclab-svc"),
                             Route("198.18.3.0/24", "kcl-c-mgmt")])
    assert hostnet.first_free(slots, PLAIN, LAB_B.owns) == ("198.18.3.0/24", "198.18.4.0/24")
    assert hostnet.first_free(slots, both, LAB_B.owns) == ("198.18.5.0/24", "198.18.6.0/24")
    everything = HostFacts(routes=[Route("198.18.0.0/15", "tun0")])
    assert hostnet.first_free(slots, everything, LAB_B.owns) is None


def test_every_slot_lies_in_the_lab_range_apart_from_the_default_lab() -> None:
    seen = {configs.DEFAULT_MGMT_NET, configs.DEFAULT_SVC_NET}
    assert configs.slot_nets(0) == (configs.DEFAULT_MGMT_NET, configs.DEFAULT_SVC_NET)
    for k in configs.NAMED_SLOTS:
        for net in configs.slot_nets(k):
            assert IPv4Network(net).subnet_of(configs.LAB_RANGE)
            assert net not in seen
            seen.add(net)
    assert len(seen) == 2 * (len(configs.NAMED_SLOTS) + 1)
