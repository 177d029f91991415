"""VRRP rules: exact timers, effective priority, the election and one-change predictions."""

from __future__ import annotations

import ipaddress
from dataclasses import replace

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from kaconsole.core.events import VrrpState
from kaconsole.core.vrrp.election import (
    Change,
    Election,
    NodeDies,
    Router,
    StartKeepalived,
    StopKeepalived,
    TrackerFails,
    TrackerRecovers,
    elect,
    predict,
)
from kaconsole.core.vrrp.timers import effective_priority, master_down_interval, skew_time

M, B, S, F = VrrpState.MASTER, VrrpState.BACKUP, VrrpState.STOP, VrrpState.FAULT
CAUSES = {"startup", "priority_zero", "advert_timeout", "preempted", "higher_priority_seen",
          "script_failed", "fault", "stopped", "unknown"}


def reference(master_state: VrrpState = M) -> Election:
    """REFERENCE.md: lvs-master 120 and lvs-backup 100, monitor_nginx weight -20 on both."""
    master = Router("lvs-master", "192.168.10.11", 120, master_state, weights_ok=(-20,))
    backup = Router("lvs-backup", "192.168.10.12", 100, B, weights_ok=(-20,))
    return Election((master, backup), advert_int=1.0, version=2)


# -- timers ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("priority", "advert", "version", "skew", "down"), [
    (100, 1.0, 2, 0.609375, 3.609375),
    (120, 1.0, 2, 0.53125, 3.53125),
    (254, 1.0, 2, 0.0078125, 3.0078125),
    (1, 1.0, 2, 0.99609375, 3.99609375),
    (100, 5.0, 2, 0.609375, 15.609375),       # v2: the skew ignores the advert interval
    (100, 1.0, 3, 0.609375, 3.609375),
    (100, 0.5, 3, 0.3046875, 1.8046875),      # v3: the skew scales with it
    (200, 2.0, 3, 0.4375, 6.4375),
    (255, 0.01, 3, 0.0000390625, 0.0300390625),
])
def test_skew_and_master_down_exact(priority: int, advert: float, version: int,
                                    skew: float, down: float) -> None:
    assert skew_time(priority, advert, version) == pytest.approx(skew, abs=1e-12)
    assert master_down_interval(priority, advert, version) == pytest.approx(down, abs=1e-12)


def test_down_adverts_replaces_the_three() -> None:
    assert master_down_interval(100, 1.0, 2, down_adverts=5) == 5.609375


@pytest.mark.parametrize("args", [(100, 1.0, 4), (256, 1.0, 2), (-1, 1.0, 2), (100, 0.0, 3)])
def test_timer_arguments_are_checked(args: tuple[int, float, int]) -> None:
    with pytest.raises(ValueError, match="expected"):
        skew_time(*args)


@given(st.integers(0, 255), st.integers(1, 4095), st.sampled_from([2, 3]))
def test_timers_agree_with_keepalived_microsecond_arithmetic(prio: int, centis: int,
                                                             version: int) -> None:
    # keepalived 2.2.7 include/vrrp.h VRRP_TIMER_SKEW_CALC, in integer microseconds
    pri_val = 256 - prio
    micros = (pri_val * centis * 625) // 16 if version == 3 else pri_val * 1_000_000 // 256
    assert abs(skew_time(prio, centis / 100, version) - micros / 1e6) < 1e-6


@given(st.integers(0, 255), st.floats(0.01, 40.95), st.sampled_from([2, 3]))
def test_master_down_is_at_least_three_adverts_and_falls_with_priority(
        prio: int, advert: float, version: int) -> None:
    down = master_down_interval(prio, advert, version)
    assert down >= 3 * advert
    assert down <= 3 * advert + (advert if version == 3 else 1.0)
    if prio < 255:
        assert down > master_down_interval(prio + 1, advert, version)


# -- effective priority ------------------------------------------------------------------------

