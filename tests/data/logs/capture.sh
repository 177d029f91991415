#!/bin/bash
# Capture real keepalived 2.2.7 log lines in network namespaces kcs-log-* (192.0.2.0/24 only).
# Usage (root): capture.sh reference|weight|tie|splitbrain|auth|configtest
# Writes $W/out/*.log; the console-*.log samples here are copies (see README.md). Cleans up
# its namespaces, processes and veths on exit.
set -u
W=/tmp/kcs-log
OUT=$W/out
mkdir -p $OUT
NODES="a b c"
declare -A IP=([a]=192.0.2.11 [b]=192.0.2.12 [c]=192.0.2.13)

setup() {
  ip netns add kcs-log-sw
  ip -n kcs-log-sw link add br0 type bridge
  ip -n kcs-log-sw link set br0 up
  for n in $NODES; do
    ip netns add kcs-log-$n
    ip link add kcsl-$n type veth peer name veth0 netns kcs-log-$n
    ip link set kcsl-$n netns kcs-log-sw
    ip -n kcs-log-sw link set kcsl-$n master br0 up
    ip -n kcs-log-$n addr add ${IP[$n]}/24 dev veth0
    ip -n kcs-log-$n link set veth0 up
    ip -n kcs-log-$n link set lo up
    mkdir -p $W/$n
  done
}
cleanup() {
  for n in $NODES; do
    for f in $W/$n/keepalived.pid; do [ -s $f ] && kill $(cat $f) 2>/dev/null; done
  done
  sleep 1
  for n in $NODES; do ip netns del kcs-log-$n 2>/dev/null; done
  ip netns del kcs-log-sw 2>/dev/null
}
trap cleanup EXIT

