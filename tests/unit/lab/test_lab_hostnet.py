"""`lab up` refuses a subnet the host already uses: the decision, and the readers' parsing."""

from __future__ import annotations

from kaconsole.lab import hostnet
from kaconsole.lab.hostnet import HostFacts, Route, TcpConnection

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
    assert hostnet.conflicts(LAB, PLAIN) == []  # the lab's own bridge route is no conflict


def test_each_way_of_using_a_subnet_is_named() -> None:
    facts = HostFacts(
        routes=[Route("default", "eth0", "198.18.1.1"), Route("198.18.0.0/15", "tun0"),
                Route("10.0.0.0/8", "eth1", "198.18.2.254")],
        resolvers=["198.18.2.53"],
        hosts=["198.18.2.7"],
        tcp=[TcpConnection("192.0.2.2", "198.18.2.80"),
             TcpConnection("::ffff:192.0.2.2", "::ffff:198.18.1.9")],
    )
    assert hostnet.conflicts(LAB, facts) == [
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
    assert hostnet.conflicts(LAB, facts) == []


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