@pytest.mark.parametrize(("base", "failed", "ok", "expected"), [
    (120, [-20], [], 100),        # the reference: monitor_nginx failing
    (120, [], [-20], 120),        # ... and passing
    (100, [], [10], 110),         # a positive weight counts while the script succeeds
    (100, [10], [], 100),
    (120, [-20, -30], [5], 75),
    (10, [-50], [], 1),           # clamped to 1..254
    (250, [], [10], 254),
    (255, [-20], [], 255),        # the address owner never changes
    (120, [0], [], None),         # weight 0 failing: FAULT
    (255, [0], [], None),         # ... even for the owner
    (120, [], [0], 120),
])
def test_effective_priority(base: int, failed: list[int], ok: list[int],
                            expected: int | None) -> None:
    assert effective_priority(base, failed, ok) == expected


@given(st.integers(1, 255), st.lists(st.integers(-253, 253), max_size=5),
       st.lists(st.integers(-253, 253), max_size=5))
def test_effective_priority_stays_in_range(base: int, failed: list[int], ok: list[int]) -> None:
    result = effective_priority(base, failed, ok)
    if 0 in failed:
        assert result is None
    elif base == 255:
        assert result == 255
    else:
        assert result is not None
        assert 1 <= result <= 254


def test_router_refuses_a_bad_address_or_priority() -> None:
    with pytest.raises(ValueError, match="does not appear to be an IPv4 or IPv6 address"):
        Router("a", "node1", 100)
    with pytest.raises(ValueError, match="priority 0"):
        Router("a", "10.0.0.1", 0)
    with pytest.raises(ValueError, match="unique"):
        Election((Router("a", "10.0.0.1", 100), Router("a", "10.0.0.2", 100)))


# -- the election ------------------------------------------------------------------------------

def test_reference_steady_state() -> None:
    outcome = elect(reference())
    assert outcome.master == "lvs-master"
    assert outcome.reason == "lvs-master is MASTER with priority 120"


def test_startup_goes_to_the_highest_priority() -> None:
    outcome = elect(reference(master_state=B))
    assert outcome.master == "lvs-master"
    assert outcome.reason == ("no MASTER: lvs-master has the highest priority, 120, "
                              "and times out first")


def test_equal_priorities_at_startup_are_decided_by_the_higher_ip() -> None:
    election = Election((Router("a", "10.0.0.9", 100), Router("b", "10.0.0.10", 100)))
    outcome = elect(election)
    assert outcome.master == "b"  # numerically higher, though "10.0.0.9" > "10.0.0.10" as text
    assert "the higher primary IP 10.0.0.10 (b) wins" in outcome.reason


def test_two_masters_keep_the_higher_priority_then_the_higher_ip() -> None:
    split = Election((Router("a", "10.0.0.1", 120, M), Router("b", "10.0.0.2", 100, M)))
    assert elect(split).master == "a"
    tie = Election((Router("a", "10.0.0.1", 100, M), Router("b", "10.0.0.2", 100, M)))
    assert elect(tie).master == "b"


def test_a_backup_does_not_take_over_on_equal_priority() -> None:
    election = Election((Router("a", "10.0.0.1", 100, M), Router("b", "10.0.0.2", 100, B)))
    outcome = elect(election)
    assert outcome.master == "a"  # b's higher IP does not matter: only between two MASTERs
    assert "b (100) has the same priority: a BACKUP does not take over" in outcome.reason


def test_a_higher_backup_preempts_unless_nopreempt() -> None:
    low_master = (Router("a", "10.0.0.1", 100, M), Router("b", "10.0.0.2", 110, B))
    assert elect(Election(low_master)).master == "b"
    held = (low_master[0], replace(low_master[1], nopreempt=True))
    outcome = elect(Election(held))
    assert outcome.master == "a"
    assert "b (110) has nopreempt" in outcome.reason


def test_no_router_can_be_master() -> None:
    election = Election((Router("a", "10.0.0.1", 100, S),
                         Router("b", "10.0.0.2", 100, B, weights_failed=(0,))))
    assert elect(election).master is None


# -- predictions on the reference deployment -----------------------------------------------------

def test_weight_tie_keeps_the_vip_on_the_master() -> None:
    p = predict(reference(), TrackerFails("lvs-master", -20, "monitor_nginx"))
    assert p.master == "lvs-master"
    assert not p.moved
    assert p.cause is None
    assert p.earliest is None
    assert p.reason == ("monitor_nginx failing on lvs-master lowers 120 by 20 to 100, equal to "
                        "lvs-backup's 100: a BACKUP does not take over on equal priority, "
                        "so the VIP stays on lvs-master")


