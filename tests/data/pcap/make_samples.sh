#!/bin/bash
# Regenerates the real keepalived 2.2.7 captures in this directory (Linux, root, keepalived,
# tcpdump, nft, python3). Two namespaces kcs-pcap-a / kcs-pcap-b joined by a veth pair
# (eth0 on both sides), addresses in 192.0.2.0/24 and 2001:db8::/32 only. tcpdump runs in
# kcs-pcap-a. Everything created is torn down on exit. See README.md for what each file shows.
set -euo pipefail
# Usage: make_samples.sh [SCENARIO...]  (default: all; the s_* functions below)
OUT=$(cd "$(dirname "$0")" && pwd)
TMP=$(mktemp -d /tmp/kcs-pcap.XXXXXX)
A=kcs-pcap-a
B=kcs-pcap-b
FILTER='ip proto 112 or ip6 proto 112 or ip proto 51'
PIDS=()

cleanup() {
    local p
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    sleep 0.5
    ip netns del $A 2>/dev/null || true
    ip netns del $B 2>/dev/null || true
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

in_a() { ip netns exec $A "$@"; }
in_b() { ip netns exec $B "$@"; }

setup_net() {
    ip netns add $A
    ip netns add $B
    ip link add kcspa netns $A type veth peer name kcspb netns $B
    in_a ip link set kcspa name eth0
    in_b ip link set kcspb name eth0
    local ns n=11
    for ns in $A $B; do
        ip netns exec $ns sysctl -qw net.ipv6.conf.all.accept_dad=0 \
            net.ipv6.conf.default.accept_dad=0 net.ipv6.conf.eth0.accept_dad=0
        ip netns exec $ns ip link set lo up
        ip netns exec $ns ip addr add 192.0.2.$n/24 dev eth0
        ip netns exec $ns ip addr add 2001:db8::$n/64 dev eth0 nodad
        ip netns exec $ns ip link set eth0 up
        n=$((n + 1))
    done
    sleep 1
}

# conf NAME PRIORITY INSTANCE-LINES [GLOBAL-LINES]: node a starts as MASTER, b as BACKUP
conf() {
    local state=BACKUP
    [ "$1" = a ] && state=MASTER
    cat >"$TMP/$1.conf" <<EOF
global_defs {
    router_id $1
${4:-}
}
vrrp_instance VI_1 {
    state $state
    interface eth0
    virtual_router_id 51
    priority $2
$3
}
EOF
}

start_ka() { # NS NAME
    ip netns exec "$1" keepalived -n -l -D -f "$TMP/$2.conf" -p "$TMP/$2.pid" \
        -r "$TMP/$2.vrrp.pid" -c "$TMP/$2.chk.pid" >>"$TMP/$2.log" 2>&1 &
    PIDS+=($!)
    eval "KA_$2=$!"
}

stop_ka() { # NAME
    local v="KA_$1"
    kill -TERM "${!v}" 2>/dev/null || true
    wait "${!v}" 2>/dev/null || true
}

start_cap() { # FILE IFACE [tcpdump options...]
    local file=$1 iface=$2
    shift 2
    ip netns exec $A tcpdump -Z root -q -n -i "$iface" --immediate-mode -U -w "$TMP/$file" "$@" "$FILTER" \
        2>>"$TMP/tcpdump.log" &
    CAP=$!
    PIDS+=($CAP)
    sleep 1
}

stop_cap() { # FILE
    sleep 0.3
    kill -TERM "$CAP" 2>/dev/null || true
    wait "$CAP" 2>/dev/null || true
    cp "$TMP/$1" "$OUT/$1"
}

# both FILE IFACE SECONDS [tcpdump options...]: both nodes run SECONDS, backup stops first
both() {
    local file=$1 iface=$2 secs=$3
    shift 3
    start_cap "$file" "$iface" "$@"
    start_ka $A a
    start_ka $B b
    sleep "$secs"
    stop_ka b
    stop_ka a
    stop_cap "$file"
}

V4='    advert_int 1
    virtual_ipaddress {
        192.0.2.100/24
        192.0.2.101/24
    }'
V4HALF='    advert_int 0.5
    virtual_ipaddress {
        192.0.2.100/24
    }'
V6='    advert_int 1
    virtual_ipaddress {
        2001:db8::100/64
    }'
auth() { # TYPE PASSWORD
    printf '    authentication {\n        auth_type %s\n        auth_pass %s\n    }' "$1" "$2"
}

# v2 PASS (auth_pass longer than 8 characters: keepalived sends the first 8), classic pcap, µs.
s_v2_pass() {
    conf a 120 "$(auth PASS s3cretPW99)
$V4"
    conf b 100 "$(auth PASS s3cretPW99)
$V4"
    both v2_pass.pcap eth0 6
}

# v2 PASS with a different password on each node: each drops the other's adverts, both MASTER.
s_v2_pass_mismatch() {
    conf a 120 "$(auth PASS s3cretPW)
$V4"
    conf b 100 "$(auth PASS otherPW1)
$V4"
    both v2_pass_mismatch.pcap eth0 6
}

# v2 AH, nanosecond classic pcap.
s_v2_ah_ns() {
    conf a 120 "$(auth AH ahsecret)
$V4"
    conf b 100 "$(auth AH ahsecret)
$V4"
    both v2_ah_ns.pcap eth0 6 --time-stamp-precision=nano
}

# v3 over IPv4, advert_int 0.5 s = 50 centiseconds; `-i any` as LINUX_SLL2 (tcpdump 4.99).
s_v3_ipv4_sll2() {
    conf a 120 "$V4HALF" "    vrrp_version 3"
    conf b 100 "$V4HALF" "    vrrp_version 3"
    both v3_ipv4_sll2.pcap any 4
}

# v3 over IPv6 (link-local source, ff02::12), `-i any -y LINUX_SLL` (cooked v1).
s_v3_ipv6_sll() {
    conf a 120 "$V6" "    vrrp_version 3"
    conf b 100 "$V6" "    vrrp_version 3"
    both v3_ipv6_sll.pcap any 6 -y LINUX_SLL
}

# v2 unicast to the peer's address.
s_v2_unicast() {
    conf a 120 "$V4
    unicast_src_ip 192.0.2.11
    unicast_peer {
        192.0.2.12
    }"
    conf b 100 "$V4
    unicast_src_ip 192.0.2.12
    unicast_peer {
        192.0.2.11
    }"
    both v2_unicast.pcap eth0 6
}

# The MASTER stops: it sends priority 0, the BACKUP takes over after the skew.
s_v2_prio0_stop() {
    conf a 120 "$V4"
    conf b 100 "$V4"
    start_cap v2_prio0_stop.pcap eth0
    start_ka $A a
    start_ka $B b
    sleep 4
    stop_ka a
    sleep 2.5
    stop_ka b
    stop_cap v2_prio0_stop.pcap
}

# Split brain: kcs-pcap-b drops incoming VRRP, so both become MASTER (captured on a's side).
s_v2_split_brain() {
    conf a 120 "$V4"
    conf b 100 "$V4"
    in_b nft -f - <<'NFT'
table inet kcs_pcap {
    chain input {
        type filter hook input priority 0; policy accept;
        ip protocol 112 drop
    }
}
NFT
    both v2_split_brain.pcap eth0 5
    in_b nft delete table inet kcs_pcap
}

# pcapng copies of two real captures (tcpdump writes classic pcap only): SHB, one IDB with the
# capture's link type and if_tsresol (6 or 9), one EPB per record with the same bytes.
s_pcapng() {
python3 - "$OUT" <<'EOF'
import struct, sys
out = sys.argv[1]
def block(btype, body):
    body += b"\0" * (-len(body) % 4)
    n = len(body) + 12
    return struct.pack("<II", btype, n) + body + struct.pack("<I", n)
for name in ("v2_ah_ns", "v3_ipv4_sll2"):
    raw = open(f"{out}/{name}.pcap", "rb").read()
    magic, linktype = struct.unpack_from("<I", raw)[0], struct.unpack_from("<I", raw, 20)[0]
    resol = 9 if magic == 0xA1B23C4D else 6
    parts = [block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1)),
             block(1, struct.pack("<HHI", linktype, 0, 262144)
                   + struct.pack("<HHB3x", 9, 1, resol) + struct.pack("<HH", 0, 0))]
    pos = 24
    while pos + 16 <= len(raw):
        sec, frac, incl, orig = struct.unpack_from("<IIII", raw, pos)
        ticks = sec * 10**resol + frac
        parts.append(block(6, struct.pack("<IIIII", 0, ticks >> 32, ticks & 0xFFFFFFFF, incl, orig)
                           + raw[pos + 16 : pos + 16 + incl]))
        pos += 16 + incl
    open(f"{out}/{name}.pcapng", "wb").write(b"".join(parts))
EOF
}

setup_net
ALL="v2_pass v2_pass_mismatch v2_ah_ns v3_ipv4_sll2 v3_ipv6_sll v2_unicast v2_prio0_stop"
ALL="$ALL v2_split_brain pcapng"
for scenario in ${@:-$ALL}; do
    "s_$scenario"
done
ls -l "$OUT"