# conf NODE STATE PRIO STRICT(0/1) AUTHPASS(empty=none) WEIGHT [EXTRA_GLOBAL]
conf() {
  local n=$1 st=$2 prio=$3 strict=$4 pass=$5 weight=$6 extra=${7:-}
  cat > $W/$n/check_nginx.sh <<S
#!/bin/bash
# the reference check: stop keepalived when nginx is gone (nginx simulated by a flag file)
[ -e $W/$n/nginx_up ] || kill \$(cat $W/$n/keepalived.pid)
S
  cat > $W/$n/check_fail.sh <<S
#!/bin/bash
[ -e $W/$n/healthy ]
S
  chmod +x $W/$n/*.sh
  {
  echo "global_defs {"
  echo "   router_id LVS_$n"
  echo "   vrrp_skip_check_adv_addr"
  [ $strict = 1 ] && echo "   vrrp_strict"
  echo "   vrrp_garp_interval 0"
  echo "   vrrp_gna_interval 0"
  [ -n "$extra" ] && echo "   $extra"
  echo "}"
  echo "vrrp_script monitor_nginx {"
  echo "   script \"$W/$n/check_nginx.sh\""
  echo "   interval 2"
  echo "   weight -20"
  echo "}"
  echo "vrrp_script chk_weight {"
  echo "   script \"$W/$n/check_fail.sh\""
  echo "   interval 1"
  echo "   weight $weight"
  echo "}"
  echo "vrrp_instance VI_CLUSTER {"
  echo "    state $st"
  echo "    interface veth0"
  echo "    virtual_router_id 51"
  echo "    priority $prio"
  echo "    advert_int 1"
  if [ -n "$pass" ]; then
  echo "    authentication {"
  echo "        auth_type PASS"
  echo "        auth_pass $pass"
  echo "    }"
  fi
  echo "    virtual_ipaddress {"
  echo "        192.0.2.100/24 dev veth0"
  echo "    }"
  echo "    track_script {"
  echo "        monitor_nginx"
  echo "        chk_weight"
  echo "    }"
  echo "}"
  } > $W/$n/keepalived.conf
}

start() { # NODE LOGFILE
  local n=$1 log=$2
  touch $W/$n/nginx_up $W/$n/healthy
  ip netns exec kcs-log-$n keepalived -n -l -D -G -f $W/$n/keepalived.conf \
     -p $W/$n/keepalived.pid -r $W/$n/vrrp.pid -c $W/$n/checkers.pid -b $W/$n/bfd.pid >>$log 2>&1 &
  sleep 0.3
}
stop() { local n=$1; [ -s $W/$n/keepalived.pid ] && kill $(cat $W/$n/keepalived.pid) 2>/dev/null; sleep 1.5; }
nftdrop() { ip netns exec kcs-log-$1 nft add table inet kcsdrop; ip netns exec kcs-log-$1 nft add chain inet kcsdrop in '{ type filter hook input priority -10; }'; ip netns exec kcs-log-$1 nft add rule inet kcsdrop in ip protocol 112 drop; }
nftundrop() { ip netns exec kcs-log-$1 nft delete table inet kcsdrop; }

setup
case "$1" in
reference)
  conf a MASTER 120 1 cluster_pass -20; conf b BACKUP 100 1 cluster_pass -20
  start b $OUT/ref-b.log; start a $OUT/ref-a.log; sleep 5
  echo "### stop nginx on a" >&2; rm $W/a/nginx_up; sleep 5
  echo "### recovery" >&2; start a $OUT/ref-a.log; sleep 6
  stop a; stop b ;;
weight)
  conf a MASTER 120 0 cluster_pass -30; conf b BACKUP 100 0 cluster_pass -30
  start b $OUT/weight-b.log; start a $OUT/weight-a.log; sleep 5
  rm $W/a/healthy; sleep 5; touch $W/a/healthy; sleep 5
  kill -HUP $(cat $W/a/keepalived.pid); sleep 3
  stop a; stop b ;;
tie)
  conf a MASTER 120 0 "" -20; conf b BACKUP 100 0 "" -20
  start b $OUT/tie-b.log; start a $OUT/tie-a.log; sleep 5
  rm $W/a/healthy; sleep 5; touch $W/a/healthy; sleep 3
  stop a; stop b ;;
splitbrain)
  conf a MASTER 100 0 "" -20 log_unknown_vrids; conf b BACKUP 100 0 "" -20 log_unknown_vrids
  start a $OUT/split-a.log; sleep 4; start b $OUT/split-b.log; sleep 2
  nftdrop a; nftdrop b; sleep 6
  nftundrop a; nftundrop b; sleep 4
  # a VRID collision: node c runs VRID 52 on the same link
  conf c MASTER 100 0 "" -20; sed -i 's/virtual_router_id 51/virtual_router_id 52/; s/192.0.2.100/192.0.2.101/' $W/c/keepalived.conf
  start c $OUT/split-c.log; sleep 4; stop c
  ip -n kcs-log-b link set veth0 down; sleep 3; ip -n kcs-log-b link set veth0 up; sleep 5
  stop a; stop b ;;
configtest)
  # keepalived's own config test of REFERENCE.md's master config (interface renamed veth0)
  cat > $W/ref.conf <<'C'
global_defs {
   router_id LVS_MASTER
   vrrp_skip_check_adv_addr
   vrrp_strict
   vrrp_garp_interval 0
   vrrp_gna_interval 0
   vrrp_iptables
}

vrrp_script monitor_nginx {
   script "/healthcheck/check_nginx.sh"
   interval 5
   weight -20
}

vrrp_instance VI_CLUSTER {
    state MASTER
    interface veth0
    virtual_router_id 51
    priority 120
    advert_int 1
    authentication {
        auth_type PASS
        auth_pass cluster_pass
    }
    virtual_ipaddress {
        192.0.2.100/24 dev veth0
    }
    track_script {
        monitor_nginx
    }
}
C
  (cd $W && ip netns exec kcs-log-a keepalived -t -f ref.conf > $OUT/configtest.log 2>&1)
  echo "keepalived -t exit status $?" >&2 ;;
auth)
  conf a MASTER 120 0 secretAAAA -20; conf b BACKUP 100 0 secretBBBB -20
  start a $OUT/auth-a.log; start b $OUT/auth-b.log; sleep 6
  stop a; stop b ;;
esac