def test_stopping_keepalived_fails_over_after_the_skew() -> None:
    p = predict(reference(), StopKeepalived("lvs-master"))
    assert (p.before, p.master, p.cause) == ("lvs-master", "lvs-backup", "priority_zero")
    assert p.earliest == p.latest == 0.609375
    assert p.reason == ("keepalived stopping on lvs-master sends priority 0: lvs-backup (100) "
                        "takes over after its skew time, 0.61 s")


def test_a_dead_master_is_noticed_within_the_master_down_interval() -> None:
    p = predict(reference(), NodeDies("lvs-master"))
    assert (p.master, p.cause) == ("lvs-backup", "advert_timeout")
    assert (p.earliest, p.latest) == (2.609375, 3.609375)
    assert "3.61 s after lvs-master's last advert" in p.reason


def test_recovery_preempts_after_the_master_down_interval() -> None:
    stopped = predict(reference(), StopKeepalived("lvs-master")).after
    p = predict(stopped, StartKeepalived("lvs-master"))
    assert (p.before, p.master, p.cause) == ("lvs-backup", "lvs-master", "preempted")
    # the lab measured 3.58 s from starting keepalived (tests/data/lab/manifest.json)
    assert p.earliest == p.latest == 3.53125
    assert p.reason.startswith("lvs-master starts with priority 120, above lvs-backup's 100")


def test_a_weight_below_the_peer_moves_the_vip_within_the_master_down_interval() -> None:
    election = Election((Router("a", "10.0.0.1", 120, M, weights_ok=(-30,)),
                         Router("b", "10.0.0.2", 100, B)))
    p = predict(election, TrackerFails("a", -30, "chk"))
    assert (p.master, p.cause) == ("b", "script_failed")
    assert (p.earliest, p.latest) == (2.609375, 3.609375)
    assert p.reason.startswith("chk failing on a lowers 120 by 30 to 90, below b's 100: b ")


def test_nopreempt_backup_leaves_the_vip_on_a_lower_master() -> None:
    election = Election((Router("a", "10.0.0.1", 120, M, weights_ok=(-30,)),
                         Router("b", "10.0.0.2", 100, B, nopreempt=True)))
    p = predict(election, TrackerFails("a", -30, "chk"))
    assert p.master == "a"
    assert "but b has nopreempt" in p.reason


def test_weight_zero_fault_resigns_and_recovery_preempts() -> None:
    election = Election((Router("a", "10.0.0.1", 120, M, weights_ok=(0,)),
                         Router("b", "10.0.0.2", 100, B)))
    fault = predict(election, TrackerFails("a", 0, "chk"))
    assert (fault.master, fault.cause, fault.earliest) == ("b", "priority_zero", 0.609375)
    assert fault.after.router("a").state is F
    back = predict(fault.after, TrackerRecovers("a", 0, "chk"))
    assert (back.master, back.cause, back.latest) == ("a", "preempted", 3.53125)


def test_a_backup_rising_above_the_master_preempts() -> None:
    election = Election((Router("a", "10.0.0.1", 110, M),
                         Router("b", "10.0.0.2", 120, B, weights_failed=(-20,))))
    p = predict(election, TrackerRecovers("b", -20, "chk"))
    assert (p.master, p.cause, p.latest) == ("b", "preempted", 3.53125)
    assert "raises 100 by 20 to 120, above a's 110" in p.reason


def test_changes_on_the_backup_leave_the_vip_alone() -> None:
    for change in (StopKeepalived("lvs-backup"), NodeDies("lvs-backup"),
                   TrackerFails("lvs-backup", -20, "monitor_nginx")):
        p = predict(reference(), change)
        assert p.master == "lvs-master"
        assert not p.moved


def test_equal_backups_take_over_together_and_the_ip_decides() -> None:
    election = Election((Router("a", "10.0.0.1", 120, M), Router("c", "10.0.0.3", 100),
                         Router("d", "10.0.0.4", 100)))
    p = predict(election, StopKeepalived("a"))
    assert (p.master, p.earliest) == ("d", 0.609375)
    assert "c and d tie with priority 100: the higher primary IP 10.0.0.4 (d) wins" in p.reason


def test_stopping_the_last_router_leaves_no_master() -> None:
    p = predict(Election((Router("a", "10.0.0.1", 100, M),)), StopKeepalived("a"))
    assert (p.master, p.cause) == (None, "stopped")
    assert "the VIP is gone" in p.reason


def test_the_address_owner_takes_over_at_once() -> None:
    election = Election((Router("a", "10.0.0.1", 255, S), Router("b", "10.0.0.2", 100, M)))
    p = predict(election, StartKeepalived("a"))
    assert (p.master, p.latest) == ("a", 0.0)


def test_unknown_node_or_tracker_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="no router named"):
        predict(reference(), StopKeepalived("nope"))
    with pytest.raises(ValueError, match="no passing tracker with weight -5"):
        predict(reference(), TrackerFails("lvs-master", -5))


# -- properties ----------------------------------------------------------------------------------

@st.composite
def elections(draw: st.DrawFn) -> Election:
    count = draw(st.integers(1, 4))
    hosts = draw(st.lists(st.integers(1, 250), min_size=count, max_size=count, unique=True))
    routers = tuple(Router(
        name=f"n{i}", address=f"10.0.0.{host}", base_priority=draw(st.integers(1, 255)),
        state=draw(st.sampled_from([M, B, S, F, VrrpState.INIT])),
        nopreempt=draw(st.booleans()),
        weights_failed=tuple(draw(st.lists(st.integers(-60, 60), max_size=2))),
        weights_ok=tuple(draw(st.lists(st.integers(-60, 60), max_size=2))),
    ) for i, host in enumerate(hosts))
    return Election(routers, advert_int=draw(st.sampled_from([1.0, 0.5, 3.0])),
                    version=draw(st.sampled_from([2, 3])))


def _ip(r: Router) -> int:
    return int(ipaddress.ip_address(r.address))


@given(elections())
def test_master_has_the_top_priority_unless_the_rules_say_otherwise(e: Election) -> None:
    outcome = elect(e)
    eligible = [r for r in e.routers if r.eligible]
    if not eligible:
        assert outcome.master is None
        return
    win = e.router(outcome.master or "")
    assert win.eligible
    for r in eligible:
        if r is win or (r.priority or 0) < (win.priority or 0):
            continue
        if (r.priority or 0) > (win.priority or 0):
            # only a higher BACKUP with nopreempt is left out, or one above a higher MASTER
            assert r.nopreempt or win.state is M
            assert r.state is not M
        elif r.state is M and win.state is M:
            assert _ip(r) < _ip(win)  # a tie between MASTERs goes to the higher IP
    masters = [r.priority or 0 for r in eligible if r.state is M]
    if not masters:
        assert win.priority == max(r.priority or 0 for r in eligible)
    elif win.state is not M:  # it preempted: strictly higher than every MASTER, and allowed to
        assert not win.nopreempt
        assert (win.priority or 0) > max(masters)


@st.composite
def changes(draw: st.DrawFn, e: Election) -> Change:
    r = draw(st.sampled_from(e.routers))
    kinds: list[Change] = [StopKeepalived(r.name), StartKeepalived(r.name), NodeDies(r.name)]
    kinds += [TrackerFails(r.name, w) for w in r.weights_ok]
    kinds += [TrackerRecovers(r.name, w) for w in r.weights_failed]
    return draw(st.sampled_from(kinds))


@given(st.data())
def test_predictions_are_consistent(data: st.DataObject) -> None:
    e = data.draw(elections())
    change = data.draw(changes(e))
    p = predict(e, change)
    assert p.before == elect(e).master
    assert p.master == elect(p.after).master
    masters = [r.name for r in p.after.routers if r.state is M]
    assert masters == ([p.master] if p.master else [])
    assert p.reason
    if p.moved:
        assert p.cause in CAUSES
        assert p.earliest is not None
        assert p.latest is not None
        assert 0 <= p.earliest <= p.latest
        assume(p.master is not None)
        winner = p.after.router(p.master or "")
        assert p.latest <= master_down_interval(winner.priority or 0, e.advert_int, e.version)
    else:
        assert p.cause is None
        assert p.earliest is None
